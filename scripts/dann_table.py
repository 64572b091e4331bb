"""Per-method table (mean ± sd over seeds) of DANN and baselines on a source -> target pair; writes Markdown + CSV."""

import argparse

from jaxdl.dann.experiment import compare, prepare, summarise
from jaxdl.dann.step import METHODS
from jaxdl.report import markdown_table, write_table


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", default="digits[0:900]")
    parser.add_argument("--target", default="digits-m[900:1797]")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lam-max", type=float, default=1.0)
    parser.add_argument("--out", default="runs/dann_table")
    args = parser.parse_args()
    source, target = prepare(args.source, args.target)
    rows = compare(source, target, args.methods, range(args.seeds), epochs=args.epochs, batch_size=args.batch_size,
                   lam_max=args.lam_max)
    write_table(rows, args.out + "_per_seed")
    write_table(summarise(rows), args.out)
    print(markdown_table(summarise(rows)), end="")


if __name__ == "__main__":
    main()
