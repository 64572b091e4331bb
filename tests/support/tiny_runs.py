"""Tiny trainings of every practical on jaxdl.training (a run folder, a number of epochs), and the final checkpoint of
a run folder as flat arrays: what the resume and multi-process tests compare.

    python tiny_runs.py OUT EPOCHS CASE...   trains each case in OUT/CASE, as one process of a multi-process run when
                                             JAX_NUM_PROCESSES is set (tests/support/processes.py), with
                                             TINY_HEARTBEAT as --heartbeat-timeout (default 30 s); case
                                             "fail" raises in process TINY_FAIL
"""

import os
import sys
from pathlib import Path

import jax
import numpy as np
import orbax.checkpoint as ocp

from jaxdl.classifier import train_classifier
from jaxdl.dann.train import fit as fit_dann
from jaxdl.gan.config import GanConfig
from jaxdl.gan.data import GanData, load
from jaxdl.gan.train import fit as fit_gan
from jaxdl.models import create
from jaxdl.parallel import Launch, launch
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


def failed(out: Path, epochs: int) -> None:
    """Process TINY_FAIL ends here with an error of its own; the others go on to the next case (and its collectives)."""
    if jax.process_index() == int(os.environ["TINY_FAIL"]):
        raise RuntimeError("planted error")


CASES = {
    "dann": lambda out, epochs: fit_dann("dann", COLOUR, COLOUR, epochs=epochs, batch_size=16, ckpt_dir=out, progress=False),
    "dcgan": gan,
    "cdcgan": lambda out, epochs: gan(out, epochs, conditional=True),
    "classifier": lambda out, epochs: train_classifier(IMAGES, LABELS, 10, epochs, batch_size=16, out=out, progress=False),
    "finetune": finetuned,
}


def final_checkpoint(run: Path) -> tuple[int, dict[str, np.ndarray]]:
    """(step, every saved leaf as a flat {path: array}) of the newest checkpoint of a run folder, read onto this
    process's first device whatever devices and processes saved it."""
    with ocp.CheckpointManager(run / "checkpoints") as mngr:
        step = mngr.latest_step()
    folder, device = run / "checkpoints" / str(step) / "default", jax.sharding.SingleDeviceSharding(jax.devices()[0])
    with ocp.StandardCheckpointer() as checkpointer:
        saved = checkpointer.metadata(folder).item_metadata.tree
        like = jax.tree.map(lambda leaf: jax.ShapeDtypeStruct(leaf.shape, leaf.dtype, sharding=device), saved)
        tree = checkpointer.restore(folder, like)
    return step, {k: np.asarray(v) for k, v in ocp.tree.to_flat_dict(tree, sep="/").items()}


def main(argv: list[str]) -> None:
    """Join the multi-process run when there is one (60 s to reach the coordinator), then train each case."""
    out, epochs, cases = Path(argv[0]), int(argv[1]), argv[2:]
    launch(Launch(distributed="JAX_NUM_PROCESSES" in os.environ, coordinator_timeout=60,
                  heartbeat_timeout=int(os.environ.get("TINY_HEARTBEAT", "30"))))
    for case in cases:
        {**CASES, "fail": failed}[case](out / case, epochs)


if __name__ == "__main__":
    main(sys.argv[1:])
