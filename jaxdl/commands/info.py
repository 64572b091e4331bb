"""`jaxdl info ARCH`: the per-layer table (output shape, weights, biases, parameters) of a model."""

import argparse
import csv
import sys

from jaxdl.report import markdown_table
from jaxdl.summary import layer_table


def _info(args: argparse.Namespace) -> None:
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
    parser.add_argument("arch", help="architecture, e.g. vgg16")
    parser.add_argument("--size", type=int, default=224, help="input height and width (default 224)")
    parser.add_argument("--format", choices=("md", "csv"), default="md", help="table format (default md)")
    parser.set_defaults(func=_info)
