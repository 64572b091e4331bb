"""Fit time of jaxdl's JAX SVM vs scikit-learn's LinearSVC, same problem and C, on real 15-Scene training features
(1,500 images, 15 classes) of 4,096, 25,088 and 100,352 dims.

    PYTHONPATH=$PWD python scripts/bench_svm.py --features 'runs/scene15/features/*-full-{size}-*/fire9-train.npy' --repeats 3

The features are the real SqueezeNet 1.0's fire9 without pooling (jaxdl's feature cache, `--pool none`):
at `--size 118` it is 7x7x512 = 25,088-d and at `--size 230` 14x14x512 = 100,352-d (the sizes of VGG16's pool5
and pool4 in the course); 4,096-d is a seeded column subset of the 25,088-d features. Each set is
L2-normalised as the course does. The two solvers take turns (median of `--repeats` fits after one untimed
fit each: the JAX one compiles there). Writes OUT/svm_bench.md and OUT/svm_bench.csv.
"""

import argparse
import glob
import statistics
from pathlib import Path

import numpy as np
from sklearn.svm import LinearSVC

from jaxdl.bench import interleaved_rates
from jaxdl.data import scene15
from jaxdl.options import csv_list
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer.jax_svm import JaxLinearSVC, objective
from jaxdl.transfer.svm import l2_normalized

SIZES = {4096: 118, 25088: 118, 100352: 230}  # image size whose un-pooled fire9 features give (at least) these dims


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path("../shared/data/15scene"), help="15-Scene folder (for the labels)")
    parser.add_argument("--features", default="runs/scene15/features/*-full-{size}-*/fire9-train.npy",
                        help="glob of the cached training features, {size} = 118 or 230 (jaxdl's feature cache)")
    parser.add_argument("--dims", type=csv_list(int), default=list(SIZES), help="comma-separated dims, from: 4096,25088,100352")
    parser.add_argument("--C", type=csv_list(float), default=[1.0], help="comma-separated C values (default 1)")
    parser.add_argument("--repeats", type=int, default=3, help="timed fits per solver; the median is reported (default 3)")
    parser.add_argument("--out", type=Path, default=Path("runs/bench"), help="folder for svm_bench.md/.csv")
    return parser.parse_args(argv)


def features(pattern: str, dims: int, seed: int = 0) -> np.ndarray:
    """The cached features (the one file matching `pattern`) flattened, a seeded subset of `dims` columns when the
    file has more, L2-normalised."""
    paths = glob.glob(pattern)
    if len(paths) != 1:
        raise SystemExit(f"bench_svm: expected one file matching {pattern!r}, found {len(paths)}")
    x = np.load(paths[0])
    x = x.reshape(len(x), -1)
    if x.shape[1] > dims:
        x = x[:, np.sort(np.random.default_rng(seed).choice(x.shape[1], dims, replace=False))]
    return l2_normalized(x).astype(np.float32)


def bench_rows(x: np.ndarray, labels: np.ndarray, C: float, repeats: int) -> dict:
    """Median seconds per fit of each solver on (x, labels), and how close their objectives are."""
    fits = {}
    calls = {name: (lambda name=name, make=make: fits.__setitem__(name, make(C=C).fit(x, labels)))
             for name, make in (("sklearn", LinearSVC), ("jax", JaxLinearSVC))}
    seconds = {name: statistics.median(1 / r for r in rates) for name, rates in interleaved_rates(calls, 1, repeats, warmup=1).items()}
    j = {name: objective(fit.coef_, fit.intercept_, x, labels, fit.classes_, C).sum() for name, fit in fits.items()}
    return {"dims": x.shape[1], "C": C, "sklearn_s": round(seconds["sklearn"], 2), "jax_s": round(seconds["jax"], 2),
            "speedup": round(seconds["sklearn"] / seconds["jax"], 2), "J_rel_diff": float((j["jax"] - j["sklearn"]) / j["sklearn"]),
            "sklearn_iter": int(np.max(fits["sklearn"].n_iter_)), "jax_newton_steps": int(np.max(fits["jax"].n_iter_))}


def main(argv: list[str] | None = None) -> None:
    """Time both solvers per dims and C; write and print the table."""
    args = parse_args(argv)
    labels = scene15.load(args.root)[0]["train"][1]
    rows = []
    for dims in args.dims:
        x = features(args.features.format(size=SIZES[dims]), dims)
        for C in args.C:
            rows.append(bench_rows(x, labels, C, args.repeats))
            print(rows[-1], flush=True)
    md, _ = write_table(rows, args.out / "svm_bench")
    print(markdown_table(rows), end="")
    print(f"written: {md} (+ .csv)")


if __name__ == "__main__":
    main()
