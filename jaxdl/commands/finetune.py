"""`jaxdl finetune --root DIR`: fine-tune an ImageNet CNN on an image folder instead of an SVM on its features.

    jaxdl finetune --root ../shared/data/15scene --arch squeezenet1_0 \\
        --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors --stages conv10,fire9-conv10 --epochs 6

A fresh n-way classifier replaces the network's; only the stages chosen train (with the classifier), the rest is frozen
(BatchNorm in inference mode). Training images get random resized crops and flips; a held-out part of the TRAINING
split picks the epoch kept; the test split is scored once at the end. Each stage choice trains in OUT/<choice>/
(step-indexed Orbax checkpoints, history.jsonl, the best epoch under best/): rerun the same command to resume.
Writes OUT/finetune.{md,csv}: choice, trainable parameters, epochs, time, held-out and test accuracy.
"""

import argparse
import time
from pathlib import Path

import jax

from jaxdl import models
from jaxdl.commands.transfer import csv_list
from jaxdl.data import scene15
from jaxdl.errors import JaxdlError
from jaxdl.pretrained import variables_for
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer import finetune as ft
from jaxdl.transfer.finetune_run import FinetuneConfig, accuracy, finetune


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `jaxdl finetune` (and scripts/transfer_finetune.py)."""
    parser.add_argument("--root", required=True, type=Path, help="image folder: ROOT/{train,test}/CLASS/*.jpg or ROOT/CLASS/*.jpg")
    parser.add_argument("--arch", default="squeezenet1_0", help="network: squeezenet*, resnet*, vgg*, alexnet (default squeezenet1_0)")
    parser.add_argument("--weights", default="imagenet", help="'imagenet', 'random' or a weights file/folder (default imagenet)")
    parser.add_argument("--stages", type=csv_list(str), help="comma-separated stage choices, each a run (default: the arch's "
                        "fewest); squeezenet: conv10, fire9-conv10, fire7-conv10, all; resnet: layer4, layer3-4, layer2-4, all; "
                        "vgg/alexnet: fc, conv5-fc, all")
    defaults = FinetuneConfig()
    parser.add_argument("--epochs", type=int, default=defaults.epochs, help=f"epochs (default {defaults.epochs})")
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size, help=f"images per step (default {defaults.batch_size})")
    parser.add_argument("--lr", type=float, default=defaults.learning_rate, help=f"Adam's learning rate (default {defaults.learning_rate:g})")
    parser.add_argument("--crop-scale", type=csv_list(float), default=list(defaults.crop_scale), metavar="MIN,MAX",
                        help="area fraction of the random crops (default 0.25,1; torchvision's is 0.08,1)")
    parser.add_argument("--val-fraction", type=float, default=defaults.val_fraction, help="held-out part of the training split (default 0.2)")
    parser.add_argument("--size", type=int, default=defaults.size, help="images are resized to SIZE x SIZE, crops too (default 224)")
    parser.add_argument("--per-class", type=csv_list(int), metavar="TRAIN,TEST", help="only the first TRAIN / TEST images of each class")
    parser.add_argument("--seed", type=int, default=0, help="held-out split, new classifier, batches, crops (default 0)")
    parser.add_argument("--out", type=Path, default=Path("runs/finetune"), help="output folder (checkpoints per choice, table)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.add_argument("--distributed", action="store_true", help="one process of a multi-host run: call "
                        "jax.distributed.initialize() first (Slurm, TPU slice or JAX_COORDINATOR_ADDRESS...)")


def run(args: argparse.Namespace) -> list[dict]:
    """Fine-tune once per stage choice, score the test split with the best held-out epoch, write the table."""
    if args.distributed:
        jax.distributed.initialize()
    model = models.create(args.arch)
    choices = args.stages or ft.stage_choices(args.arch)[:1]
    for choice in choices:
        ft.frozen_until(model, args.arch, choice)  # a bad choice is an error before any work
    if len(args.crop_scale) != 2 or not 0 < args.crop_scale[0] <= args.crop_scale[1] <= 1:
        raise JaxdlError(f"--crop-scale must be MIN,MAX with 0 < MIN <= MAX <= 1, got {args.crop_scale}")
    splits, prepared = scene15.load(args.root, size=args.size)
    if args.per_class:
        splits = {split: scene15.first_per_class(splits[split], count) for split, count in zip(("train", "test"), args.per_class)}
    (train, train_labels), (test, test_labels) = splits["train"], splits["test"]
    print(f"{args.root}: {len(prepared.classes)} classes, {len(train_labels)} train / {len(test_labels)} test images")
    pretrained = variables_for(model, args.arch, args.weights, args.seed)
    rows = []
    for choice in choices:
        config = FinetuneConfig(choice, args.epochs, args.batch_size, args.lr, tuple(args.crop_scale), args.size,
                                args.val_fraction, args.seed, args.out / choice, not args.no_progress)
        start = time.perf_counter()
        result = finetune(args.arch, pretrained, train, train_labels, len(prepared.classes), config)
        seconds = time.perf_counter() - start
        _, test_acc = accuracy(result.model, result.variables, test, test_labels, batch_size=64)
        rows.append({"arch": args.arch, "weights": Path(args.weights).stem, "stages": choice, "trainable": result.trainable,
                     "epochs": f"{result.best_epoch}/{args.epochs}", "train_s": round(seconds), "val_acc": result.val_acc,
                     "test_acc": test_acc})
        print(markdown_table(rows[-1:]), end="", flush=True)
    md, _ = write_table(rows, args.out / "finetune")
    print(markdown_table(rows), end="")
    print(f"written: {md} (+ .csv)")
    return rows


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `finetune`."""
    parser = subparsers.add_parser(
        "finetune",
        help="fine-tune an ImageNet CNN (new classifier, early stages frozen) on an image folder",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  jaxdl finetune --root ../shared/data/15scene --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors "
        "--stages fire9-conv10 --epochs 6 --out runs/finetune   (rerun to resume)",
    )
    add_arguments(parser)
    parser.set_defaults(func=_finetune)


def _finetune(args: argparse.Namespace) -> int:
    """The CLI entry: run, exit code 0."""
    run(args)
    return 0
