"""`jaxdl gan`: the GAN practical (jaxdl.gan.run) from its config's options; prints the quality tables."""

import argparse
from dataclasses import dataclass
from pathlib import Path

from jaxdl.gan.config import GanConfig, add_options
from jaxdl.gan.run import run as run_gan
from jaxdl.options import add_fields, from_args
from jaxdl.parallel import LAUNCH_HELP, Launch, launch
from jaxdl.report import markdown_table


@dataclass(frozen=True)
class GanOutput:
    """Where `jaxdl gan` writes: one folder per model (samples, curves, quality, checkpoints)."""

    out: Path = Path("runs/gan")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `gan`."""
    parser = subparsers.add_parser("gan", help="train a DCGAN and a conditional DCGAN (resumes from --out)",
                                   epilog="examples:\n  jaxdl gan --model cdcgan --epochs 20 --out runs/gan_digits   # embedded digits\n"
                                   "  jaxdl gan --data mnist --root ../shared/data/mnist --model cdcgan --epochs 33 --out runs/gan_mnist",
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser)
    add_fields(parser, GanOutput, {"out": "output folder, one subfolder per model; an existing run there is resumed"})
    add_fields(parser, Launch, LAUNCH_HELP)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Train the models; writes OUT/MODEL/... ; prints each model's per-epoch quality table."""
    launch(from_args(Launch, args))
    out = from_args(GanOutput, args).out
    result = run_gan(from_args(GanConfig, args), out, getattr(args, "progress", True))
    for caption, rows in result.tables:
        print(f"{caption}\n{markdown_table(rows)}", end="")
    print(f"outputs in {out}")
    return 0
