"""`jaxdl dann`: a tiny end-to-end run writes the table and figures and resumes; bad input is one line, exit 2."""

from jaxdl.cli import main


def test_dann_command_outputs_and_resume(tmp_path, capsys):
    argv = ["dann", "--source", "digits[0:128]", "--target", "digits-m[900:1028]", "--method", "source-only", "dann",
            "--epochs", "1", "--out", str(tmp_path)]
    assert main(argv) == 0
    table = (tmp_path / "table.md").read_text()
    assert table.splitlines()[0] == "| method | seed | source acc % | target acc % |"
    assert [line.split(" | ")[0] for line in table.splitlines()[2:]] == ["| source-only", "| dann"]
    assert (tmp_path / "curves.png").stat().st_size > 10_000 and (tmp_path / "embedding.png").stat().st_size > 10_000
    assert sorted(p.name for p in (tmp_path / "runs" / "dann").iterdir()) == ["checkpoints", "history.jsonl"]
    assert main(argv) == 0  # resumed from the checkpoints: no training left, same table
    assert (tmp_path / "table.md").read_text() == table


def test_dann_command_bad_input(tmp_path, capsys):
    assert main(["dann", "--source", "digits", "--target", f"mnist-m:{tmp_path}", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no mnist_m_test_labels.txt" in err
    assert main(["dann", "--source", "digits[0:1]", "--target", "digits-m[1:]", "--eval-fraction", "0.5", "--out", str(tmp_path)]) == 2
    assert "leaves no training or no evaluation images of 1 in digits[0:1]" in capsys.readouterr().err
    assert main(["dann", "--source", "digits[0:1000]", "--target", "digits-m[900:1797]", "--out", str(tmp_path)]) == 2
    assert "index-aligned and their ranges overlap" in capsys.readouterr().err
