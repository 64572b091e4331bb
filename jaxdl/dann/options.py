"""Command-line options shared by `jaxdl dann` and the DANN experiment scripts: which domains, how to train."""

import argparse

from jaxdl.dann.domains import RESIZES, SCALES
from jaxdl.dann.experiment import prepare
from jaxdl.models.dann import INITS


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add the domain and training options (defaults: the embedded digits -> digits-M task, the course's conventions)."""
    parser.add_argument("--source", default="digits[0:900]", help="labelled source domain spec: digits, digits-m, "
                        "idx:DIR, idx-m:DIR, mnist-m:DIR, optionally [a:b]")
    parser.add_argument("--target", default="digits-m[900:1797]", help="target domain spec; its labels are used only to "
                        "evaluate (and by target-only)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32, help="per domain (a step sees twice this)")
    parser.add_argument("--lam-max", type=float, default=1.0, help="final gradient-reversal factor")
    parser.add_argument("--lr", type=float, default=0.01, help="mu_0 of the paper's learning-rate schedule")
    parser.add_argument("--eval-fraction", type=float, default=0.5, help="last part of each domain held out for evaluation")
    parser.add_argument("--photos", help="colour photo folder for the -m domains (default: the embedded photos)")
    parser.add_argument("--split", default="test", choices=("train", "test"), help="IDX/MNIST-M split to read")
    parser.add_argument("--eval-split", choices=("train", "test"), help="evaluate on this whole split instead of a held-out "
                        "fraction (the paper's protocol with full data: --split train --eval-split test)")
    parser.add_argument("--init", default="torch", choices=INITS, help="network initialisation: PyTorch's default "
                        "(uniform, bound 1/sqrt(fan_in), biases too; the course's) or Flax's (LeCun normal, zero biases)")
    parser.add_argument("--input-scale", default="centered", choices=SCALES, help="centered: (x - 0.5) / 0.5 in [-1, 1] "
                        "(the course's); unit: [0, 1]")
    parser.add_argument("--resize", default="pil", choices=RESIZES, help="28 -> 32 resize of MNIST-like digits: PIL "
                        "bilinear on uint8, or bilinear on floats as torch's F.interpolate")


def domains(args: argparse.Namespace, seed: int = 0):
    """((source train, source test), (target train, target test)) from parsed options."""
    return prepare(args.source, args.target, args.eval_fraction, args.photos, seed, args.split, eval_split=args.eval_split,
                   scale=args.input_scale, resize=args.resize)


def fit_options(args: argparse.Namespace) -> dict:
    """Keyword arguments of `jaxdl.dann.train.fit` from parsed options."""
    return {"epochs": args.epochs, "batch_size": args.batch_size, "mu0": args.lr, "lam_max": args.lam_max, "init": args.init}


def add_table_options(parser: argparse.ArgumentParser, methods: tuple[str, ...], default: list[str], out: str) -> None:
    """Add the options of the multi-seed table scripts: --methods, --seeds, --first-seed, --out."""
    parser.add_argument("--methods", nargs="+", default=default, choices=methods)
    parser.add_argument("--seeds", type=int, default=3, help="how many seeds")
    parser.add_argument("--first-seed", type=int, default=0, help="seeds are first-seed, first-seed + 1, ...")
    parser.add_argument("--out", default=out, help="table path without extension (.md and .csv are written)")


def seeds(args: argparse.Namespace) -> range:
    """The seeds asked for by --seeds and --first-seed."""
    return range(args.first_seed, args.first_seed + args.seeds)
