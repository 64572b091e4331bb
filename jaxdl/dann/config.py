"""The DANN practical's one config: which domains, which methods, how to train; its fields are the options of
`jaxdl dann` and the [dann] settings of `jaxdl run` (jaxdl/options.py).

The defaults are the full course run on the embedded digits -> digits-M: 900 source training digits (10 % of
digits[0:1000] held out for source accuracy), target digits 1000-1796 split half/half, 30 epochs, every method.
`quick()` is `--quick`: source-only, DANN, no-GRL and CDAN (the t-SNE's three and the course's question 1), 15 epochs
(tests/dann/test_dann_embedded.py's measured budget).
"""

import argparse
from dataclasses import dataclass, replace

from jaxdl.dann.domains import RESIZES, SCALES
from jaxdl.dann.experiment import Arrays, prepare
from jaxdl.dann.step import METHODS
from jaxdl.models.dann import INITS
from jaxdl.options import add_fields, cli, from_args


@dataclass(frozen=True)
class DannConfig:
    """Which domains and methods, how to train; defaults: the embedded digits -> digits-M with the course's conventions."""

    source: str = "digits[0:1000]"
    target: str = "digits-m[1000:1797]"
    methods: tuple[str, ...] = cli(("source-only", "dann", "no-grl", "cdan", "cdan+e", "pseudo-label", "target-only"), flag="--method")
    epochs: int = 30
    batch_size: int = 32
    lam_max: float = 1.0
    lr: float = 0.01
    eval_fraction: float = 0.5
    source_eval_fraction: float | None = 0.1
    photos: str | None = None
    split: str = "test"
    eval_split: str | None = None
    init: str = "torch"
    input_scale: str = "centered"
    resize: str = "pil"
    seed: int = 0

    def quick(self) -> "DannConfig":
        """The `--quick` run: source-only, DANN, DANN without the GRL and CDAN, 15 epochs."""
        return replace(self, methods=("source-only", "dann", "no-grl", "cdan"), epochs=15)


HELP = {
    "source": "labelled source domain spec: digits, digits-m, idx:DIR, idx-m:DIR, mnist-m:DIR, optionally [a:b]",
    "target": "target domain spec; its labels are used only to evaluate (and by target-only)",
    "methods": "methods to train and compare",
    "batch_size": "per domain (a step sees twice this)",
    "lam_max": "final gradient-reversal factor",
    "lr": "mu_0 of the paper's learning-rate schedule",
    "eval_fraction": "last part of each domain held out for evaluation",
    "source_eval_fraction": "last part of the source held out for evaluation: a small source keeps most images for "
                            "training (in Python, None means the same as eval_fraction)",
    "photos": "colour photo folder for the -m domains (default: the embedded photos)",
    "split": "IDX/MNIST-M split to read",
    "eval_split": "evaluate on this whole split instead of a held-out fraction (the paper's protocol with full data: "
                  "--split train --eval-split test)",
    "init": "network initialisation: PyTorch's default (uniform, bound 1/sqrt(fan_in), biases too; the course's) or "
            "Flax's (LeCun normal, zero biases)",
    "input_scale": "centered: (x - 0.5) / 0.5 in [-1, 1] (the course's); unit: [0, 1]",
    "resize": "28 -> 32 resize of MNIST-like digits: PIL bilinear on uint8, or bilinear on floats as torch's F.interpolate",
    "seed": "seed of the split, the initialisation and the batches",
}
CHOICES = {"methods": METHODS, "split": ("train", "test"), "eval_split": ("train", "test"), "init": INITS,
           "input_scale": SCALES, "resize": RESIZES}


def add_options(parser: argparse.ArgumentParser, skip: tuple[str, ...] = ()) -> None:
    """Add one option per DannConfig field (but `skip`)."""
    add_fields(parser, DannConfig, HELP, CHOICES, skip)


def domains(config: DannConfig | argparse.Namespace, seed: int | None = None) -> list[tuple[Arrays, Arrays]]:
    """[(source train, source test), (target train, target test)] of the config (or parsed options); `seed`: the
    config's unless given."""
    c = from_args(DannConfig, config)
    return prepare(c.source, c.target, c.eval_fraction, c.photos, c.seed if seed is None else seed, c.split,
                   c.source_eval_fraction, c.eval_split, c.input_scale, c.resize)


def fit_options(config: DannConfig | argparse.Namespace) -> dict:
    """Keyword arguments of `jaxdl.dann.train.fit` from the config (or parsed options)."""
    c = from_args(DannConfig, config)
    return {"epochs": c.epochs, "batch_size": c.batch_size, "mu0": c.lr, "lam_max": c.lam_max, "init": c.init}
