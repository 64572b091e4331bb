"""Fine-tuning as one experiment: `run(runs, config, out)` fine-tunes the network once per stage choice on an image
folder (jaxdl.transfer.finetune_run.finetune, resumable under OUT/<choice>/), scores the test split once with the best
held-out epoch and writes OUT/finetune.{md,csv}; `jaxdl finetune` calls it."""

import time
from dataclasses import dataclass, replace
from pathlib import Path

from jaxdl import models, parallel
from jaxdl.data import scene15
from jaxdl.evaluate import evaluate
from jaxdl.options import cli
from jaxdl.pretrained import variables_for
from jaxdl.report import Result, markdown_table, write_table
from jaxdl.transfer import finetune as ft
from jaxdl.transfer.finetune_run import FinetuneConfig, finetune


@dataclass(frozen=True)
class FinetuneRuns:
    """What is fine-tuned: an image folder, a network and its weights, the stage choices (one FinetuneConfig run each)."""

    root: Path
    arch: str = "squeezenet1_0"
    weights: str = "imagenet"
    stages: tuple[str, ...] | None = cli(None, sep=",")
    per_class: tuple[int, ...] | None = cli(None, sep=",", metavar="TRAIN,TEST")


def run(runs: FinetuneRuns, config: FinetuneConfig, out: str | Path, progress: bool = True) -> Result:
    """One row per stage choice (trainable parameters, epoch kept, time, held-out and test accuracy), printed as it comes."""
    out, model = Path(out), models.create(runs.arch)
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
                          replace(config, stages=choice, out=out / choice, progress=progress))
        seconds = time.perf_counter() - start
        _, test_acc = evaluate(result.model.apply, result.variables, test, test_labels, batch_size=64)
        rows.append({"arch": runs.arch, "weights": Path(runs.weights).stem, "stages": choice, "trainable": result.trainable,
                     "epochs": f"{result.best_epoch}/{config.epochs}", "train_s": round(seconds), "val_acc": result.val_acc,
                     "test_acc": test_acc})
        print(markdown_table(rows[-1:]), end="", flush=True)
    if parallel.primary():
        write_table(rows, out / "finetune")
    return Result(tables=[("fine-tuning, one row per stage choice (test scored once, with the best held-out epoch)", rows)])
