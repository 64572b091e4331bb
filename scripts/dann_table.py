"""Per-method table (mean ± sd over seeds) of DANN and baselines on a source -> target pair; writes Markdown + CSV."""

import argparse

from jaxdl.dann.config import add_options, domains, fit_options
from jaxdl.dann.experiment import compare, summarise
from jaxdl.dann.options import add_table_options, seeds
from jaxdl.dann.step import METHODS
from jaxdl.report import markdown_table, write_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_options(parser, skip=("methods", "seed"))
    add_table_options(parser, METHODS, list(METHODS), "runs/dann_table")
    args = parser.parse_args()
    source, target = domains(args)
    rows = compare(source, target, args.methods, seeds(args), **fit_options(args))
    write_table(rows, args.out + "_per_seed")
    write_table(summarise(rows), args.out)
    print(markdown_table(summarise(rows)), end="")


if __name__ == "__main__":
    main()
