"""Fine-tuning as one experiment: `run(runs, config, out)` fine-tunes the network once per stage choice on an image
folder (jaxdl.transfer.finetune_run.finetune, resumable under OUT/<choice>/), scores the test split once with the best
held-out epoch and writes OUT/finetune.{md,csv}; `jaxdl finetune` calls it. With `cache_frozen` (no augmentation), the
frozen part's activations of both splits are computed once and kept as .npy files under the cache folder."""

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from jaxdl import features, models, parallel
from jaxdl.data import scene15
from jaxdl.evaluate import evaluate
from jaxdl.options import cli
from jaxdl.pretrained import variables_for
from jaxdl.report import Result, markdown_table, write_table
from jaxdl.transfer import finetune as ft
from jaxdl.transfer.finetune_run import FinetuneConfig, finetune, frozen_inputs


@dataclass(frozen=True)
class FinetuneRuns:
    """What is fine-tuned: an image folder, a network and its weights, the stage choices (one FinetuneConfig run each)."""

    root: Path
    arch: str = "squeezenet1_0"
    weights: str = "imagenet"
    stages: tuple[str, ...] | None = cli(None, sep=",")
    per_class: tuple[int, ...] | None = cli(None, sep=",", metavar="TRAIN,TEST")
    cache: Path | None = None


def shared_frozen(arch: str, choices: tuple[str, ...]) -> str | None:
    """The choice whose frozen part ends first: its activations serve every choice (each runs the rest of its frozen
    part on them); None when a choice freezes nothing."""
    model = models.create(arch)
    ends = {choice: ft.frozen_until(model, arch, choice) for choice in choices}
    if None in ends.values():
        return None
    return min(ends, key=lambda choice: model.layer_names().index(ends[choice]))


def cached_frozen(runs: FinetuneRuns, config: FinetuneConfig, pretrained: dict, split: str, images: Sequence, choice: str | None,
                  folder: Path) -> tuple:
    """(the frozen part's activations of `split` for `choice`, the layer) from FOLDER's .npy, named by everything that
    fixes them (network, weights, image size, images per class, layer), computed once; (images, None) if no choice."""
    if choice is None:
        return images, None
    layer = ft.frozen_until(models.create(runs.arch), runs.arch, choice)
    limit = "-".join(map(str, runs.per_class)) if runs.per_class else "all"
    path = folder / f"{runs.arch}-{Path(runs.weights).stem}-{config.size}px-{limit}-{split}-{layer}.npy"
    return features.cached(path, lambda: frozen_inputs(runs.arch, pretrained, images, choice, progress=config.progress)[0]), layer


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
    rows, cached = [], shared_frozen(runs.arch, choices) if config.cache_frozen else None
    for choice in choices:
        start = time.perf_counter()
        inputs, layer = cached_frozen(runs, config, pretrained, "train", train, cached, runs.cache or out / "frozen")
        tests, _ = cached_frozen(runs, config, pretrained, "test", test, cached, runs.cache or out / "frozen")
        result = finetune(runs.arch, pretrained, inputs, train_labels, len(prepared.classes),
                          replace(config, stages=choice, out=out / choice, progress=progress), start=layer)
        seconds = time.perf_counter() - start
        logits = result.model.apply if layer is None else functools.partial(result.model.apply, start=layer)
        _, test_acc = evaluate(logits, result.variables, tests, test_labels, batch_size=64)
        crops = "-".join(f"{s:g}" for s in config.crop_scale) if config.augment else "none"
        rows.append({"arch": runs.arch, "weights": Path(runs.weights).stem, "stages": choice, "trainable": result.trainable,
                     "lr": config.learning_rate, "crops": crops, "epochs": f"{result.best_epoch}/{config.epochs}",
                     "train_s": round(seconds), "val_acc": result.val_acc, "test_acc": test_acc})
        print(markdown_table(rows[-1:]), end="", flush=True)
    if parallel.primary():
        write_table(rows, out / "finetune")
    return Result(tables=[("fine-tuning, one row per stage choice (test scored once, with the best held-out epoch)", rows)])
