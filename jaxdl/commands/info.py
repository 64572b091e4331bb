"""`jaxdl info ARCH`: the per-layer table (output shape, weights, biases, parameters) of a model."""

import argparse
import csv
import sys
from dataclasses import dataclass

from jaxdl.options import add_fields, cli, from_args
from jaxdl.report import markdown_table
from jaxdl.summary import layer_table


@dataclass(frozen=True)
class InfoOptions:
    """Which model, at which input size, and the table's format."""

    arch: str = cli(positional=True)
    size: int = 224
    format: str = "md"


HELP = {"arch": "architecture, e.g. vgg16", "size": "input height and width (default 224)", "format": "table format (default md)"}


def _info(args: InfoOptions) -> None:
    """Print the table as Markdown or CSV."""
    rows = layer_table(args.arch, args.size)
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    else:
        print(markdown_table(rows), end="")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `info`."""
    parser = subparsers.add_parser("info", help="per-layer output shapes and parameter counts of a model",
                                   epilog="example: jaxdl info vgg16 --format csv   (the course's VGG16: 138,357,544 parameters)")
    add_fields(parser, InfoOptions, HELP, {"format": ("md", "csv")})
    parser.set_defaults(func=lambda args: _info(from_args(InfoOptions, args)))
