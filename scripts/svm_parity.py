"""The JAX SVM beside scikit-learn's LinearSVC on cached 15-Scene features, per C of the course's grid:
test accuracies, objective values (summed over the one-vs-rest problems) and LinearSVC's convergence warnings.

    PYTHONPATH=$PWD python scripts/svm_parity.py --root ../shared/data/15scene \\
        --features runs/scene15/features/15scene-squeezenet1_0-squeezenet1_0-imagenet-dc-avg-224-{layer}-{split}.npy \\
        --layers fire9,conv10

Features come from `jaxdl transfer ... --out runs/scene15` (its cache); both solvers see the same L2-normalised
features with default options (LinearSVC: tol 1e-4, max_iter 1000; jax: tol 1e-8). Writes OUT/svm_parity.{md,csv}.
"""

import argparse
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import LinearSVC

from jaxdl.data import scene15
from jaxdl.options import csv_list
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer.jax_svm import JaxLinearSVC, objective
from jaxdl.transfer.svm import l2_normalized

GRID = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0]  # the course's C grid


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", required=True, type=Path, help="15-Scene folder (for the labels)")
    parser.add_argument("--features", required=True, help="cached feature file pattern with {layer} and {split}")
    parser.add_argument("--layers", type=csv_list(str), default=["fire9", "conv10"], help="comma-separated layers")
    parser.add_argument("--C", type=csv_list(float), default=GRID, help="comma-separated C values (default: the course's grid)")
    parser.add_argument("--out", type=Path, default=Path("runs/svm"), help="folder for svm_parity.md/.csv")
    return parser.parse_args(argv)


def fitted(make: Callable[[], object], x: np.ndarray, labels: np.ndarray) -> tuple[object, float, bool]:
    """(fitted estimator, seconds, whether it warned that it did not converge)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        start = time.perf_counter()
        model = make().fit(x, labels)
        seconds = time.perf_counter() - start
    return model, seconds, any(issubclass(w.category, ConvergenceWarning) for w in caught)


def parity_rows(layer: str, x: np.ndarray, labels: np.ndarray, x_test: np.ndarray, test_labels: np.ndarray, Cs: list[float]) -> list[dict]:
    """One row per C: both solvers' test accuracy and objective on the same problem."""
    rows = []
    for C in Cs:
        ours, ours_s, ours_warned = fitted(lambda C=C: JaxLinearSVC(C=C), x, labels)
        ref, ref_s, ref_warned = fitted(lambda C=C: LinearSVC(C=C), x, labels)
        j_ref = objective(ref.coef_, ref.intercept_, x, labels, ref.classes_, C).sum()
        j_ours = objective(ours.coef_, ours.intercept_, x, labels, ours.classes_, C).sum()
        acc_ref, acc_ours = ref.score(x_test, test_labels), ours.score(x_test, test_labels)
        rows.append({"layer": layer, "dims": x.shape[1], "C": C, "sklearn_acc": acc_ref, "jax_acc": acc_ours,
                     "diff_points": round(100 * (acc_ours - acc_ref), 2), "sklearn_J": float(j_ref), "jax_J": float(j_ours),
                     "J_rel_diff": float((j_ours - j_ref) / j_ref), "sklearn_converged": not ref_warned,
                     "jax_converged": not ours_warned, "sklearn_s": round(ref_s, 2), "jax_s": round(ours_s, 2)})
        print(rows[-1], flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    splits, _ = scene15.load(args.root)
    labels = {split: splits[split][1] for split in ("train", "test")}
    rows = []
    for layer in args.layers:
        x = {split: l2_normalized(np.load(args.features.format(layer=layer, split=split))) for split in labels}
        rows += parity_rows(layer, x["train"], labels["train"], x["test"], labels["test"], args.C)
    md, _ = write_table(rows, args.out / "svm_parity")
    print(markdown_table(rows), end="")
    print(f"written: {md} (+ .csv)")


if __name__ == "__main__":
    main()
