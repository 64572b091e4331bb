"""Ablation of the final reversal factor lam_max (the course asks how it matters): target/source accuracy per value."""

import argparse

from jaxdl.dann.config import add_options, domains, fit_options
from jaxdl.dann.experiment import compare, summarise
from jaxdl.report import markdown_table, write_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_options(parser, skip=("methods", "seed"))
    parser.add_argument("--lams", type=float, nargs="+", default=[0.0, 0.1, 0.3, 1.0, 3.0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", default="runs/dann_lambda_ablation", help="table path without extension")
    args = parser.parse_args()
    source, target = domains(args)
    rows = []
    for lam in args.lams:
        rows += [{**r, "lam_max": lam} for r in compare(source, target, ["dann"], range(args.seeds),
                                                       **{**fit_options(args), "lam_max": lam})]
    write_table(rows, args.out + "_per_seed")
    write_table(summarise(rows, key="lam_max"), args.out)
    print(markdown_table(summarise(rows, key="lam_max")), end="")


if __name__ == "__main__":
    main()
