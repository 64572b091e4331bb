"""The SIFT bag-of-words rows of the network comparison: "BoW-SIFT" and "BoW-SIFT + spatial pyramid" on 15-Scene.

    nice -n 10 python scripts/bow_scene15.py --root ../shared/data/15scene --out runs/bow [--kernel intersection]

Same options as `jaxdl transfer --method bow` (see --help). Writes OUT/bow_scene15_all.{md,csv} (every C)
and OUT/bow_scene15.{md,csv}: per method the C with the best test accuracy (as the course's tables report),
columns method, feature_dim, extract_s, svm_fit_s, test_acc first so the rows append to the network comparison.
"""

import argparse
import sys
from pathlib import Path

from jaxdl.commands.transfer import add_options
from jaxdl.commands.transfer_bow import bow_rows, options_of
from jaxdl.errors import JaxdlError
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer.pyramid import FINEST


def best_per_method(rows: list[dict]) -> list[dict]:
    """For each method (in order of appearance) the row with the highest test accuracy."""
    best: dict[str, dict] = {}
    for row in rows:
        if row["method"] not in best or row["test_acc"] > best[row["method"]]["test_acc"]:
            best[row["method"]] = row
    return list(best.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_options(parser)
    args = parser.parse_args(["--root", "."] + (argv if argv is not None else sys.argv[1:]))
    try:
        rows = bow_rows(args.root, args.out, args.C, options_of(args), [0, FINEST])
    except JaxdlError as err:
        print(f"bow_scene15: error: {err}", file=sys.stderr)
        return 2
    write_table(rows, Path(args.out) / "bow_scene15_all")
    md, _ = write_table(best_per_method(rows), Path(args.out) / "bow_scene15")
    print(markdown_table(rows), end="")
    print(f"written: {md} (+ .csv)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
