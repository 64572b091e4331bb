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
from dataclasses import dataclass
from pathlib import Path

import flax.linen as nn

from jaxdl import models
from jaxdl.commands import transfer_bow
from jaxdl.data import image_folder, scene15
from jaxdl.features import cached_layers, extract
from jaxdl.models.named import check_layer
from jaxdl.options import add_fields, cli, from_args
from jaxdl.pretrained import variables_for
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer.head import HEADS, head_sweep
from jaxdl.transfer.results import accuracy_vs_c, confusion_figure, per_class
from jaxdl.transfer.svm import CLASSIFIERS, COURSE_CS, flat, l2_normalized, layer_sweep

L2_CHOICES = {"on": (True,), "off": (False,), "both": (True, False)}


@dataclass(frozen=True)
class TransferConfig:
    """One `jaxdl transfer` run: the image folder, the network, its layers and pooling, the SVM sweep (or a neural
    head, or the bag-of-words baseline with BowOptions), the output folder."""

    root: Path
    arch: str = "squeezenet1_0"
    weights: str = "imagenet"
    layers: tuple[str, ...] = cli(("fire7", "fire9", "conv10"), sep=",")
    C: tuple[float, ...] = cli(COURSE_CS, sep=",")
    l2: str = "on"
    svm: str = "sklearn"
    pool: str = "avg"
    size: int = 224
    per_class: tuple[int, ...] | None = cli(None, sep=",", metavar="TRAIN,TEST")
    batch_size: int = 64
    head: str | None = None
    out: Path = Path("runs/transfer")
    method: str = "deep"


HELP = {
    "root": "image folder: ROOT/{train,test}/CLASS/*.jpg or ROOT/CLASS/*.jpg",
    "arch": "network (default squeezenet1_0)",
    "weights": "'imagenet', 'random' or a weights file/folder (default imagenet)",
    "layers": "comma-separated layers (one pass)",
    "C": "comma-separated SVM C values (default: the course's 1e-5..1e2)",
    "l2": "L2-normalise the features: on (the course), off, or both tables",
    "svm": "linear SVM solver (default sklearn LinearSVC)",
    "pool": "spatial pooling of conv features",
    "size": "images are resized to SIZE x SIZE (default 224)",
    "per_class": "only the first TRAIN / TEST images of each class",
    "batch_size": "images per forward pass (default 64)",
    "head": "train a neural head (early stopping on part of the TRAINING split) instead of the SVM sweep",
    "out": "output folder (tables, figures, feature cache)",
    "method": "CNN features (deep) or the SIFT bag-of-words baseline (bow)",
}
CHOICES = {"l2": tuple(L2_CHOICES), "svm": sorted(CLASSIFIERS), "pool": ("avg", "max", "none"), "head": HEADS,
           "method": ("deep", "bow")}


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options shared by `jaxdl transfer` and scripts/bow_scene15.py: TransferConfig, then BowOptions."""
    add_fields(parser, TransferConfig, HELP, CHOICES)
    transfer_bow.add_options(parser)


def weights_identity(weights: str) -> str:
    """'imagenet' / 'random' as they are; a weights file by its path, size and modification time (a new file, a new cache)."""
    path = Path(weights).expanduser()
    if not path.exists():
        return weights
    stat = path.stat()
    return f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


def cache_folder(config: TransferConfig, data_fingerprint: str) -> Path:
    """OUT/features/<readable settings>-<hash of every setting the features depend on>."""
    pool = "full" if config.pool == "none" else config.pool
    per_class = config.per_class and list(config.per_class)  # a list, as when the option was parsed to one: same caches
    settings = [data_fingerprint, config.arch, weights_identity(config.weights), pool, config.size, per_class]
    digest = hashlib.sha256(repr(settings).encode()).hexdigest()[:10]
    name = "-".join([config.root.resolve().name, config.arch, Path(config.weights).stem, pool, str(config.size), digest])
    return config.out / "features" / name


def layer_features(model: nn.Module, variables: dict, splits: dict, layers: tuple[str, ...], folder: Path, config: TransferConfig) -> dict:
    """{layer: (train, test) features}: cached layers read back, the missing ones of each split from one pass."""
    pool = None if config.pool == "none" else config.pool
    per_split = {}
    for split, (images, _) in splits.items():
        paths = {layer: folder / f"{layer}-{split}.npy" for layer in layers}
        compute = lambda missing, images=images: extract(model, variables(), images, batch_size=config.batch_size, pool=pool, layers=missing)
        per_split[split] = cached_layers(paths, compute)
    return {layer: (per_split["train"][layer], per_split["test"][layer]) for layer in layers}


def best_configuration(rows: list[dict], features: dict, splits: dict, classes: list[str], config: TransferConfig) -> dict:
    """Refit the row with the best test accuracy (as the course reports it); per-class table and confusion figure."""
    best = max(rows, key=lambda row: row["test_acc"])
    train, test = ((l2_normalized if best["l2"] else flat)(x) for x in features[best["layer"]])
    labels, test_labels = splits["train"][1], splits["test"][1]
    predicted = CLASSIFIERS[config.svm](train, labels, best["C"]).predict(test)
    table = per_class(test_labels, predicted, classes)
    write_table(table, config.out / "per_class")
    name = f"{config.arch} {best['layer']} {'L2' if best['l2'] else 'raw'} C={best['C']:g}"
    confusion_figure(test_labels, predicted, classes, config.out / "confusion.png", f"{name}: test accuracy {best['test_acc']:.3f}")
    print(f"best: {name}, test accuracy {best['test_acc']:.4f}; per class:")
    print(markdown_table(table), end="")
    return best


def run(config: TransferConfig) -> list[dict]:
    """Extract (or read cached) features of every layer in one pass, sweep C (and L2), write tables and figures."""
    model = models.create(config.arch)
    for layer in config.layers:
        check_layer(layer, model.layer_names())
    splits, prepared = scene15.load(config.root, size=config.size)
    splits = scene15.limited(splits, config.per_class)
    variables = functools.cache(lambda: variables_for(model, config.arch, config.weights))  # only if something is not cached
    counts = {split: len(splits[split][1]) for split in ("train", "test")}
    print(image_folder.summary(prepared, config.root, counts, config.out / "unreadable.txt"))
    start = time.perf_counter()
    features = layer_features(model, variables, splits, config.layers, cache_folder(config, prepared.fingerprint), config)
    print(f"features of {', '.join(config.layers)}: {time.perf_counter() - start:.1f}s")
    labels = splits["train"][1], splits["test"][1]
    if config.head:
        rows = head_sweep(features.__getitem__, config.layers, *labels, config.head)
        md, _ = write_table(rows, config.out / f"head-{config.head}")
        print(markdown_table(rows), end="")
        print(f"written: {md} (+ .csv)")
        return rows
    rows = layer_sweep(features.__getitem__, config.layers, *labels, config.C, L2_CHOICES[config.l2], CLASSIFIERS[config.svm])
    md, _ = write_table(rows, config.out / "svm")
    print(markdown_table(rows), end="")
    accuracy_vs_c(rows, config.out / "accuracy_vs_C.png", f"{config.root.name}: {config.arch} ({Path(config.weights).stem}), {config.pool}-pooled")
    best_configuration(rows, features, splits, prepared.classes, config)
    print(f"written: {md} (+ .csv), accuracy_vs_C.png, per_class.md, confusion.png in {config.out}")
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
    add_options(parser)
    parser.set_defaults(func=_transfer)


def _transfer(args: argparse.Namespace) -> int:
    """The CLI entry: run (or the bag-of-words baseline), exit code 0."""
    config = from_args(TransferConfig, args)
    if config.method == "bow":
        transfer_bow.run(config.root, config.out, config.C, transfer_bow.options_of(args))
    else:
        run(config)
    return 0
