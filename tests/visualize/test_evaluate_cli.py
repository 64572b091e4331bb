"""`jaxdl visualize evaluate` on the embedded digits CNN: its tables and figures, random maps worse than the gradient
methods on both curves, the sanity rows per depth; bad options are one line and exit code 2 before any map is computed."""

import csv

import pytest

from jaxdl.cli import main


def test_evaluate_writes_tables_and_figures(tmp_path):
    argv = ["visualize", "evaluate", "--images", "8", "--curve-step", "0.1", "--samples", "4", "--steps", "4",
            "--out", str(tmp_path), "--no-progress"]
    assert main(argv) == 0
    rows = {row["method"]: row for row in csv.DictReader((tmp_path / "faithfulness.csv").open())}
    assert list(rows) == ["vanilla", "smoothgrad", "ig", "gradcam", "guided", "random"]
    assert all(row["images"] == "8" and row["network"] == "digits SmallCNN" for row in rows.values())
    random = rows.pop("random")
    for method, row in rows.items():
        better = float(row["deletion_auc"]) < float(random["deletion_auc"]) and float(row["insertion_auc"]) > float(random["insertion_auc"])
        assert row["beats_random"] == ("both" if better else "NO")
        assert better or method == "gradcam", method  # Grad-CAM's 8x8 map reveals worse than random here: a finding
    assert float(rows["ig"]["deletion_auc"]) < 0.2 < 0.6 < float(random["deletion_auc"])
    sanity = list(csv.DictReader((tmp_path / "sanity.csv").open()))
    assert [(row["randomised"], row["layers"]) for row in sanity] == [
        ("none (trained)", "0"), ("fc2", "1"), ("fc1", "2"), ("conv2", "3"), ("conv1", "4")]
    assert all(float(sanity[0][m]) == 1 for m in rows)
    assert float(sanity[-1]["vanilla"]) < 0.5 and "random" not in sanity[0]
    # Adebayo et al.'s contrast: signed IG maps lose their ranking at once, their magnitudes (~ |x * gradient|) keep it
    assert abs(float(sanity[1]["ig"])) < 0.2 and float(sanity[-1]["ig_abs"]) > 0.6
    for figure in ("faithfulness.png", "sanity_maps.png", "sanity_correlation.png"):
        assert (tmp_path / figure).stat().st_size > 10_000


@pytest.mark.parametrize("option, message", [
    (["--curve-step", "0"], "the curve step must be a fraction of the pixels in (0, 1], got 0.0"),
    (["--methods", "vanilla,lime"], "unknown attribution method 'lime'; choose from: vanilla, smoothgrad, ig, gradcam, "
                                    "guided, random"),
    (["--layer", "fc9"], "unknown layer 'fc9'; choose one of: conv1, pool1, conv2, pool2, features, logits"),
    (["--sanity-show", "5", "--images", "3"], "sanity_show 5 is not one of the sanity check's images (0..2)"),
])
def test_bad_options_are_one_line(tmp_path, capsys, option, message):
    assert main(["visualize", "evaluate", *option, "--out", str(tmp_path), "--no-progress"]) == 2
    assert capsys.readouterr().err == f"jaxdl visualize: error: {message}\n"
    assert not list(tmp_path.iterdir())
