"""The whole transfer pipeline, jaxdl vs the PyTorch reference: decode + resize, features, linear SVM fit + test.

    python scripts/bench_transfer.py --root ../shared/data/15scene \\
        --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors --per-class 5,5 --layers fire9 --repeats 5

Both sides read the same files (the first TRAIN / TEST of each class in sorted order), decode and resize
them with PIL, extract the layers in one pass each batch, average-pool, L2-normalise and fit one linear
SVM per layer at C; the result is the test accuracy. jaxdl runs once per `--svm` solver
(jaxdl.transfer.svm.CLASSIFIERS), and the BoW-SIFT baseline (spatial pyramid, `--bow-vocab` words) gets a row.
Each pipeline runs in its own fresh process; they take turns run by run (machine load hits all alike);
the median of --repeats timed runs after --warmup. Writes OUT/transfer.{md,csv}.
"""

import argparse
import os
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling scripts, also in spawned workers

from bench_features import interleaved  # noqa: E402
from transfer_reference_torch import split_files  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True, help="ROOT/{train,test}/CLASS/image files")
    parser.add_argument("--weights", type=Path, required=True, help="squeezenet1_0 torchvision state_dict (.safetensors)")
    parser.add_argument("--per-class", default="5,5", metavar="TRAIN,TEST", help="images per class of each split (default 5,5)")
    parser.add_argument("--layers", default="fire9", help="comma-separated layers, one pass (default fire9)")
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--svm", default="sklearn", help="comma-separated jaxdl SVM solvers (jaxdl.transfer.svm.CLASSIFIERS)")
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--bow-vocab", type=int, default=200, help="visual words of the BoW-SIFT row (0: no BoW row; default 200)")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)), help="torch threads")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("runs/bench"))
    return parser.parse_args(argv)


def jaxdl_run(svm: str, args: argparse.Namespace) -> Callable[[], list[float]]:
    """jaxdl: Preprocessed (PIL) -> extract(layers=...) one pass -> svm_sweep with the `svm` solver; test accuracies."""
    from jaxdl import configure

    configure()  # the CLI's XLA settings, before XLA starts
    from jaxdl import models, weights
    from jaxdl.data.imagenet import Preprocessed
    from jaxdl.features import extract
    from jaxdl.transfer.svm import CLASSIFIERS, svm_sweep

    model, variables = models.create("squeezenet1_0"), weights.from_torchvision("squeezenet1_0", args.weights)
    splits, layers = split_files(args.root, [int(n) for n in args.per_class.split(",")]), args.layers.split(",")

    def run() -> list[float]:
        feats = {
            split: extract(model, variables, Preprocessed([p.read_bytes() for p in files]), batch_size=args.batch_size,
                           progress=False, pool="avg", layers=layers)
            for split, (files, _) in splits.items()
        }
        (_, y_train), (_, y_test) = splits["train"], splits["test"]
        return [svm_sweep(feats["train"][k], y_train, feats["test"][k], y_test, [args.C], fit=CLASSIFIERS[svm])[0]["test_acc"] for k in layers]

    return run


def torch_run(args: argparse.Namespace) -> Callable[[], list[float]]:
    """scripts/transfer_reference_torch.py: torchvision transforms -> hooks, one pass -> LinearSVC; test accuracies."""
    import torch
    from transfer_reference_torch import features, load_model, sweep

    torch.set_num_threads(args.threads)
    model = load_model("squeezenet1_0", args.weights)
    splits, layers = split_files(args.root, [int(n) for n in args.per_class.split(",")]), args.layers.split(",")

    def run() -> list[float]:
        feats = {split: features(model, "squeezenet1_0", files, layers, 224, args.batch_size) for split, (files, _) in splits.items()}
        (_, y_train), (_, y_test) = splits["train"], splits["test"]
        return [sweep(feats["train"][k], y_train, feats["test"][k], y_test, [args.C])[0]["test_acc"] for k in layers]

    return run


def bow_run(args: argparse.Namespace) -> Callable[[], list[float]]:
    """jaxdl's BoW-SIFT baseline on the same files (dense SIFT, k-means vocabulary, spatial pyramid, LinearSVC at C)."""
    from jaxdl.transfer.bow import BowOptions, classify, features, word_counts

    options = BowOptions(vocab=args.bow_vocab)
    splits = split_files(args.root, [int(n) for n in args.per_class.split(",")])
    sources = {split: [{"image": p.read_bytes()} for p in files] for split, (files, _) in splits.items()}

    def run() -> list[float]:
        counts, _ = word_counts(sources, options, None, "bench", progress=False)  # no cache: every run does all the work
        train, test = (features(counts[split], options.pyramid, options.norm) for split in ("train", "test"))
        return [classify(train, splits["train"][1], test, splits["test"][1], [args.C], options.kernel)[0]["test_acc"]]

    return run


PIPELINES: dict[str, Callable[[argparse.Namespace], dict[str, tuple]]] = {
    "jaxdl": lambda args: {f"jaxdl ({svm} SVM)": (jaxdl_run, svm, args) for svm in args.svm.split(",")},
    "torch": lambda args: {"PyTorch reference": (torch_run, args)},
    "bow": lambda args: {"jaxdl BoW-SIFT + spatial pyramid": (bow_run, args)} if args.bow_vocab else {},
}


def main(argv: list[str] | None = None) -> list[dict]:
    from jaxdl.report import markdown_table, write_table

    args = parse_args(argv)
    makers = {name: maker for pipeline in PIPELINES.values() for name, maker in pipeline(args).items()}
    runs = interleaved(makers, args.warmup, args.repeats)
    images = sum(len(files) for files, _ in split_files(args.root, [int(n) for n in args.per_class.split(",")]).values())
    reference = statistics.median(runs["PyTorch reference"]["seconds"])
    rows = [
        {
            "pipeline": name,
            "images": images,
            "layers": "(dense SIFT)" if "BoW" in name else args.layers,
            "median s": round(statistics.median(run["seconds"]), 2),
            "images/s": round(images / statistics.median(run["seconds"]), 2),
            "speed-up vs PyTorch": round(reference / statistics.median(run["seconds"]), 2),
            "test acc": " ".join(f"{a:.4f}" for a in run["out"]),
            "peak RSS MB": round(run["rss"]),
        }
        for name, run in runs.items()
    ]
    print(markdown_table(rows))
    md, _ = write_table(rows, args.out / "transfer")
    print(f"wrote {md} (+ .csv)")
    return rows


if __name__ == "__main__":
    main()
