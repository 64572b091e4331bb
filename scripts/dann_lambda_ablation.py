"""Ablation of the final reversal factor lam_max (the course asks how it matters): target/source accuracy per value."""

import argparse

from jaxdl.dann.experiment import compare, prepare, summarise
from jaxdl.report import markdown_table, write_table


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", default="digits[0:900]")
    parser.add_argument("--target", default="digits-m[900:1797]")
    parser.add_argument("--lams", type=float, nargs="+", default=[0.0, 0.1, 0.3, 1.0, 3.0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--out", default="runs/dann_lambda_ablation")
    args = parser.parse_args()
    source, target = prepare(args.source, args.target)
    rows = []
    for lam in args.lams:
        rows += [{**r, "lam_max": lam} for r in compare(source, target, ["dann"], range(args.seeds), epochs=args.epochs,
                                                       batch_size=args.batch_size, lam_max=lam)]
    write_table(summarise(rows, key="lam_max"), args.out)
    print(markdown_table(summarise(rows, key="lam_max")), end="")


if __name__ == "__main__":
    main()
