"""Per-method table (mean ± sd over seeds) of DANN and baselines on a source -> target pair; writes Markdown + CSV."""

import argparse

from jaxdl.dann.experiment import compare, summarise
from jaxdl.dann.options import add_options, domains, fit_options
from jaxdl.dann.step import METHODS
from jaxdl.report import markdown_table, write_table


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    add_options(parser)
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--seeds", type=int, default=3, help="how many seeds")
    parser.add_argument("--first-seed", type=int, default=0, help="seeds are first-seed, first-seed + 1, ...")
    parser.add_argument("--out", default="runs/dann_table", help="table path without extension (.md and .csv are written)")
    args = parser.parse_args()
    source, target = domains(args)
    rows = compare(source, target, args.methods, range(args.first_seed, args.first_seed + args.seeds), **fit_options(args))
    write_table(rows, args.out + "_per_seed")
    write_table(summarise(rows), args.out)
    print(markdown_table(summarise(rows)), end="")


if __name__ == "__main__":
    main()
