"""`jaxdl visualize METHOD` and `jaxdl run visualize` share one subject config and one library call per method: the
same settings hash and the same arrays written; real weights only when named, random ones announced first."""

import csv
import json
from dataclasses import asdict, fields

import numpy as np
import pytest

from jaxdl.cli import build_parser, main
from jaxdl.options import from_args
from jaxdl.pretrained import ENV, FILES
from jaxdl.run.runner import settings_key
from jaxdl.run.settings import load_settings
from jaxdl.visualize.config import SubjectConfig, weights_note

GIVEN = {"images": 3, "fooling_target": 2, "fooling_steps": 5, "classviz_iterations": 10, "classviz_targets": [1],
         "robustness_images": 20, "robustness_steps": 2, "robustness_eps": [0, 0.1], "robustness_attacks": ["fgsm"]}


def test_cli_and_run_all_write_the_same_visualize(tmp_path):
    assignments = [a for key, value in GIVEN.items() for a in ("--set", f"visualize.{key}={json.dumps(value)}")]
    from_run = load_settings(False, None, tuple(assignments[1::2]))["visualize"]
    from_cli = from_args(SubjectConfig, build_parser().parse_args(["visualize", "saliency", "--images", "3"]))
    shared = {field.name: getattr(from_run, field.name) for field in fields(SubjectConfig)}
    assert from_cli == SubjectConfig(**shared) and settings_key(asdict(from_cli)) == settings_key(shared)
    cli, run = tmp_path / "cli", tmp_path / "all" / "visualize"
    common = ["--images", "3", "--out", str(cli), "--no-progress"]
    assert main(["visualize", "saliency", *common]) == 0
    assert main(["visualize", "adversarial", "--target", "2", "--iters", "5", *common]) == 0
    assert main(["visualize", "classviz", "--target", "1", "--iters", "10", *common]) == 0
    assert main(["visualize", "evaluate", "--sanity-images", "4", *common]) == 0
    assert main(["run", "visualize", *assignments, "--out", str(tmp_path / "all"), "--no-progress"]) == 0
    ours, theirs = np.load(cli / "saliency_vanilla.npy"), np.load(run / "saliency_vanilla.npy")
    assert ours.shape == (3, 32, 32) and ours.max() == pytest.approx(0.8402, abs=1e-3)
    np.testing.assert_array_equal(ours, theirs)
    fooled, fooled_run = np.load(cli / "adversarial_fooling.npz"), np.load(run / "adversarial_fooling.npz")
    for name in ("adversarial", "before", "after", "steps"):
        np.testing.assert_array_equal(fooled[name], fooled_run[name])
    assert fooled["adversarial"].shape == (3, 32, 32, 1)
    assert fooled["before"].tolist() == [6, 5, 9] and fooled["after"].tolist() == [2, 7, 2]  # the 5 ends as a 7
    assert fooled["steps"].tolist() == [4, 5, 5]  # 2 of 3 fooled into 2 within the 5 steps
    assert (cli / "classviz.md").read_text() == (run / "classviz.md").read_text()
    for table in ("faithfulness.csv", "sanity.csv"):
        assert (cli / table).read_text() == (run / table).read_text()
    (row,) = csv.DictReader((cli / "classviz.csv").open())
    assert row["class"] == "1" and float(row["logit"]) == pytest.approx(23.02, abs=0.01) and float(row["probability"]) > 0.999


def test_real_weights_only_when_named(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    weights, note = weights_note(SubjectConfig(arch="squeezenet1_0"))
    assert weights == "random" and note == f"RANDOM WEIGHTS for squeezenet1_0: no weights file given and none in ${ENV}"
    (tmp_path / FILES["squeezenet1_0"]).write_bytes(b"")
    monkeypatch.setenv(ENV, str(tmp_path))
    assert weights_note(SubjectConfig(arch="squeezenet1_0")) == (str(tmp_path / FILES["squeezenet1_0"]), None)
    assert weights_note(SubjectConfig(arch="squeezenet1_0", weights="mine.npz")) == ("mine.npz", None)
    assert weights_note(SubjectConfig())[1] is None  # the digits CNN trains its own
