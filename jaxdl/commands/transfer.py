"""`jaxdl transfer --root DIR`: the course's transfer table, CNN features at several layers -> linear SVM over C.

Features are cached as .npy per (data, arch, weights, layer, pool, size, split) under
`--out/features`, so re-running with other C values does not extract again.
"""

import argparse
import functools
import time
from pathlib import Path

from jaxdl import models
from jaxdl.commands import transfer_bow
from jaxdl.data import scene15
from jaxdl.features import cached, extract
from jaxdl.models.named import check_layer
from jaxdl.report import markdown_table, write_table
from jaxdl.pretrained import variables_for
from jaxdl.transfer.svm import layer_sweep


def csv_list(kind):
    """An argparse type: a comma-separated list of `kind` values."""
    return lambda text: [kind(item) for item in text.split(",") if item]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options shared by `jaxdl transfer` and scripts/transfer_svm.py."""
    parser.add_argument("--root", required=True, type=Path, help="image folder: ROOT/{train,test}/CLASS/*.jpg or ROOT/CLASS/*.jpg")
    parser.add_argument("--arch", default="squeezenet1_0", help="network (default squeezenet1_0)")
    parser.add_argument("--weights", default="imagenet", help="'imagenet', 'random' or a weights file/folder (default imagenet)")
    parser.add_argument("--layers", type=csv_list(str), default=["fire7", "fire9", "conv10"], help="comma-separated layers")
    parser.add_argument("--C", type=csv_list(float), default=[0.01, 0.1, 1.0, 10.0], help="comma-separated SVM C values")
    parser.add_argument("--pool", choices=("avg", "max", "none"), default="avg", help="spatial pooling of conv features")
    parser.add_argument("--size", type=int, default=224, help="images are resized to SIZE x SIZE (default 224)")
    parser.add_argument("--batch-size", type=int, default=64, help="images per forward pass (default 64)")
    parser.add_argument("--out", type=Path, default=Path("runs/transfer"), help="output folder (table + feature cache)")
    parser.add_argument("--method", choices=("deep", "bow"), default="deep", help="CNN features (deep) or the SIFT bag-of-words baseline (bow)")
    transfer_bow.add_arguments(parser)


def run(args: argparse.Namespace) -> list[dict]:
    """Extract (or read cached) features per layer, sweep C, write `OUT/svm.{md,csv}` and print the table."""
    model = models.create(args.arch)
    for layer in args.layers:
        check_layer(layer, model.layer_names())
    splits, classes = scene15.load(args.root, size=args.size)
    variables = functools.cache(lambda: variables_for(model, args.arch, args.weights))  # only if something is not cached
    pool = None if args.pool == "none" else args.pool
    tag = "-".join([args.root.resolve().name, args.arch, Path(args.weights).stem, pool or "full", str(args.size)])
    print(f"{args.root}: {len(classes)} classes, {len(splits['train'][1])} train / {len(splits['test'][1])} test images")

    def features_for(layer: str):
        start = time.perf_counter()
        feats = tuple(
            cached(
                args.out / "features" / f"{tag}-{layer}-{split}.npy",
                lambda split=split: extract(model, variables(), splits[split][0], layer, args.batch_size, pool=pool),
            )
            for split in ("train", "test")
        )
        print(f"{layer}: features {feats[0].shape[1:]} in {time.perf_counter() - start:.1f}s")
        return feats

    rows = layer_sweep(features_for, args.layers, splits["train"][1], splits["test"][1], args.C)
    md, _ = write_table(rows, args.out / "svm")
    print(markdown_table(rows), end="")
    print(f"written: {md} (+ .csv)")
    return rows


def register(subparsers) -> None:
    """Add `transfer`."""
    parser = subparsers.add_parser(
        "transfer",
        help="CNN features + linear SVM on an image folder (layer x C table)",
        epilog="example: jaxdl transfer --root ../shared/data/15scene --method bow --pyramid 2 --norm hellinger",
    )
    add_arguments(parser)
    parser.set_defaults(func=_transfer)


def _transfer(args: argparse.Namespace) -> int:
    """The CLI entry: run (or the bag-of-words baseline), exit code 0."""
    (transfer_bow.run if args.method == "bow" else run)(args)
    return 0
