"""`jaxdl transfer --method bow`: the SIFT bag-of-words baseline on the same image folder, split and SVM.

Stages are cached under `--out/bow_cache`; the table (one row per pyramid and C) goes to `--out/bow.{md,csv}`,
with the columns of the network comparison (method, feature_dim, extract_s, svm_fit_s, test_acc) first.
"""

import argparse
import resource
import time
from collections.abc import Sequence
from pathlib import Path

from jaxdl.data import image_folder, scene15
from jaxdl.options import add_fields, from_args
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer.bow import BowOptions, classify, features, word_counts
from jaxdl.transfer.kernels import KERNELS
from jaxdl.transfer.pyramid import FINEST, NORMS
from jaxdl.transfer.words import ASSIGNMENTS

METHODS = {0: "BoW-SIFT", FINEST: "BoW-SIFT + spatial pyramid"}


HELP = {
    "vocab": "visual words (k-means centres)",
    "pyramid": f"spatial pyramid levels 0..{FINEST} (0: plain bag of words; default {BowOptions.pyramid})",
    "assign": "hard (nearest word) or soft (5 nearest, Gaussian weights)",
    "norm": "histogram normalisation",
    "kernel": "LinearSVC, or SVC on a precomputed intersection / chi2 kernel",
    "step": "dense SIFT grid step in pixels",
    "patch": "SIFT patch side in pixels, a multiple of 8",
    "contrast": f"mean gradient under which a patch's descriptor is zero (default {BowOptions.contrast:g}: only flat patches)",
    "max_side": "images larger than this are shrunk",
    "sample": "training descriptors sampled for k-means",
    "seed": "seed of the k-means sample and initialisation (default 0; the train/test split is the deep pipeline's)",
}


def add_options(parser: argparse.ArgumentParser) -> None:
    """The bag-of-words options (BowOptions but the soft assignment's width; used with --method bow)."""
    group = parser.add_argument_group("bag of words (--method bow)")
    add_fields(group, BowOptions, HELP, {"assign": tuple(ASSIGNMENTS), "norm": NORMS, "kernel": KERNELS}, skip=("sigma",))


def options_of(args: argparse.Namespace) -> BowOptions:
    """The BowOptions named on the command line (checked)."""
    options = from_args(BowOptions, args)
    options.check()
    return options


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bow_rows(root: Path, out: Path, cs: Sequence[float], options: BowOptions, levels: list[int], progress: bool = True) -> list[dict]:
    """Rows {method, feature_dim, extract_s, svm_fit_s, test_acc, C, train_acc, stage times, end_to_end_s,
    peak_rss_mb}, one per pyramid level count and C; the stages before the SVM are shared by all rows."""
    start = time.perf_counter()
    # the deep pipeline's builder and split (scene15.load: 100 train images per class, split seed 0), images undecoded
    prepared = image_folder.load(root, scene15.TRAIN_PER_CLASS, seed=0, channels=1)
    labels = {split: image_folder.labels(source) for split, source in prepared.sources.items()}
    counts = {split: len(labels[split]) for split in ("train", "test")}
    print(image_folder.summary(prepared, root, counts, out / "unreadable.txt"))
    tag = f"{Path(root).resolve().name}-{prepared.fingerprint[:10]}"  # which file went to which split names the cache
    counts, timings = word_counts(prepared.sources, options, out / "bow_cache", tag, progress)
    extract_s = time.perf_counter() - start
    rows = []
    for level in levels:
        train, test = features(counts["train"], level, options.norm), features(counts["test"], level, options.norm)
        for row in classify(train, labels["train"], test, labels["test"], cs, options.kernel):
            method = METHODS.get(level, f"BoW-SIFT + pyramid L{level}") + ("" if options.kernel == "linear" else f" ({options.kernel} kernel)")
            rows.append(
                {"method": method, "feature_dim": train.shape[1], "extract_s": extract_s, "svm_fit_s": row["fit_s"], "test_acc": row["test_acc"]}
                | {"C": row["C"], "train_acc": row["train_acc"]}
                | {name: timings.get(name, 0.0) for name in ("descriptors_s", "kmeans_s", "histograms_s")}
                | {"end_to_end_s": time.perf_counter() - start, "peak_rss_mb": peak_rss_mb()}
            )
    return rows


def run(root: Path, out: Path, cs: Sequence[float], options: BowOptions) -> list[dict]:
    """`jaxdl transfer --method bow`: rows for `--pyramid`, written to OUT/bow.{md,csv} and printed."""
    rows = bow_rows(root, out, cs, options, [options.pyramid])
    md, _ = write_table(rows, out / "bow")
    print(markdown_table(rows), end="")
    print(f"written: {md} (+ .csv)")
    return rows
