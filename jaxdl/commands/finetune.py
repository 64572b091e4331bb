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
from dataclasses import dataclass, replace
from pathlib import Path

from jaxdl import models
from jaxdl.commands.transfer import HELP as TRANSFER_HELP
from jaxdl.data import scene15
from jaxdl.evaluate import evaluate
from jaxdl.options import add_fields, cli, from_args
from jaxdl.parallel import LAUNCH_HELP, Launch, launch
from jaxdl.pretrained import variables_for
from jaxdl.report import markdown_table, write_table
from jaxdl.transfer import finetune as ft
from jaxdl.transfer.finetune_run import FinetuneConfig, finetune


@dataclass(frozen=True)
class FinetuneRuns:
    """What `jaxdl finetune` fine-tunes: an image folder, a network and its weights, the stage choices (one
    FinetuneConfig run each), and where the runs and the table go."""

    root: Path
    arch: str = "squeezenet1_0"
    weights: str = "imagenet"
    stages: tuple[str, ...] | None = cli(None, sep=",")
    per_class: tuple[int, ...] | None = cli(None, sep=",", metavar="TRAIN,TEST")
    out: Path = Path("runs/finetune")


HELP = {name: TRANSFER_HELP[name] for name in ("root", "weights", "per_class")} | {
    "arch": "network: squeezenet*, resnet*, vgg*, alexnet (default squeezenet1_0)",
    "stages": "comma-separated stage choices, each a run (default: the arch's fewest); squeezenet: conv10, fire9-conv10, "
              "fire7-conv10, all; resnet: layer4, layer3-4, layer2-4, all; vgg/alexnet: fc, conv5-fc, all",
    "out": "output folder (checkpoints per choice, table)",
    "epochs": "epochs",
    "batch_size": "images per step",
    "learning_rate": "Adam's learning rate",
    "crop_scale": "area fraction of the random crops (default 0.25,1; torchvision's is 0.08,1)",
    "val_fraction": "held-out part of the training split",
    "size": "images are resized to SIZE x SIZE, crops too",
    "seed": "held-out split, new classifier, batches, crops",
} | LAUNCH_HELP


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options of `jaxdl finetune`: FinetuneRuns, FinetuneConfig (but what FinetuneRuns sets per run), Launch."""
    add_fields(parser, FinetuneRuns, HELP)
    add_fields(parser, FinetuneConfig, HELP, skip=("stages", "out", "progress"))
    add_fields(parser, Launch, HELP)


def run(runs: FinetuneRuns, config: FinetuneConfig) -> list[dict]:
    """Fine-tune once per stage choice, score the test split with the best held-out epoch, write the table."""
    model = models.create(runs.arch)
    choices = runs.stages or ft.stage_choices(runs.arch)[:1]
    for choice in choices:
        ft.frozen_until(model, runs.arch, choice)  # a bad choice is an error before any work
    splits, prepared = scene15.load(runs.root, size=config.size)
    splits = scene15.limited(splits, runs.per_class)
    (train, train_labels), (test, test_labels) = splits["train"], splits["test"]
    print(f"{runs.root}: {len(prepared.classes)} classes, {len(train_labels)} train / {len(test_labels)} test images")
    pretrained = variables_for(model, runs.arch, runs.weights, config.seed)
    rows = []
    for choice in choices:
        start = time.perf_counter()
        result = finetune(runs.arch, pretrained, train, train_labels, len(prepared.classes),
                          replace(config, stages=choice, out=runs.out / choice))
        seconds = time.perf_counter() - start
        _, test_acc = evaluate(result.model.apply, result.variables, test, test_labels, batch_size=64)
        rows.append({"arch": runs.arch, "weights": Path(runs.weights).stem, "stages": choice, "trainable": result.trainable,
                     "epochs": f"{result.best_epoch}/{config.epochs}", "train_s": round(seconds), "val_acc": result.val_acc,
                     "test_acc": test_acc})
        print(markdown_table(rows[-1:]), end="", flush=True)
    md, _ = write_table(rows, runs.out / "finetune")
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
    add_options(parser)
    parser.set_defaults(func=_finetune)


def _finetune(args: argparse.Namespace) -> int:
    """The CLI entry: join a multi-host run if asked, run, exit code 0."""
    launch(from_args(Launch, args))
    run(from_args(FinetuneRuns, args), from_args(FinetuneConfig, args, stages=None, out=None))
    return 0
