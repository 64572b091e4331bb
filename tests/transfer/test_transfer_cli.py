"""`jaxdl transfer` and `jaxdl run transfer` run the same experiment: one config, one hash, the same features and table."""

import csv
import json
from dataclasses import asdict

import numpy as np

from jaxdl.cli import build_parser, main
from jaxdl.options import from_args
from jaxdl.run.runner import settings_key
from jaxdl.run.settings import load_settings
from jaxdl.transfer.config import TransferConfig


def test_cli_and_run_all_run_the_same_transfer(tmp_path):
    """Same settings given to the CLI and to `jaxdl run`: equal configs and hashes, bit-identical cached features in one
    feature folder name, the same SVM accuracies."""
    given = {"limit": 100, "size": 32, "arch": "squeezenet1_1", "layers": ["fire7", "fire9"], "C": [1.0], "summary": [],
             "compare": [], "head": "none"}
    argv = ["transfer", "--limit", "100", "--size", "32", "--arch", "squeezenet1_1", "--layers", "fire7,fire9", "--C", "1",
            "--summary", "", "--compare", "", "--head", "none"]
    assignments = tuple(f"transfer.{key}={json.dumps(value)}" for key, value in given.items())
    from_cli = from_args(TransferConfig, build_parser().parse_args(argv))
    from_run = load_settings(False, None, assignments)["transfer"]
    assert from_cli == from_run and settings_key(asdict(from_cli)) == settings_key(asdict(from_run))
    assert main([*argv, "--out", str(tmp_path / "cli"), "--no-progress"]) == 0
    assert main(["run", "transfer", *(a for s in assignments for a in ("--set", s)), "--out", str(tmp_path / "all"),
                 "--no-progress"]) == 0
    (ours,), (theirs,) = (list((folder / "features").iterdir()) for folder in (tmp_path / "cli", tmp_path / "all" / "transfer"))
    assert ours.name == theirs.name and ours.name.startswith("digits-squeezenet1_1-random-avg-32-")
    assert sorted(p.name for p in ours.iterdir()) == ["fire7-test.npy", "fire7-train.npy", "fire9-test.npy", "fire9-train.npy"]
    for path in ours.iterdir():
        np.testing.assert_array_equal(np.load(path), np.load(theirs / path.name))
    assert np.load(ours / "fire9-train.npy").shape == (50, 512)  # 100 digits split half/half, fire9's 512 channels
    tables = [[{k: row[k] for k in ("layer", "C", "train_acc", "test_acc")} for row in csv.DictReader((folder / "svm.csv").open())]
              for folder in (tmp_path / "cli", tmp_path / "all" / "transfer")]
    assert tables[0] == tables[1] and [row["layer"] for row in tables[0]] == ["fire7", "fire9"]
