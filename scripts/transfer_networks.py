"""The course's network comparison on 15-Scene: one row per network with feature dimension, extraction time,
SVM fit time and test accuracy, beside the course's reference numbers (PyTorch, ImageNet weights).

    python scripts/transfer_networks.py --root ../shared/data/15scene \\
        --weights squeezenet1_0=../shared/weights/squeezenet1_0-imagenet-dc.safetensors --per-class 10,10 --size 112

Each network runs with the weights given by `--weights ARCH=PATH` (repeatable; 'imagenet' fetches
torchvision's) and otherwise with a seeded random init: the "weights" column says which. Random-weight
features are the honest floor of transfer learning. Features: the course's layer per family (VGG/AlexNet
relu7, ResNet avgpool, SqueezeNet fire9), spatially averaged, L2-normalised, LinearSVC over the C grid;
the table gives C=1 (the course's setting) and the best C. Extraction time includes compilation.
Rows are written after each network to OUT/networks.{md,csv}. `--full ARCH,...` runs those networks on all
images whatever `--per-class` says (e.g. the one with real weights). `--probe N` only times each network's
extraction per image (N images, after a compiling pass) to choose an affordable `--per-class`.
"""

import argparse
import time
from pathlib import Path

import numpy as np

from jaxdl import configure, models
from jaxdl.data import scene15
from jaxdl.data.imagenet import Preprocessed
from jaxdl.features import extract
from jaxdl.options import csv_list
from jaxdl.pretrained import variables_for
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer.svm import COURSE_CS, svm_sweep

ARCHS = ("alexnet", "vgg16", "vgg19", "resnet34", "resnet50", "resnet152", "squeezenet1_0", "squeezenet1_1")
LAYER = {"alexnet": "relu7", "vgg": "relu7", "resnet": "avgpool", "squeezenet": "fire9"}
# Course reports (PyTorch, ImageNet weights, full 15-Scene, L2 + LinearSVC).
REFERENCE = {
    "alexnet": "87.1 %",
    "vgg16": "relu7 C=1 88.6-88.8 %, pool5 89.9 %, relu6 90.2-90.6 %",
    "vgg19": "88.9 %",
    "resnet34": "90.5 %",
    "resnet50": "91.0 %",
    "resnet152": "92.3 %",
}


def weights_option(text: str) -> tuple[str, str]:
    """An argparse type: ARCH=PATH (or ARCH=imagenet)."""
    arch, sep, path = text.partition("=")
    if not sep or not path:
        raise argparse.ArgumentTypeError(f"expected ARCH=PATH, got {text!r}")
    return arch, path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, required=True, help="image folder (as for jaxdl transfer)")
    parser.add_argument("--archs", type=csv_list(str), default=list(ARCHS), help="comma-separated networks (default: the course's 8)")
    parser.add_argument("--weights", type=weights_option, action="append", default=[], metavar="ARCH=PATH", help="real weights for ARCH")
    parser.add_argument("--per-class", type=csv_list(int), metavar="TRAIN,TEST", help="only the first TRAIN / TEST images per class")
    parser.add_argument("--full", type=csv_list(str), default=[], metavar="ARCHS", help="networks that use every image despite --per-class")
    parser.add_argument("--cached", type=weights_option, action="append", default=[], metavar="ARCH=DIR",
                        help="read ARCH's features from DIR/LAYER-{train,test}.npy (jaxdl transfer's cache, all images) instead of extracting")
    parser.add_argument("--probe", type=int, metavar="N", help="only time each network's extraction on N images (after a compiling pass)")
    parser.add_argument("--size", type=int, default=224, help="images resized to SIZE x SIZE (default 224)")
    parser.add_argument("--C", type=csv_list(float), default=list(COURSE_CS), help="SVM C grid (default the course's)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--out", type=Path, default=Path("runs/transfer_networks"))
    return parser.parse_args(argv)


def layer_of(arch: str) -> str:
    """The course's feature layer for `arch`'s family."""
    return next(layer for family, layer in LAYER.items() if arch.startswith(family))


def network_row(arch: str, weights: str, splits: dict, args: argparse.Namespace, cached: str | None = None) -> dict:
    """Extract `arch`'s features of both splits (or read them from the `cached` folder), sweep C; one table row."""
    model, layer = models.create(arch), layer_of(arch)
    start = time.perf_counter()
    if cached:
        feats = {s: np.load(Path(cached) / f"{layer}-{s}.npy") for s in splits}
    else:
        variables = variables_for(model, arch, weights)
        train, test = splits["train"][0], splits["test"][0]  # one extraction (one compilation) for both splits
        both = Preprocessed([part.images[i] for part in (train, test) for i in range(len(part))], train.size, train.key)
        x = extract(model, variables, both, layer, args.batch_size, progress=False, pool="avg")
        feats = {"train": x[: len(train)], "test": x[len(train) :]}
    seconds = time.perf_counter() - start
    rows = svm_sweep(feats["train"], splits["train"][1], feats["test"], splits["test"][1], args.C)
    at_one = min(rows, key=lambda row: abs(row["C"] - 1.0))
    best = max(rows, key=lambda row: row["test_acc"])
    images = sum(len(labels) for _, labels in splits.values())
    return {
        "network": arch,
        "layer": layer,
        "weights": "random (seed 0)" if weights == "random" else f"real ({Path(weights).name})",
        "feature dim": int(feats["train"].shape[1]),
        "images (train + test)": images,
        "extract s": "cached" if cached else round(seconds, 1),
        "ms / image": "-" if cached else round(1000 * seconds / images, 1),
        "SVM fit s (C=1)": at_one["fit_s"],
        "test acc C=1": round(at_one["test_acc"], 4),
        "best test acc (C)": f"{best['test_acc']:.4f} ({best['C']:g})",
        "course (ImageNet, PyTorch)": REFERENCE.get(arch, "-"),
    }


def probe_row(arch: str, images: np.ndarray, batch_size: int) -> dict:
    """Seconds per image of `arch`'s feature extraction on `images`, timed on a second pass (the first compiles)."""
    model = models.create(arch)
    variables = variables_for(model, arch, "random")
    times = []
    for _ in range(2):
        start = time.perf_counter()
        extract(model, variables, images, layer_of(arch), batch_size, progress=False, pool="avg")
        times.append(time.perf_counter() - start)
    return {"network": arch, "first pass s (compiles)": round(times[0], 1), "ms / image": round(1000 * times[1] / len(images), 1)}


def main(argv: list[str] | None = None) -> list[dict]:
    """Probe the networks' speed, or build the comparison table (one row per network, written as it comes)."""
    args = parse_args(argv)
    configure()  # the CLI's XLA settings
    weights, cached = dict(args.weights), dict(args.cached)
    full, prepared = scene15.load(args.root, size=args.size)
    if args.probe:
        images = scene15.first_per_class(full["train"], -(-args.probe // len(prepared.classes)))[0][: args.probe]
        rows = []
        for arch in args.archs:
            rows.append(probe_row(arch, images, args.batch_size))
            print(rows[-1], flush=True)
        print(markdown_table(rows), end="")
        return rows
    splits = scene15.limited(full, args.per_class)
    print(f"{len(prepared.classes)} classes, {len(splits['train'][1])} train / {len(splits['test'][1])} test images, {args.size}x{args.size}")
    rows = []
    for arch in args.archs:
        everything = arch in args.full or arch in cached
        rows.append(network_row(arch, weights.get(arch, "random"), full if everything else splits, args, cached.get(arch)))
        print(markdown_table(rows[-1:]), end="", flush=True)
        write_table(rows, args.out / "networks")
    print(markdown_table(rows), end="")
    return rows


if __name__ == "__main__":
    main()
