"""`jaxdl dann`: a tiny end-to-end run writes the table and figures and resumes; bad input is one line, exit 2; the
CLI and `jaxdl run` train the same thing."""

import json
from dataclasses import asdict

import jax
import numpy as np

from jaxdl.cli import build_parser, main
from jaxdl.dann.config import DannConfig, domains, fit_options
from jaxdl.dann.train import fit
from jaxdl.options import from_args
from jaxdl.run.runner import settings_key
from jaxdl.run.settings import load_settings


def test_dann_command_outputs_and_resume(tmp_path, capsys):
    argv = ["dann", "--source", "digits[0:128]", "--target", "digits-m[900:1028]", "--method", "source-only", "dann",
            "--epochs", "1", "--out", str(tmp_path)]
    assert main(argv) == 0
    table = (tmp_path / "table.md").read_text()
    assert table.splitlines()[0] == "| method | seed | source acc % | target acc % | A-distance |"
    assert [line.split(" | ")[0] for line in table.splitlines()[2:]] == ["| source-only", "| dann"]
    epochs = (tmp_path / "epochs.md").read_text().splitlines()[0]
    assert epochs == ("| epoch | source-only label_loss | source-only target_acc | dann label_loss | dann domain_loss | "
                      "dann domain_acc | dann target_acc |")
    selection = (tmp_path / "selection.md").read_text().splitlines()
    assert selection[0] == "| method | picked by | epoch | target acc % | below best (points) |"
    assert [line.split(" | ")[1] for line in selection[2:]] == ["last epoch", "best epoch (target labels)", "highest IM",
                                                                 "highest SND"] * 2
    assert (tmp_path / "curves.png").stat().st_size > 10_000 and (tmp_path / "embedding.png").stat().st_size > 10_000
    assert (tmp_path / "tsne.png").stat().st_size > 10_000
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


def test_cli_and_run_all_train_the_same_dann(tmp_path):
    """`jaxdl dann` and `jaxdl run dann` with the same settings: one config hash, the same parameters after one epoch."""
    given = {"source": "digits[0:128]", "target": "digits-m[900:1028]", "methods": ["dann"], "epochs": 1}
    argv = ["dann", "--source", given["source"], "--target", given["target"], "--method", "dann", "--epochs", "1"]
    assignments = tuple(f"dann.{key}={json.dumps(value)}" for key, value in given.items())
    from_cli = from_args(DannConfig, build_parser().parse_args(argv))
    from_run = load_settings(False, None, assignments)["dann"]
    assert from_cli == from_run and settings_key(asdict(from_cli)) == settings_key(asdict(from_run))
    assert main([*argv, "--out", str(tmp_path / "cli")]) == 0
    assert main(["run", "dann", *(a for s in assignments for a in ("--set", s)), "--out", str(tmp_path / "all")]) == 0
    source, target = domains(from_cli)
    restored = [fit("dann", source[0], target[0], ckpt_dir=folder / "runs" / "dann", progress=False, **fit_options(from_cli))[0]
                for folder in (tmp_path / "cli", tmp_path / "all" / "dann")]  # resumed after the last epoch: nothing trained
    assert int(restored[0].step) == int(restored[1].step) == 3  # 115 source training digits, batches of 32
    for ours, theirs in zip(jax.tree.leaves(restored[0].params), jax.tree.leaves(restored[1].params)):
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
