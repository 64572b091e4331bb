"""A fine-tuning run on jaxdl.training: the network with a fresh classifier, its early stages frozen, trained on the
training split minus a held-out part (stratified, seeded) whose accuracy picks the epoch kept (early stopping by
selection: the test split is never looked at). Data parallel over the loop's mesh; with `out`, checkpoints and resume.
"""

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import flax.linen as nn
import jax
import numpy as np
import optax
from jax.sharding import Mesh

from jaxdl import checkpoint, features, models, parallel, training
from jaxdl.errors import DataError, JaxdlError
from jaxdl.evaluate import evaluate
from jaxdl.keys import prng_key
from jaxdl.options import cli
from jaxdl.train_state import TrainState
from jaxdl.transfer import finetune as ft
from jaxdl.transfer.head import validation_split


@dataclass(frozen=True)
class FinetuneConfig:
    """How to fine-tune: which stages train (None: the arch's fewest), Adam's rate, crops (or none), held-out fraction,
    and whether the frozen part's activations are computed once and cached (only without augmentation: then they
    are the same every epoch, and an epoch runs only the trained stages).

    Adam, not SGD: the real SqueezeNet 1.0 (Caffe-scaled) has fire9 activations up to ~900, so SGD needs a rate
    of ~1e-4 there and ~1e-2 elsewhere; Adam 3e-4 fitted 64 of its 15-Scene images as fast as the best SGD rate."""

    stages: str | None = None
    epochs: int = 10
    batch_size: int = 32
    learning_rate: float = cli(3e-4, flag="--lr", metavar="LR")
    crop_scale: tuple[float, float] = cli((0.25, 1.0), sep=",", metavar="MIN,MAX")
    augment: bool = True
    cache_frozen: bool = False
    size: int = 224
    val_fraction: float = 0.2
    seed: int = 0
    out: Path | None = None
    progress: bool = True

    def __post_init__(self) -> None:
        """A crop scale outside 0 < MIN <= MAX <= 1, or a cache of the frozen part with augmentation, is an error before any work."""
        if len(self.crop_scale) != 2 or not 0 < self.crop_scale[0] <= self.crop_scale[1] <= 1:
            raise JaxdlError(f"--crop-scale must be MIN,MAX with 0 < MIN <= MAX <= 1, got {list(self.crop_scale)}")
        if self.cache_frozen and self.augment:
            raise JaxdlError("--cache-frozen needs --no-augment: augmented images change the frozen part's activations every epoch")

    @property
    def scale(self) -> tuple[float, float] | None:
        """The crops' area fraction, None without augmentation (jaxdl.transfer.finetune.make_train_step's `scale`)."""
        return self.crop_scale if self.augment else None


class Finetuned(NamedTuple):
    """The outcome: the model, the variables of the best held-out epoch, how many parameters trained, the history."""

    model: nn.Module
    variables: dict
    trainable: int
    best_epoch: int
    val_acc: float
    history: list[dict]


def rows(images: Sequence, indices: np.ndarray) -> np.ndarray:
    """The images at `indices` as one NHWC array (an array, or a lazy sequence such as a decoded data set)."""
    return np.stack([images[int(i)] for i in indices])


def finetune(arch: str, pretrained: dict, images: Sequence, labels: np.ndarray, num_classes: int,
             config: FinetuneConfig = FinetuneConfig(), mesh: Mesh | None = None, start: str | None = None) -> Finetuned:
    """Fine-tune `arch` from its `pretrained` variables on normalised NHWC `images` (array or lazy sequence) with
    integer `labels`; returns the epoch with the best held-out accuracy. With `start`, `images` are instead the
    activations of that frozen layer (see frozen_inputs); the returned variables serve both kinds of input."""
    mesh = mesh or parallel.data_mesh()
    model = models.create(arch, num_classes=num_classes)
    last_frozen = ft.frozen_until(model, arch, config.stages or ft.stage_choices(arch)[0])
    labels = np.asarray(labels)
    fit_rows, val_rows = validation_split(labels, config.val_fraction, config.seed)
    if len(fit_rows) < config.batch_size:
        raise DataError(f"train split: {len(fit_rows)} images to fit on, fewer than one batch of {config.batch_size}")
    init_key, key = jax.random.split(prng_key(config.seed))
    # on the host: the loop donates the state's buffers, and `pretrained` stays the caller's (e.g. for the next choice)
    if start is not None and model.layer_names().index(start) > model.layer_names().index(last_frozen or model.layer_names()[0]):
        raise JaxdlError(f"inputs cached at {start!r}, after the last frozen layer {last_frozen!r} of {config.stages!r}")
    size = config.size if start else np.shape(images[0])[0]
    variables = jax.device_get(ft.with_new_classifier(model, pretrained, init_key, size))
    trained = ft.trainable_labels(model, variables["params"], last_frozen)
    tx = ft.optimizer(optax.adam(config.learning_rate), trained)
    train_step = ft.make_train_step(model, last_frozen, config.size, config.scale, start)
    logits = model.apply if start is None else functools.partial(model.apply, start=start)

    def batches(epoch: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        order = fit_rows[training.epoch_order(config.seed, epoch, len(fit_rows))]
        for start in range(0, len(order) - config.batch_size + 1, config.batch_size):
            yield rows(images, order[start:start + config.batch_size]), labels[order[start:start + config.batch_size]]

    out = Path(config.out) if config.out else None
    keeper = checkpoint.manager(out / "best", max_to_keep=1) if out else None
    earlier = training.epoch_records(training.read_history(out / "history.jsonl")) if out else []
    best = {"val_acc": max([r["val_acc"] for r in earlier], default=-1.0), "variables": None}

    def held_out(state: TrainState, epoch: int) -> dict:
        """Held-out loss and accuracy; the variables of a new best epoch are kept (and saved under OUT/best)."""
        val_loss, val_acc = evaluate(logits, state.variables(), images, labels, val_rows, config.batch_size, mesh)
        if val_acc > best["val_acc"]:
            best.update(val_acc=val_acc, variables=jax.device_get(state.variables()))
            if keeper:
                checkpoint.save(keeper, epoch, best["variables"])
        return {"val_loss": val_loss, "val_acc": val_acc}

    settings = training.Settings(config.epochs, len(fit_rows) // config.batch_size, key, out=out, progress=config.progress,
                                 desc=f"fine-tuning {arch} ({config.stages or ft.stage_choices(arch)[0]})")
    state, history = training.fit(TrainState.start(model.apply, variables, tx), train_step, batches, settings,
                                  evaluate=held_out, mesh=mesh)
    records = training.epoch_records(history)
    chosen = max(records, key=lambda r: r["val_acc"])  # the first epoch with the best held-out accuracy
    kept = best["variables"] or checkpoint.restore_latest(keeper, jax.device_get(state.variables()))[0]
    return Finetuned(model, kept, ft.count_trainable(variables["params"], trained), chosen["epoch"], chosen["val_acc"], history)


def frozen_inputs(arch: str, pretrained: dict, images: Sequence, stages: str, batch_size: int = 64,
                  progress: bool = True) -> tuple[np.ndarray, str | None]:
    """(the activations of the last frozen layer of `stages` for every image, that layer): the frozen part's output,
    the same in every epoch when the images are not augmented, for `finetune(..., start=layer)`; (images, None)
    when nothing is frozen."""
    model = models.create(arch)
    last_frozen = ft.frozen_until(model, arch, stages)
    if last_frozen is None:
        return images, None
    return features.extract(model, pretrained, images, last_frozen, batch_size, progress), last_frozen
