"""`jaxdl visualize attributions` draws the very maps that `jaxdl visualize saliency|gradcam` write (one assembly of
each method), every image in figures of `--show` images, with one timing row per method."""

import csv

import numpy as np

from jaxdl.cli import main
from jaxdl.visualize.attribution_grid import GridSettings, method_maps
from jaxdl.visualize.attribution_outputs import explained_classes
from jaxdl.visualize.config import SubjectConfig, subject_of


def test_grid_maps_are_the_saliency_and_gradcam_commands_maps(tmp_path):
    common = ["--images", "3", "--out", str(tmp_path), "--no-progress"]
    assert main(["visualize", "saliency", "--method", "smoothgrad", "--samples", "3", *common]) == 0
    assert main(["visualize", "gradcam", *common]) == 0
    subject, inputs, _ = subject_of(SubjectConfig(images=3))
    settings = GridSettings(methods=("smoothgrad", "gradcam"), samples=3)
    maps, rows = method_maps(subject, inputs, settings, explained_classes(subject, inputs, settings, False), 0, False)
    assert [title for title, _ in maps.values()] == [row["method"] for row in rows] == ["SmoothGrad", "Grad-CAM pool2"]
    np.testing.assert_array_equal(maps["smoothgrad"][1], np.load(tmp_path / "saliency_smoothgrad.npy"))
    np.testing.assert_array_equal(maps["gradcam"][1], np.load(tmp_path / "gradcam_pool2.npy"))


def test_cli_draws_every_image_show_a_figure(tmp_path, capsys):
    assert main(["visualize", "attributions", "--images", "5", "--show", "2", "--methods", "vanilla", "guided",
                 "--name", "grid", "--out", str(tmp_path), "--no-progress"]) == 0
    assert sorted(p.name for p in tmp_path.glob("grid_*.png")) == ["grid_0.png", "grid_1.png", "grid_2.png"]
    rows = list(csv.DictReader((tmp_path / "grid_seconds.csv").open()))
    assert [(r["method"], r["images"]) for r in rows] == [("saliency", "5"), ("guided backprop", "5")]
    assert "3 figures: " in capsys.readouterr().out
