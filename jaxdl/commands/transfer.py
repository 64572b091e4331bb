"""`jaxdl transfer --root DIR`: the course's transfer tables, CNN features at several layers -> linear SVM over C.

    jaxdl transfer --root ../shared/data/15scene --arch squeezenet1_0 \\
        --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors --layers fire5,fire7,fire9,conv10 --l2 both

All layers come out of one forward pass. Features are cached as .npy per layer and split under
`--out/features/<data, arch, weights, pool, size>-<hash of those settings>/`: re-running with other C
values reads them back, asking for one more layer extracts only that one, and changing the data,
weights file, pool or size starts a new folder. Writes OUT/svm.{md,csv}, OUT/accuracy_vs_C.png, and
for the best row OUT/per_class.{md,csv} and OUT/confusion.png.
"""

import argparse
import functools
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import flax.linen as nn

from jaxdl import models
from jaxdl.commands import transfer_bow
from jaxdl.data import scene15
from jaxdl.features import cached_layers, extract
from jaxdl.models.named import check_layer
from jaxdl.pretrained import variables_for
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer.head import HEADS, head_sweep
from jaxdl.transfer.results import accuracy_vs_c, confusion_figure, per_class
from jaxdl.transfer.svm import CLASSIFIERS, COURSE_CS, flat, l2_normalized, layer_sweep

T = TypeVar("T")
L2_CHOICES = {"on": (True,), "off": (False,), "both": (True, False)}


def csv_list(kind: Callable[[str], T]) -> Callable[[str], list[T]]:
    """An argparse type: a comma-separated list of `kind` values."""
    return lambda text: [kind(item) for item in text.split(",") if item]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options shared by `jaxdl transfer` and scripts/transfer_svm.py."""
    parser.add_argument("--root", required=True, type=Path, help="image folder: ROOT/{train,test}/CLASS/*.jpg or ROOT/CLASS/*.jpg")
    parser.add_argument("--arch", default="squeezenet1_0", help="network (default squeezenet1_0)")
    parser.add_argument("--weights", default="imagenet", help="'imagenet', 'random' or a weights file/folder (default imagenet)")
    parser.add_argument("--layers", type=csv_list(str), default=["fire7", "fire9", "conv10"], help="comma-separated layers (one pass)")
    parser.add_argument("--C", type=csv_list(float), default=list(COURSE_CS), help="comma-separated SVM C values (default: the course's 1e-5..1e2)")
    parser.add_argument("--l2", choices=L2_CHOICES, default="on", help="L2-normalise the features: on (the course), off, or both tables")
    parser.add_argument("--svm", choices=sorted(CLASSIFIERS), default="sklearn", help="linear SVM solver (default sklearn LinearSVC)")
    parser.add_argument("--pool", choices=("avg", "max", "none"), default="avg", help="spatial pooling of conv features")
    parser.add_argument("--size", type=int, default=224, help="images are resized to SIZE x SIZE (default 224)")
    parser.add_argument("--per-class", type=csv_list(int), metavar="TRAIN,TEST", help="only the first TRAIN / TEST images of each class")
    parser.add_argument("--batch-size", type=int, default=64, help="images per forward pass (default 64)")
    parser.add_argument("--head", choices=HEADS, help="train a neural head (early stopping on part of the TRAINING split) instead of the SVM sweep")
    parser.add_argument("--out", type=Path, default=Path("runs/transfer"), help="output folder (tables, figures, feature cache)")
    parser.add_argument("--method", choices=("deep", "bow"), default="deep", help="CNN features (deep) or the SIFT bag-of-words baseline (bow)")
    transfer_bow.add_arguments(parser)


def weights_identity(weights: str) -> str:
    """'imagenet' / 'random' as they are; a weights file by its path, size and modification time (a new file, a new cache)."""
    path = Path(weights).expanduser()
    if not path.exists():
        return weights
    stat = path.stat()
    return f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


def cache_folder(args: argparse.Namespace, data_fingerprint: str) -> Path:
    """OUT/features/<readable settings>-<hash of every setting the features depend on>."""
    pool = "full" if args.pool == "none" else args.pool
    settings = [data_fingerprint, args.arch, weights_identity(args.weights), pool, args.size, args.per_class]
    digest = hashlib.sha256(repr(settings).encode()).hexdigest()[:10]
    name = "-".join([args.root.resolve().name, args.arch, Path(args.weights).stem, pool, str(args.size), digest])
    return args.out / "features" / name


def layer_features(model: nn.Module, variables: dict, splits: dict, layers: list[str], folder: Path, args: argparse.Namespace) -> dict:
    """{layer: (train, test) features}: cached layers read back, the missing ones of each split from one pass."""
    pool = None if args.pool == "none" else args.pool
    per_split = {}
    for split, (images, _) in splits.items():
        paths = {layer: folder / f"{layer}-{split}.npy" for layer in layers}
        compute = lambda missing, images=images: extract(model, variables(), images, batch_size=args.batch_size, pool=pool, layers=missing)
        per_split[split] = cached_layers(paths, compute)
    return {layer: (per_split["train"][layer], per_split["test"][layer]) for layer in layers}


def best_configuration(rows: list[dict], features: dict, splits: dict, classes: list[str], args: argparse.Namespace) -> dict:
    """Refit the row with the best test accuracy (as the course reports it); per-class table and confusion figure."""
    best = max(rows, key=lambda row: row["test_acc"])
    train, test = ((l2_normalized if best["l2"] else flat)(x) for x in features[best["layer"]])
    labels, test_labels = splits["train"][1], splits["test"][1]
    predicted = CLASSIFIERS[args.svm](train, labels, best["C"]).predict(test)
    table = per_class(test_labels, predicted, classes)
    write_table(table, args.out / "per_class")
    name = f"{args.arch} {best['layer']} {'L2' if best['l2'] else 'raw'} C={best['C']:g}"
    confusion_figure(test_labels, predicted, classes, args.out / "confusion.png", f"{name}: test accuracy {best['test_acc']:.3f}")
    print(f"best: {name}, test accuracy {best['test_acc']:.4f}; per class:")
    print(markdown_table(table), end="")
    return best


def run(args: argparse.Namespace) -> list[dict]:
    """Extract (or read cached) features of every layer in one pass, sweep C (and L2), write tables and figures."""
    model = models.create(args.arch)
    for layer in args.layers:
        check_layer(layer, model.layer_names())
    splits, prepared = scene15.load(args.root, size=args.size)
    if args.per_class:
        splits = {split: scene15.first_per_class(splits[split], count) for split, count in zip(("train", "test"), args.per_class)}
    variables = functools.cache(lambda: variables_for(model, args.arch, args.weights))  # only if something is not cached
    skipped = f", {len(prepared.skipped)} unreadable image(s) left out" if prepared.skipped else ""
    print(f"{args.root}: {len(prepared.classes)} classes, {len(splits['train'][1])} train / {len(splits['test'][1])} test images{skipped}")
    start = time.perf_counter()
    features = layer_features(model, variables, splits, args.layers, cache_folder(args, prepared.fingerprint), args)
    print(f"features of {', '.join(args.layers)}: {time.perf_counter() - start:.1f}s")
    labels = splits["train"][1], splits["test"][1]
    if args.head:
        rows = head_sweep(features.__getitem__, args.layers, *labels, args.head)
        md, _ = write_table(rows, args.out / f"head-{args.head}")
        print(markdown_table(rows), end="")
        print(f"written: {md} (+ .csv)")
        return rows
    rows = layer_sweep(features.__getitem__, args.layers, *labels, args.C, L2_CHOICES[args.l2], CLASSIFIERS[args.svm])
    md, _ = write_table(rows, args.out / "svm")
    print(markdown_table(rows), end="")
    accuracy_vs_c(rows, args.out / "accuracy_vs_C.png", f"{args.root.name}: {args.arch} ({Path(args.weights).stem}), {args.pool}-pooled")
    best_configuration(rows, features, splits, prepared.classes, args)
    print(f"written: {md} (+ .csv), accuracy_vs_C.png, per_class.md, confusion.png in {args.out}")
    return rows


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `transfer`."""
    parser = subparsers.add_parser(
        "transfer",
        help="CNN features (or SIFT bag-of-words) + linear SVM on an image folder (layer x C x L2 tables)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  jaxdl transfer --root ../shared/data/15scene --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors "
        "--layers fire9,conv10 --svm jax --C 0.1,1,10   (add --head mlp for a neural head instead of the SVM)\n"
        "  jaxdl transfer --root ../shared/data/15scene --method bow --pyramid 2 --norm hellinger",
    )
    add_arguments(parser)
    parser.set_defaults(func=_transfer)


def _transfer(args: argparse.Namespace) -> int:
    """The CLI entry: run (or the bag-of-words baseline), exit code 0."""
    (transfer_bow.run if args.method == "bow" else run)(args)
    return 0
