"""The options of the DANN multi-seed table scripts (scripts/dann_*.py): which methods, how many seeds, the table's path.
The domains and training options are DannConfig's (jaxdl/dann/config.py)."""

import argparse
from dataclasses import dataclass

from jaxdl.options import add_fields


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
