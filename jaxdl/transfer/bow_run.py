"""The bag-of-words baseline as one experiment: `run(config, options, out)` runs the SIFT pipeline (jaxdl.transfer.bow)
on the config's image folder, with the deep pipeline's split and C grid; `jaxdl transfer --method bow` calls it.

Stages are cached under OUT/bow_cache; OUT/bow.{md,csv} holds every C, OUT/bow_best.{md,csv} the best C per method,
columns method, feature_dim, extract_s, svm_fit_s, test_acc first so the rows append to the network comparison.
"""

import resource
import time
from pathlib import Path

from jaxdl.data import image_folder, scene15
from jaxdl.errors import JaxdlError
from jaxdl.report import Result, write_table
from jaxdl.transfer.bow import BowOptions, classify, features, word_counts
from jaxdl.transfer.config import TransferConfig
from jaxdl.transfer.pyramid import FINEST

METHODS = {0: "BoW-SIFT", FINEST: "BoW-SIFT + spatial pyramid"}


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_per_method(rows: list[dict]) -> list[dict]:
    """For each method (in order of appearance) the row with the highest test accuracy (as the course's tables report)."""
    best: dict[str, dict] = {}
    for row in rows:
        if row["method"] not in best or row["test_acc"] > best[row["method"]]["test_acc"]:
            best[row["method"]] = row
    return list(best.values())


def run(config: TransferConfig, options: BowOptions, out: str | Path, progress: bool = True) -> Result:
    """Rows {method, feature_dim, extract_s, svm_fit_s, test_acc, C, train_acc, stage times, end_to_end_s, peak_rss_mb},
    one per C of the config, for `options.pyramid`; the stages before the SVM are cached and shared by every row."""
    options.check()
    if config.data == "digits":
        raise JaxdlError("the bag of words needs an image folder (--data ROOT): dense SIFT has nothing to see in 8x8 digits")
    out, start = Path(out), time.perf_counter()
    # the deep pipeline's builder and split (scene15.load: 100 train images per class, split seed 0), images undecoded
    prepared = image_folder.load(config.data, scene15.TRAIN_PER_CLASS, seed=0, channels=1)
    labels = {split: image_folder.labels(source) for split, source in prepared.sources.items()}
    summary = image_folder.summary(prepared, config.data, {split: len(labels[split]) for split in ("train", "test")},
                                   out / "unreadable.txt")
    print(summary, flush=True)
    tag = f"{Path(config.data).resolve().name}-{prepared.fingerprint[:10]}"  # which file went to which split names the cache
    counts, timings = word_counts(prepared.sources, options, out / "bow_cache", tag, progress)
    extract_s = time.perf_counter() - start
    train, test = (features(counts[split], options.pyramid, options.norm) for split in ("train", "test"))
    method = METHODS.get(options.pyramid, f"BoW-SIFT + pyramid L{options.pyramid}")
    method += "" if options.kernel == "linear" else f" ({options.kernel} kernel)"
    rows = [{"method": method, "feature_dim": train.shape[1], "extract_s": extract_s, "svm_fit_s": row["fit_s"], "test_acc": row["test_acc"]}
            | {"C": row["C"], "train_acc": row["train_acc"]}
            | {name: timings.get(name, 0.0) for name in ("descriptors_s", "kmeans_s", "histograms_s")}
            | {"end_to_end_s": time.perf_counter() - start, "peak_rss_mb": peak_rss_mb()}
            for row in classify(train, labels["train"], test, labels["test"], config.C, options.kernel)]
    write_table(rows, out / "bow")
    write_table(best_per_method(rows), out / "bow_best")
    return Result(tables=[(f"{method}: every C", rows)], notes=[summary])
