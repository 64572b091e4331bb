"""`jaxdl dann`: the DANN practical (jaxdl.dann.run) from its config's options; prints the table."""

import argparse
from dataclasses import dataclass
from pathlib import Path

from jaxdl.dann.config import DannConfig, add_options
from jaxdl.dann.run import run as run_dann
from jaxdl.options import add_fields, from_args
from jaxdl.parallel import LAUNCH_HELP, Launch, launch
from jaxdl.report import markdown_table


@dataclass(frozen=True)
class DannOutput:
    """Where `jaxdl dann` writes: table, curves, embedding, and a checkpoint folder per method."""

    out: Path = Path("runs/dann")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `dann` subcommand."""
    p = subparsers.add_parser(
        "dann", help="domain adaptation (DANN, Ganin & Lempitsky 2015) and baselines",
        epilog='example: jaxdl dann --source "idx:../shared/data/mnist[0:5000]" --target "mnist-m:../shared/data/mnist_m[5000:9001]" '
               "--method source-only dann target-only --epochs 10   (no options: embedded digits -> digits-M)")
    add_options(p)
    add_fields(p, DannOutput, {"out": "output folder (table, curves, embedding, checkpoints)"})
    add_fields(p, Launch, LAUNCH_HELP)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Train and compare the methods; writes table.md/.csv, curves.png, embedding.png under --out; prints the table."""
    launch(from_args(Launch, args))
    result = run_dann(from_args(DannConfig, args), from_args(DannOutput, args).out, getattr(args, "progress", True))
    print(markdown_table(result.tables[0][1]), end="")
    return 0
