"""Robustness curves as `jaxdl visualize robustness` and `jaxdl run` write them: robust accuracy against eps for each
attack, in fixed-size batches; the table (one row per eps, one column per attack) and the figure.

eps is the L-inf radius in pixel units [0, 1]; the L2 attacks use the radius `l2_scale` * eps (default sqrt(pixels) / 4,
a quarter of the L2 norm of the L-inf ball's corner: 8 on the 32x32 digits, 97 at 224x224x3).
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import jax
import numpy as np
from matplotlib.figure import Figure
from tqdm.auto import tqdm

from jaxdl.errors import JaxdlError
from jaxdl.features import padded_batches
from jaxdl.keys import prng_key
from jaxdl.options import cli
from jaxdl.report import write_table
from jaxdl.visualize.inputs import Inputs
from jaxdl.visualize.robustness import ATTACKS, NORM_OF, make_robust
from jaxdl.visualize.subject import Subject

DIGITS_EPS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
IMAGENET_EPS = (0.0, 0.5 / 255, 1 / 255, 2 / 255, 4 / 255)


@dataclass(frozen=True)
class RobustnessSettings:
    """The attacks, the L-inf radii (empty: the network's default grid), steps, restarts, the L2 scale, images per call."""

    attacks: tuple[str, ...] = cli(ATTACKS, sep=",")
    eps: tuple[float, ...] = cli((), sep=",")
    steps: int = 10
    restarts: int = 1
    l2_scale: float = 0.0
    batch_size: int = 128


ROBUSTNESS_HELP = {
    "attacks": f"comma-separated, among {','.join(ATTACKS)} (apgd-*: APGD L-inf with that loss)",
    "eps": "comma-separated L-inf radii in pixel units [0, 1] (default: 0,0.05,0.1,0.15,0.2,0.3 on the digits; "
           "0,0.5,1,2,4 /255 on ImageNet images)",
    "steps": "iterations of PGD and APGD",
    "restarts": "random starts of PGD and APGD (an image is robust only if it survives all)",
    "l2_scale": "pgdl2's radius is L2_SCALE * eps (default 0: sqrt(pixels per image) / 4)",
    "batch_size": "images per attack call (memory grows with it)",
}


def with_default_eps(settings: RobustnessSettings, digits: bool) -> RobustnessSettings:
    """The settings with the network's default radii when none are given."""
    return settings if settings.eps else replace(settings, eps=DIGITS_EPS if digits else IMAGENET_EPS)


def radii(settings: RobustnessSettings, shape: Sequence[int]) -> tuple[tuple[float, ...], float]:
    """(the sorted L-inf radii, the L2 scale) for images of `shape` (H, W, C); a JaxdlError for bad settings."""
    eps = settings.eps
    if not eps:
        raise JaxdlError("no radius given: --eps takes comma-separated L-inf radii in pixel units, e.g. 0,0.05,0.1")
    if any(e < 0 for e in eps) or settings.l2_scale < 0:
        raise JaxdlError(f"radii must be >= 0, got eps {eps} and l2 scale {settings.l2_scale}")
    if settings.batch_size < 1:
        raise JaxdlError(f"batch size must be at least 1, got {settings.batch_size}")
    unknown = [a for a in settings.attacks if a not in NORM_OF]
    if unknown or not settings.attacks:
        raise JaxdlError(f"unknown attack(s) {', '.join(unknown) or '(none given)'}; choose among: {', '.join(ATTACKS)}")
    return tuple(sorted(eps)), settings.l2_scale or float(np.sqrt(np.prod(shape)) / 4)


def robust_accuracy(subject: Subject, inputs: Inputs, settings: RobustnessSettings, seed: int = 0,
                    progress: bool = True) -> list[dict]:
    """One row per eps: the radii and each attack's robust accuracy on `inputs` (their labels, else the predictions)."""
    eps_grid, scale = radii(settings, inputs.pixels.shape[1:])
    pixels, size = inputs.pixels, min(settings.batch_size, len(inputs.pixels))
    labels = inputs.labels if inputs.labels is not None else predictions(subject, pixels, size)
    rows = [{"eps": e, "eps x255": e * 255, "L2 radius": e * scale} for e in eps_grid]
    work = [(a, i) for a in settings.attacks for i in range(len(eps_grid))]
    robust_fns = {a: make_robust(subject.logits_of_pixels, a, settings.steps, settings.restarts) for a in settings.attacks}
    for attack, i in tqdm(work, desc="robustness", disable=not progress):
        radius = rows[i]["L2 radius"] if NORM_OF[attack] == "l2" else rows[i]["eps"]
        if radius == 0:  # no change allowed: the clean accuracy
            rows[i][attack] = float(np.mean(predictions(subject, pixels, size) == labels))
            continue
        count = 0
        for b, batch in padded_batches(pixels, size):
            wanted = np.resize(labels[b], size)
            key = jax.random.fold_in(jax.random.fold_in(prng_key(seed), i), b.start)  # the same draws in any attack order
            count += int(np.asarray(robust_fns[attack](subject.variables, batch, wanted, radius, key))[: b.stop - b.start].sum())
        rows[i][attack] = count / len(pixels)
    return rows


def predictions(subject: Subject, pixels: np.ndarray, size: int) -> np.ndarray:
    """The network's classes of `pixels`, in batches of `size`."""
    return np.concatenate([np.asarray(subject.logits_of_pixels(subject.variables, x)).argmax(1)[: b.stop - b.start]
                           for b, x in padded_batches(pixels, size)])


def curves_figure(tables: dict[str, Sequence[dict]], path: Path) -> Path:
    """Robust accuracy against eps, one panel per network (title -> rows of robust_accuracy); L2 radii on the top axis."""
    fig = Figure(figsize=(5.5 * len(tables), 4.2))
    for ax, (title, rows) in zip(np.atleast_1d(fig.subplots(1, len(tables))), tables.items()):
        eps = np.array([r["eps"] for r in rows], float)
        for attack in [k for k in rows[0] if k in NORM_OF]:
            ax.plot(eps, [100 * float(r[attack]) for r in rows], "o-" if NORM_OF[attack] == "linf" else "s--", label=attack,
                    color=f"C{ATTACKS.index(attack)}")
        scale = float(rows[-1]["L2 radius"]) / eps[-1] if eps[-1] > 0 else 1.0
        top = ax.secondary_xaxis("top", functions=(lambda x, s=scale: x * s, lambda x, s=scale: x / s))
        top.set_xlabel("L2 radius (pgdl2)")
        ax.set_xlabel("eps, L-inf radius in pixel units [0, 1]")
        ax.set_ylabel("robust accuracy (%)")
        ax.set_title(title)
        ax.set_ylim(-2, 102)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


def write_robustness(subject: Subject, inputs: Inputs, settings: RobustnessSettings, seed: int, out: Path,
                     progress: bool = True) -> tuple[list[dict], Path]:
    """OUT/robustness.{md,csv} (the table) and OUT/robustness.png (the curves); returns the rows and the figure."""
    rows = robust_accuracy(subject, inputs, settings, seed, progress)
    write_table(rows, out / "robustness")
    title = f"{subject.name}, {len(inputs.pixels)} images, {settings.steps} steps x {settings.restarts} restarts"
    return rows, curves_figure({title: rows}, out / "robustness.png")
