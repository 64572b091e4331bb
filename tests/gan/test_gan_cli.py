"""`jaxdl gan` and `jaxdl run gan` train the same thing: one config, one config hash, the same parameters."""

import json
from dataclasses import asdict

import jax
import numpy as np

from jaxdl.cli import build_parser, main
from jaxdl.gan.config import GanConfig
from jaxdl.gan.train import fit
from jaxdl.options import from_args
from jaxdl.run.runner import settings_key
from jaxdl.run.settings import FULL, QUICK, load_settings


def test_one_set_of_gan_defaults():
    """The CLI's defaults are `jaxdl run`'s full preset; --quick keeps only the cDCGAN."""
    assert from_args(GanConfig, build_parser().parse_args(["gan"])) == FULL["gan"] == GanConfig()
    assert QUICK["gan"] == GanConfig(models=("cdcgan",)) and FULL["gan"].epochs == 40


def test_cli_and_run_all_train_the_same_gan(tmp_path):
    """Tiny cDCGANs from both faces: equal configs and hashes, bit-identical G and D after one epoch (4 iterations)."""
    given = {"data": "digits[0:320]", "models": ["cdcgan"], "nz": 8, "ngf": 8, "ndf": 8, "epochs": 1, "batch_size": 64,
             "eval_samples": 0}
    argv = ["gan", "--data", given["data"], "--model", "cdcgan", "--nz", "8", "--ngf", "8", "--ndf", "8", "--epochs", "1",
            "--batch-size", "64", "--eval-samples", "0", "--no-progress"]
    assignments = tuple(f"gan.{key}={json.dumps(value)}" for key, value in given.items())
    from_cli = from_args(GanConfig, build_parser().parse_args(argv))
    from_run = load_settings(False, None, assignments)["gan"]
    assert from_cli == from_run and settings_key(asdict(from_cli)) == settings_key(asdict(from_run))
    assert main([*argv, "--out", str(tmp_path / "cli")]) == 0
    assert main(["run", "gan", *(a for s in assignments for a in ("--set", s)), "--out", str(tmp_path / "all"),
                 "--no-progress"]) == 0
    restored = [fit(from_cli, folder / "cdcgan", conditional=True, progress=False)[0]
                for folder in (tmp_path / "cli", tmp_path / "all" / "gan")]  # resumed after the last epoch: nothing trained
    assert int(restored[0].step) == int(restored[1].step) == 4  # 256 training digits (20 % held out), batches of 64
    leaves = [jax.tree.leaves((state.g.params, state.d.params)) for state in restored]
    assert len(leaves[0]) > 10
    for ours, theirs in zip(*leaves):
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
