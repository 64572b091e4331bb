"""GAN training on jaxdl.training's loop, with per-epoch samples and quality, and the run's figures.

Everything a run writes goes under its folder `out`: samples/epoch_NNN.png (fixed z; for a cDCGAN one
row per class, one column per z), samples.gif, losses.png, quality.{md,csv,png}, interpolation.png,
history.jsonl and checkpoints/. A rerun with the same `out` resumes from the last checkpoint and
continues bit-identically (batch order from (seed, epoch), step s trains with fold_in(key, 2 + s)).
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh

from jaxdl import figures, parallel, training
from jaxdl.classifier import cached_classifier
from jaxdl.errors import JaxdlError
from jaxdl.gan.config import GanConfig, dataset, resolved
from jaxdl.gan.data import GanData
from jaxdl.gan.quality import classifier_outputs, frechet_distance, score_samples
from jaxdl.gan.steps import GanState, dcgan_adam, generate, init_state, make_train_step, sample_inputs
from jaxdl.keys import prng_key
from jaxdl.models.dcgan import Discriminator, Generator
from jaxdl.report import write_table

GRID_COLUMNS = 10


def networks(config: GanConfig, conditional: bool, channels: int, num_classes: int) -> tuple[Generator, Discriminator]:
    """G and D of the configured size and widths; a cDCGAN's (`conditional`) also take the data's number of classes."""
    classes = num_classes if conditional else 0
    if conditional and not num_classes:
        raise JaxdlError(f"the cdcgan needs labelled data; {config.data!r} has no labels")
    return (Generator(config.image_size, config.nz, config.ngf, channels, classes),
            Discriminator(config.image_size, config.ndf, classes))


def fixed_inputs(g: Generator, key: jax.Array) -> tuple[jax.Array, jax.Array | None]:
    """The grid's fixed inputs: for a cDCGAN every class (rows) with the same GRID_COLUMNS z (columns)."""
    if not g.num_classes:
        return sample_inputs(g, key, GRID_COLUMNS * GRID_COLUMNS)
    z = jax.random.normal(key, (GRID_COLUMNS, g.nz))
    return jnp.tile(z, (g.num_classes, 1)), jnp.repeat(jnp.arange(g.num_classes), GRID_COLUMNS)


def interpolation_inputs(g: Generator, key: jax.Array, steps: int = GRID_COLUMNS) -> tuple[jax.Array, jax.Array | None]:
    """Linear paths between pairs of random z (one row each; for a cDCGAN one row per class on the same path)."""
    rows = g.num_classes or 8
    ends = jax.random.normal(key, (2, 1 if g.num_classes else rows, g.nz))
    t = jnp.linspace(0, 1, steps)[None, :, None]
    z = ((1 - t) * ends[0][:, None] + t * ends[1][:, None])
    z = jnp.broadcast_to(z, (rows, steps, g.nz)).reshape(-1, g.nz)
    return z, (jnp.repeat(jnp.arange(rows), steps) if g.num_classes else None)


def sample(run: Callable, state: GanState, g: Generator, key: jax.Array, n: int, batch: int = 500) -> tuple[np.ndarray, np.ndarray | None]:
    """n eval-mode samples (and their conditioning labels) from the jitted generator `run`, in batches."""
    z, labels = sample_inputs(g, key, n)
    images = [np.asarray(run(state.g, z[i:i + batch], None if labels is None else labels[i:i + batch]))
              for i in range(0, n, batch)]
    return np.concatenate(images), None if labels is None else np.asarray(labels)


def _write_figures(out: Path, history: training.History) -> None:
    """Loss curves, quality table and curves, and the animation of the per-epoch grids."""
    epochs = training.epoch_records(history)
    steps = [r for r in history if "epoch" not in r] or epochs
    figures.plot_curves(steps, "step", ["d_loss", "g_loss"], out / "losses.png", "GAN losses", smooth=min(20, len(steps)))
    write_table(epochs, out / "quality")
    for key in [k for k in ("frechet", "cond_acc") if k in epochs[0]]:
        figures.plot_curves(epochs, "epoch", [key], out / f"quality_{key}.png", key)
    figures.save_gif(sorted((out / "samples").glob("epoch_*.png")), out / "samples.gif")


def fit(config: GanConfig, out: str | Path, conditional: bool = False, data: GanData | None = None, *,
        progress: bool = True, mesh: Mesh | None = None) -> tuple[GanState, training.History]:
    """Train (or resume) the configured DCGAN (cDCGAN if `conditional`) in `out`; returns (state, history: step records
    every config.log_every, epoch records)."""
    config = resolved(config)
    data = data or dataset(config)
    out = Path(out)
    (out / "samples").mkdir(parents=True, exist_ok=True)
    g, d = networks(config, conditional, data.train.shape[-1], data.num_classes)
    tx = dcgan_adam(config.lr, config.beta1)
    mesh = mesh or parallel.data_mesh()
    key = prng_key(config.seed)
    # G in eval mode on rows split over the devices (generate is jitted once per G; the lambdas only route arguments)
    run = lambda player, z, labels: parallel.split_apply(lambda p, b: generate(g, p, *b), player, (z, labels), mesh)  # noqa: E731
    per_epoch = len(data.train) // config.batch_size
    if per_epoch == 0:
        raise JaxdlError(f"{len(data.train)} training images make no batch of {config.batch_size}; lower --batch-size")
    scorer = cached_classifier(data.train, data.train_labels, data.num_classes, config.scorer_epochs, config.seed,
                               progress=progress) \
        if data.num_classes and config.eval_samples else None
    real_features = classifier_outputs(scorer, data.held_out)[0] if scorer else None
    # The floor of the Fréchet distance: real training images against the held-out ones, same count as samples.
    floor = frechet_distance(classifier_outputs(scorer, data.train[:config.eval_samples])[0], real_features) \
        if scorer else None
    grid_z, grid_labels = fixed_inputs(g, jax.random.fold_in(key, 1))
    if parallel.primary():
        (out / "config.json").write_text(json.dumps({**asdict(config), "conditional": conditional}, indent=1))

    def batches(epoch: int) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
        order = training.epoch_order(config.seed, epoch, len(data.train))
        for i in range(per_epoch):
            batch = order[i * config.batch_size:(i + 1) * config.batch_size]
            yield data.train[batch], None if data.train_labels is None or not g.num_classes else data.train_labels[batch]

    def evaluate(state: GanState, epoch: int) -> dict:
        """Save the epoch's grid of fixed inputs; score eval samples when the data has labels."""
        grid = np.asarray(run(state.g, grid_z, grid_labels))
        if parallel.primary():
            figures.save_png(figures.image_grid(grid, GRID_COLUMNS), out / "samples" / f"epoch_{epoch:03d}.png")
        if not scorer:
            return {}
        samples, conditioning = sample(run, state, g, jax.random.fold_in(key, 0), config.eval_samples)
        return {**score_samples(scorer, samples, conditioning, real_features, data.num_classes), "frechet_real": floor}

    settings = training.Settings(config.epochs, per_epoch, key, key_offset=2, out=out, log_every=config.log_every,
                                 progress=progress, desc="GAN")
    state, history = training.fit(init_state(g, d, key, tx, tx), make_train_step(g, d, config.loss), batches,
                                  settings, evaluate=evaluate, mesh=mesh)
    z, labels = interpolation_inputs(g, jax.random.fold_in(key, 0xC0FFEE))
    interpolation = np.asarray(run(state.g, z, labels))  # every process computes (a collective), process 0 writes
    if parallel.primary():
        _write_figures(out, history)
        figures.save_png(figures.image_grid(interpolation, GRID_COLUMNS), out / "interpolation.png")
    return state, history
