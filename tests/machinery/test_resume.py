"""Every training resumes bit-identically: 2 epochs straight == the same run interrupted during epoch 2 and rerun.

A case is one line in CASES: a function (run folder, epochs) that trains there with jaxdl.training. The test compares
every leaf of the final checkpoints (parameters, optimiser states, BatchNorm statistics, step) and the history files.
"""

import shutil
from pathlib import Path

import numpy as np
import orbax.checkpoint as ocp
import pytest

from jaxdl.classifier import train_classifier
from jaxdl.dann.train import fit as fit_dann
from jaxdl.gan.config import GanConfig
from jaxdl.gan.data import GanData, load
from jaxdl.gan.train import fit as fit_gan
from jaxdl.models import create
from jaxdl.pretrained import variables_for
from jaxdl.transfer.finetune_run import FinetuneConfig, finetune

RNG = np.random.default_rng(0)
IMAGES, LABELS = RNG.uniform(-1, 1, (64, 32, 32, 1)).astype(np.float32), RNG.integers(0, 10, 64)
COLOUR = (np.repeat(IMAGES[:32], 3, -1), LABELS[:32])
GAN = {"nz": 16, "ngf": 8, "ndf": 8, "batch_size": 32, "eval_samples": 0, "log_every": 1}


def gan(out: Path, epochs: int, conditional: bool = False) -> None:
    digits = load("digits", 32)
    data = GanData(digits.train[:64], digits.train_labels[:64], digits.held_out[:64], digits.held_out_labels[:64], 10)
    fit_gan(GanConfig(epochs=epochs, **GAN), out, conditional, data, progress=False)


def finetuned(out: Path, epochs: int) -> None:
    """SqueezeNet 1.1 (random weights), fire9 + conv10 trained on 24x24 crops with dropout, 3 steps per epoch."""
    pretrained = variables_for(create("squeezenet1_1"), "squeezenet1_1", "random")
    config = FinetuneConfig("fire9-conv10", epochs=epochs, batch_size=8, size=24, val_fraction=0.25, out=out, progress=False)
    finetune("squeezenet1_1", pretrained, COLOUR[0], np.arange(32) % 4, 4, config)


CASES = {
    "dann": lambda out, epochs: fit_dann("dann", COLOUR, COLOUR, epochs=epochs, batch_size=16, ckpt_dir=out, progress=False),
    "dcgan": gan,
    "cdcgan": lambda out, epochs: gan(out, epochs, conditional=True),
    "classifier": lambda out, epochs: train_classifier(IMAGES, LABELS, 10, epochs, batch_size=16, out=out, progress=False),
    "finetune": finetuned,
}


def final_checkpoint(run: Path) -> tuple[int, dict[str, np.ndarray]]:
    """(step, every saved leaf as a flat {path: array}) of the newest checkpoint of a run folder."""
    with ocp.CheckpointManager(run / "checkpoints") as mngr:
        step = mngr.latest_step()
        tree = mngr.restore(step, args=ocp.args.StandardRestore())
    return step, {k: np.asarray(v) for k, v in ocp.tree.to_flat_dict(tree, sep="/").items()}


@pytest.mark.parametrize("case", CASES)
def test_resume_is_bit_identical(case: str, tmp_path: Path) -> None:
    straight, resumed = tmp_path / "straight", tmp_path / "resumed"
    CASES[case](straight, 2)
    shutil.copytree(straight, resumed)
    (step, expected), first = final_checkpoint(straight), min(int(p.name) for p in (resumed / "checkpoints").iterdir())
    shutil.rmtree(resumed / "checkpoints" / str(step))  # interrupted during epoch 2: only epoch 1's checkpoint is left
    CASES[case](resumed, 2)
    assert first < step and final_checkpoint(resumed)[0] == step
    got = final_checkpoint(resumed)[1]
    assert got.keys() == expected.keys() and len(got) >= 4
    for name, value in expected.items():
        np.testing.assert_array_equal(got[name], value, err_msg=name)
    assert (resumed / "history.jsonl").read_text() == (straight / "history.jsonl").read_text()
