"""The options of `jaxdl dann` and the DANN experiment scripts: a frozen dataclass (which domains, how to train) whose
fields are the command-line options (jaxdl/options.py)."""

import argparse
from dataclasses import dataclass

from jaxdl.dann.domains import RESIZES, SCALES
from jaxdl.dann.experiment import prepare
from jaxdl.models.dann import INITS
from jaxdl.options import add_fields, from_args


@dataclass(frozen=True)
class DannOptions:
    """Which domains and how to train; the defaults are the embedded digits -> digits-M task with the course's conventions."""

    source: str = "digits[0:900]"
    target: str = "digits-m[900:1797]"
    epochs: int = 30
    batch_size: int = 32
    lam_max: float = 1.0
    lr: float = 0.01
    eval_fraction: float = 0.5
    photos: str | None = None
    split: str = "test"
    eval_split: str | None = None
    init: str = "torch"
    input_scale: str = "centered"
    resize: str = "pil"


HELP = {
    "source": "labelled source domain spec: digits, digits-m, idx:DIR, idx-m:DIR, mnist-m:DIR, optionally [a:b]",
    "target": "target domain spec; its labels are used only to evaluate (and by target-only)",
    "batch_size": "per domain (a step sees twice this)",
    "lam_max": "final gradient-reversal factor",
    "lr": "mu_0 of the paper's learning-rate schedule",
    "eval_fraction": "last part of each domain held out for evaluation",
    "photos": "colour photo folder for the -m domains (default: the embedded photos)",
    "split": "IDX/MNIST-M split to read",
    "eval_split": "evaluate on this whole split instead of a held-out fraction (the paper's protocol with full data: "
                  "--split train --eval-split test)",
    "init": "network initialisation: PyTorch's default (uniform, bound 1/sqrt(fan_in), biases too; the course's) or "
            "Flax's (LeCun normal, zero biases)",
    "input_scale": "centered: (x - 0.5) / 0.5 in [-1, 1] (the course's); unit: [0, 1]",
    "resize": "28 -> 32 resize of MNIST-like digits: PIL bilinear on uint8, or bilinear on floats as torch's F.interpolate",
}
CHOICES = {"split": ("train", "test"), "eval_split": ("train", "test"), "init": INITS, "input_scale": SCALES,
           "resize": RESIZES}


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add one option per DannOptions field."""
    add_fields(parser, DannOptions, HELP, CHOICES)


def domains(options: DannOptions | argparse.Namespace, seed: int = 0) -> list:
    """[(source train, source test), (target train, target test)] from the options (or parsed options)."""
    o = from_args(DannOptions, options)
    return prepare(o.source, o.target, o.eval_fraction, o.photos, seed, o.split, eval_split=o.eval_split,
                   scale=o.input_scale, resize=o.resize)


def fit_options(options: DannOptions | argparse.Namespace) -> dict:
    """Keyword arguments of `jaxdl.dann.train.fit` from the options (or parsed options)."""
    o = from_args(DannOptions, options)
    return {"epochs": o.epochs, "batch_size": o.batch_size, "mu0": o.lr, "lam_max": o.lam_max, "init": o.init}


@dataclass(frozen=True)
class TableOptions:
    """The multi-seed table scripts' choices: which methods, how many seeds from which, the table's path."""

    methods: tuple[str, ...] = ()
    seeds: int = 3
    first_seed: int = 0
    out: str = "runs/dann_table"


TABLE_HELP = {"methods": "methods to compare", "seeds": "how many seeds",
              "first_seed": "seeds are first-seed, first-seed + 1, ...",
              "out": "table path without extension (.md and .csv are written)"}


def add_table_options(parser: argparse.ArgumentParser, methods: tuple[str, ...], default: list[str], out: str) -> None:
    """Add the options of the multi-seed table scripts (TableOptions), with this script's default methods and path."""
    add_fields(parser, TableOptions(tuple(default), out=out), TABLE_HELP, {"methods": methods})


def seeds(args: argparse.Namespace) -> range:
    """The seeds asked for by --seeds and --first-seed."""
    return range(args.first_seed, args.first_seed + args.seeds)
