"""The GAN training loop: epochs of jitted steps, per-epoch samples, quality, checkpoints, figures.

Everything a run writes goes under `config.out`: samples/epoch_NNN.png (fixed z; for a cDCGAN one
row per class, one column per z), samples.gif, losses.png, quality.{md,csv,png}, interpolation.png,
history.json and checkpoints/. A rerun with the same `out` resumes from the last checkpoint and
continues bit-identically (batch order and keys derive from the seed, epoch and step).
"""

import json
import math
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from tqdm.auto import tqdm

from jaxdl import checkpoint, figures
from jaxdl.classifier import cached_classifier
from jaxdl.errors import JaxdlError
from jaxdl.gan.data import GanData, default_image_size, load
from jaxdl.gan.quality import classifier_outputs, frechet_distance, score_samples
from jaxdl.gan.steps import GanState, dcgan_adam, generate, init_state, make_train_step, sample_inputs
from jaxdl.keys import prng_key
from jaxdl.models.dcgan import Discriminator, Generator
from jaxdl.report import write_table

GRID_COLUMNS = 10


class TrainingDiverged(JaxdlError):
    """A loss became NaN or infinite: training stops and the last good checkpoint stays."""


@dataclass(frozen=True)
class GanConfig:
    """One GAN run; the defaults are the course's 32x32 DCGAN (nz 100, widths 32, Adam 2e-4 / 0.5, batch 128)."""

    data: str = "digits"
    root: str | None = None
    conditional: bool = False
    loss: str = "nonsaturating"
    image_size: int | None = None  # None: 32 for digits/IDX sets, 64 for image folders (CelebA)
    nz: int = 100
    ngf: int = 32
    ndf: int = 32
    epochs: int = 5
    batch_size: int = 128
    lr: float = 2e-4
    beta1: float = 0.5
    seed: int = 0
    eval_samples: int = 1000
    scorer_epochs: int = 5
    out: str = "runs/gan"


def networks(config: GanConfig, channels: int, num_classes: int) -> tuple[Generator, Discriminator]:
    """G and D of the configured size, widths and (if conditional) number of classes."""
    classes = num_classes if config.conditional else 0
    if config.conditional and not num_classes:
        raise JaxdlError(f"--conditional needs labelled data; {config.data!r} has no labels")
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


def sample(run, state: GanState, g: Generator, key: jax.Array, n: int, batch: int = 500) -> tuple[np.ndarray, np.ndarray | None]:
    """n eval-mode samples (and their conditioning labels) from the jitted generator `run`, in batches."""
    z, labels = sample_inputs(g, key, n)
    images = [np.asarray(run(state.g, z[i:i + batch], None if labels is None else labels[i:i + batch]))
              for i in range(0, n, batch)]
    return np.concatenate(images), None if labels is None else np.asarray(labels)


def _history(path: Path, step: int) -> dict:
    """The saved per-step and per-epoch records up to `step` (a resumed run drops what came after its checkpoint)."""
    if not path.is_file() or step == 0:
        return {"steps": [], "epochs": []}
    saved = json.loads(path.read_text())
    return {"steps": [r for r in saved["steps"] if r["step"] <= step],
            "epochs": [r for r in saved["epochs"] if r["step"] <= step]}


def _check_finite(metrics: dict[str, float], step: int, out: Path) -> None:
    """Stop with TrainingDiverged when a loss is NaN/inf, pointing at the last good checkpoint."""
    bad = {k: v for k, v in metrics.items() if not math.isfinite(v)}
    if bad:
        raise TrainingDiverged(f"non-finite {', '.join(f'{k}={v}' for k, v in bad.items())} at step {step}; "
                               f"training stopped, the last good checkpoint is kept in {out / 'checkpoints'}")


def _write_figures(out: Path, history: dict, frames: list[Path]) -> None:
    """Loss curves, quality table and curves, and the animation of the per-epoch grids."""
    figures.plot_curves(history["steps"], "step", ["d_loss", "g_loss"], out / "losses.png", "GAN losses",
                        smooth=min(20, len(history["steps"])))
    if history["epochs"]:
        write_table(history["epochs"], out / "quality")
        scores = [k for k in ("frechet", "cond_acc") if k in history["epochs"][0]]
        for key in scores:
            figures.plot_curves(history["epochs"], "epoch", [key], out / f"quality_{key}.png", key)
    figures.save_gif(frames, out / "samples.gif")


def fit(config: GanConfig, data: GanData | None = None) -> dict:
    """Train (or resume) the configured GAN; returns the history {"steps": [...], "epochs": [...]}."""
    if config.image_size is None:
        config = replace(config, image_size=default_image_size(config.data))
    data = data or load(config.data, config.image_size, config.root, seed=config.seed)
    out = Path(config.out)
    (out / "samples").mkdir(parents=True, exist_ok=True)
    g, d = networks(config, data.train.shape[-1], data.num_classes)
    g_tx = d_tx = dcgan_adam(config.lr, config.beta1)
    key = prng_key(config.seed)
    mngr = checkpoint.manager(out / "checkpoints")
    state, _ = checkpoint.restore_latest(mngr, init_state(g, d, key, g_tx, d_tx))
    step = int(state.step)
    history = _history(out / "history.json", step)
    train_step, run = make_train_step(g, d, g_tx, d_tx, config.loss), partial(generate, g)
    per_epoch = len(data.train) // config.batch_size
    if per_epoch == 0:
        raise JaxdlError(f"{len(data.train)} training images make no batch of {config.batch_size}; lower --batch-size")
    scorer = cached_classifier(data.train, data.train_labels, data.num_classes, config.scorer_epochs, config.seed) \
        if data.num_classes else None
    real_features = classifier_outputs(scorer, data.held_out)[0] if scorer else None
    # The floor of the Fréchet distance: real training images against the held-out ones, same count as samples.
    floor = frechet_distance(classifier_outputs(scorer, data.train[:config.eval_samples])[0], real_features) \
        if scorer else None
    grid_z, grid_labels = fixed_inputs(g, jax.random.fold_in(key, 1))
    (out / "config.json").write_text(json.dumps(asdict(config), indent=1))
    for epoch in range(step // per_epoch, config.epochs):
        order = np.random.default_rng([config.seed, epoch]).permutation(len(data.train))
        bar = tqdm(range(per_epoch), desc=f"epoch {epoch + 1}/{config.epochs}", mininterval=1.0)
        for i in bar:
            batch = order[i * config.batch_size:(i + 1) * config.batch_size]
            labels = None if data.train_labels is None or not g.num_classes else data.train_labels[batch]
            state, metrics = train_step(state, data.train[batch], labels, jax.random.fold_in(key, 2 + step))
            step += 1
            metrics = {k: float(v) for k, v in metrics.items()}
            _check_finite(metrics, step, out)
            history["steps"].append({"step": step, **metrics})
            bar.set_postfix(D=f"{metrics['d_loss']:.3f}", G=f"{metrics['g_loss']:.3f}",
                            Dx=f"{metrics['d_real']:.2f}", DGz=f"{metrics['d_fake']:.2f}")
        grid = np.asarray(run(state.g, grid_z, grid_labels))
        figures.save_png(figures.image_grid(grid, GRID_COLUMNS), out / "samples" / f"epoch_{epoch + 1:03d}.png")
        row = {"epoch": epoch + 1, "step": step, "d_loss": metrics["d_loss"], "g_loss": metrics["g_loss"]}
        if scorer:
            samples, conditioning = sample(run, state, g, jax.random.fold_in(key, 0), config.eval_samples)
            row.update(score_samples(scorer, samples, conditioning, real_features, data.num_classes), frechet_real=floor)
        history["epochs"].append(row)
        checkpoint.save(mngr, step, state)
        (out / "history.json").write_text(json.dumps(history))
        _write_figures(out, history, sorted((out / "samples").glob("epoch_*.png")))
    z, labels = interpolation_inputs(g, jax.random.fold_in(key, 0xC0FFEE))
    figures.save_png(figures.image_grid(np.asarray(run(state.g, z, labels)), GRID_COLUMNS),
                     out / "interpolation.png")
    return history
