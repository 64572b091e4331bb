"""The robustness curves of several `jaxdl visualize robustness` runs in one figure, one panel per run.

    python scripts/robustness_figure.py DIR:TITLE [DIR:TITLE ...] --out docs/visualize/robustness/robustness.png

Each DIR holds a run's robustness.csv (one row per eps, one column per attack).
"""

import argparse
import csv
from pathlib import Path

from jaxdl.visualize.robustness_outputs import curves_figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", help="DIR:TITLE, a run's folder and its panel's title")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    tables = {}
    for run in args.runs:
        folder, title = run.split(":", 1)
        with open(Path(folder) / "robustness.csv") as f:
            tables[title] = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]
    print(curves_figure(tables, args.out))


if __name__ == "__main__":
    main()
