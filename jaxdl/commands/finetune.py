"""`jaxdl finetune --root DIR`: fine-tune an ImageNet CNN on an image folder instead of an SVM on its features.

    jaxdl finetune --root ../shared/data/15scene --arch squeezenet1_0 \\
        --weights ../shared/weights/squeezenet1_0-imagenet-dc.safetensors --stages conv10,fire9-conv10 --epochs 6

A fresh n-way classifier replaces the network's; only the stages chosen train (with the classifier), the rest is frozen
(BatchNorm in inference mode). Training images get random resized crops and flips; a held-out part of the TRAINING
split picks the epoch kept; the test split is scored once at the end. Each stage choice trains in OUT/<choice>/
(step-indexed Orbax checkpoints, history.jsonl, the best epoch under best/): rerun the same command to resume.
Writes OUT/finetune.{md,csv}: choice, trainable parameters, rate, crops, epochs, time, held-out and test accuracy.
--no-augment --cache-frozen computes the frozen part's activations once (kept under --cache) and trains on them.
"""

import argparse
from dataclasses import dataclass
from pathlib import Path

from jaxdl.options import add_fields, from_args
from jaxdl.parallel import LAUNCH_HELP, Launch, launch
from jaxdl.report import markdown_table
from jaxdl.transfer.finetune_experiment import FinetuneRuns
from jaxdl.transfer.finetune_experiment import run as run_finetune
from jaxdl.transfer.finetune_run import FinetuneConfig


@dataclass(frozen=True)
class FinetuneOutput:
    """Where `jaxdl finetune` writes: a checkpoint folder per stage choice, and the table."""

    out: Path = Path("runs/finetune")


HELP = {
    "root": "image folder: ROOT/{train,test}/CLASS/*.jpg or ROOT/CLASS/*.jpg",
    "weights": "'imagenet', 'random' or a weights file/folder",
    "per_class": "only the first TRAIN / TEST images of each class",
    "arch": "network: squeezenet*, resnet*, vgg*, alexnet (default squeezenet1_0)",
    "stages": "comma-separated stage choices, each a run (default: the arch's fewest); squeezenet: conv10, fire9-conv10, "
              "fire7-conv10, all; resnet: layer4, layer3-4, layer2-4, all; vgg/alexnet: fc, conv5-fc, all",
    "out": "output folder (checkpoints per choice, table)",
    "epochs": "epochs",
    "batch_size": "images per step",
    "learning_rate": "Adam's learning rate",
    "crop_scale": "area fraction of the random crops (default 0.25,1; torchvision's is 0.08,1)",
    "augment": "random resized crops + flips of the training images (--no-augment: the whole images)",
    "cache_frozen": "with --no-augment: compute the frozen part's activations once (both splits, kept under --cache) and "
                    "train only the chosen stages on them: the same steps, each epoch runs the trained stages only",
    "cache": "folder of the frozen activations of --cache-frozen (default OUT/frozen), shared by runs",
    "val_fraction": "held-out part of the training split",
    "size": "images are resized to SIZE x SIZE, crops too",
    "seed": "held-out split, new classifier, batches, crops",
} | LAUNCH_HELP


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options of `jaxdl finetune`: FinetuneRuns, FinetuneConfig (but what FinetuneRuns sets per run), --out, Launch."""
    add_fields(parser, FinetuneRuns, HELP)
    add_fields(parser, FinetuneConfig, HELP, skip=("stages", "out", "progress"))
    add_fields(parser, FinetuneOutput, HELP)
    add_fields(parser, Launch, HELP)


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
    """The CLI entry: join a multi-host run if asked, run, print the table; exit code 0."""
    launch(from_args(Launch, args))
    out = from_args(FinetuneOutput, args).out
    result = run_finetune(from_args(FinetuneRuns, args), from_args(FinetuneConfig, args, stages=None, out=None), out,
                          getattr(args, "progress", True))
    print(markdown_table(result.tables[0][1]), end="")
    print(f"written: {out / 'finetune.md'} (+ .csv)")
    return 0
