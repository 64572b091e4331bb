"""`jaxdl transfer`: the transfer practical (jaxdl.transfer.run) from its config's options, or with `--method bow` the
SIFT bag-of-words baseline on the same data and C grid; prints the tables.

    jaxdl transfer --data ../shared/data/15scene --weights squeezenet1_0=../shared/weights/squeezenet1_0-imagenet-dc.safetensors

Features are cached per layer and split under OUT/features/<data, arch, weights, pool, size>-<hash>: a rerun with
other C values reads them back, one more layer extracts only that one. With --distributed (one process of a
multi-process run) each process extracts its share of every batch; every process fits the same SVMs; process 0 writes.
"""

import argparse
from dataclasses import dataclass
from pathlib import Path

from jaxdl.commands import transfer_bow
from jaxdl.options import add_fields, from_args
from jaxdl.parallel import LAUNCH_HELP, Launch, launch
from jaxdl.report import markdown_table
from jaxdl.transfer.bow_run import run as run_bow
from jaxdl.transfer.config import TransferConfig, add_options
from jaxdl.transfer.run import run as run_transfer


@dataclass(frozen=True)
class TransferOutput:
    """Which pipeline `jaxdl transfer` runs (CNN features or the bag of words) and where it writes."""

    method: str = "deep"
    out: Path = Path("runs/transfer")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `transfer`."""
    parser = subparsers.add_parser(
        "transfer",
        help="CNN features (or SIFT bag-of-words) + linear SVM on an image folder (layer x C tables, networks, head)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  jaxdl transfer --data ../shared/data/15scene "
        "--weights squeezenet1_0=../shared/weights/squeezenet1_0-imagenet-dc.safetensors "
        "--layers fire9,conv10 --svm jax --C 0.1,1,10 --compare '' --head linear\n"
        "  jaxdl transfer --data ../shared/data/15scene --method bow --pyramid 2 --norm hellinger",
    )
    add_options(parser)
    add_fields(parser, TransferOutput, {"method": "CNN features (deep) or the SIFT bag-of-words baseline (bow)",
                                        "out": "output folder (tables, figures, feature cache)"}, {"method": ("deep", "bow")})
    transfer_bow.add_options(parser)
    add_fields(parser, Launch, LAUNCH_HELP)
    parser.set_defaults(func=_transfer)


def _transfer(args: argparse.Namespace) -> int:
    """The CLI entry: the practical (or the bag-of-words baseline), its tables printed; exit code 0."""
    launch(from_args(Launch, args))
    config, output = from_args(TransferConfig, args), from_args(TransferOutput, args)
    progress = getattr(args, "progress", True)
    if output.method == "bow":
        result = run_bow(config, transfer_bow.options_of(args), output.out, progress)
    else:
        result = run_transfer(config, output.out, progress)
    for caption, rows in result.tables:
        print(f"{caption}\n{markdown_table(rows)}", end="\n")
    print(f"written: tables and figures in {output.out}")
    return 0
