"""An attack on every image, as `jaxdl visualize adversarial` and `jaxdl run` write it: the course's fooling images
(normalised space) or FGSM / PGD / PGD-L2 / the one-pixel attack (pixel space [0, 1]), in fixed-size batches; the
per-image table, its summary, the figure and the arrays (.npz)."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jax
import numpy as np
from tqdm.auto import tqdm

from jaxdl.features import padded_batches
from jaxdl.figures import palette_png
from jaxdl.keys import prng_key
from jaxdl.report import write_table
from jaxdl.visualize.adversarial import aggregate, attack_figure, attack_rows, make_predict
from jaxdl.visualize.attacks import make_pgd
from jaxdl.visualize.fooling import make_fooling
from jaxdl.visualize.inputs import Inputs, check_class
from jaxdl.visualize.one_pixel import make_one_pixel
from jaxdl.visualize.subject import Subject

Attack = Callable[[np.ndarray, np.ndarray, bool, jax.Array], tuple[jax.Array, jax.Array | None]]
# attack -> (eps, step, iterations) defaults; fooling's step is the course's lr, one-pixel's iterations are DE generations
DEFAULTS = {"fooling": (None, 1.0, 100), "fgsm": (8 / 255, None, 1), "pgd": (8 / 255, 2 / 255, 10),
            "pgdl2": (1.0, 0.2, 10), "onepixel": (None, None, 30)}


@dataclass(frozen=True)
class AttackSettings:
    """The attack, its target (None: the course's for fooling, untargeted for the others), radius, step, iterations."""

    attack: str = "fooling"
    target: int | None = None
    eps: float | None = None
    step: float | None = None
    iters: int | None = None
    population: int = 100
    random_start: bool = False
    batch_size: int = 16
    figure_images: int = 4


ATTACK_HELP = {
    "attack": "fooling: the course's normalised-space method; fgsm/pgd/pgdl2/onepixel: pixel space [0, 1]",
    "target": "targeted attack towards class TARGET; fooling is always targeted (default: the course's 6 'stingray', 8 on "
              "the digits); without it the others are untargeted (away from the network's own prediction)",
    "eps": "radius of the allowed change in pixel units (default 8/255 for fgsm/pgd, 1.0 for pgdl2)",
    "step": "step size: fooling's lr (default 1), pgd 2/255, pgdl2 0.2",
    "iters": "fooling: max_iter (100); pgd/pgdl2: steps (10); onepixel: generations (30)",
    "population": "one-pixel: candidates per image",
    "random_start": "pgd/pgdl2: start at a random point of the eps ball",
    "batch_size": "images per call",
    "figure_images": "rows of the figure",
}


def attack_fn(subject: Subject, settings: AttackSettings) -> Attack:
    """(pixels, goals, targeted, key) -> (adversarial pixels, steps or None): one batch of the chosen attack."""
    given = (settings.eps, settings.step, settings.iters)
    eps, step, iters = (g if g is not None else d for g, d in zip(given, DEFAULTS[settings.attack]))
    variables = subject.variables
    if settings.attack == "fooling":
        fool = make_fooling(subject.logits)

        def run(pixels: np.ndarray, goals: np.ndarray, targeted: bool, key: jax.Array) -> tuple[jax.Array, jax.Array | None]:
            fooled, steps, _ = fool(variables, subject.to_normalized(pixels), goals, step, iters)
            return subject.to_pixels(fooled), steps
    elif settings.attack == "onepixel":
        one_pixel = make_one_pixel(subject.logits_of_pixels)

        def run(pixels: np.ndarray, goals: np.ndarray, targeted: bool, key: jax.Array) -> tuple[jax.Array, jax.Array | None]:
            return one_pixel(variables, pixels, goals, targeted, key, population=settings.population, generations=iters)[0], None
    else:
        pgd = make_pgd(subject.logits_of_pixels, "l2" if settings.attack == "pgdl2" else "linf", settings.random_start)
        step = eps if settings.attack == "fgsm" else step

        def run(pixels: np.ndarray, goals: np.ndarray, targeted: bool, key: jax.Array) -> tuple[jax.Array, jax.Array | None]:
            return pgd(variables, pixels, goals, targeted, eps, step, iters, key), None
    return run


def write_attack(subject: Subject, inputs: Inputs, settings: AttackSettings, course_target: int, seed: int, out: Path,
                 progress: bool = True) -> dict:
    """Attack every image in batches; OUT/adversarial_ATTACK.{md,csv,png (palette),npz} and _summary.{md,csv}; returns the
    summary.

    The .npz holds `adversarial` (pixels), `before` and `after` (predictions) and `steps` (fooling's, else empty)."""
    target = settings.target if settings.target is not None or settings.attack != "fooling" else course_target
    if target is not None:
        check_class(target, len(subject.class_names))
    predict, attack, key, size = make_predict(subject.logits_of_pixels), attack_fn(subject, settings), prng_key(seed), settings.batch_size

    def predictions(images: np.ndarray) -> np.ndarray:
        return np.concatenate([np.asarray(predict(subject.variables, x))[: b.stop - b.start] for b, x in padded_batches(images, size)])

    before = predictions(inputs.pixels)
    goals = np.full(len(before), target) if target is not None else before  # untargeted: away from the prediction
    adversarial, steps = [], []
    for b, pixels in tqdm(list(padded_batches(inputs.pixels, size)), desc=settings.attack, disable=not progress):
        adv, used = attack(pixels, np.resize(goals[b], size), target is not None, jax.random.fold_in(key, b.start))
        adversarial.append(np.asarray(adv)[: b.stop - b.start])
        steps.append(np.zeros(0, np.int32) if used is None else np.asarray(used)[: b.stop - b.start])
    adversarial, steps = np.concatenate(adversarial), np.concatenate(steps)
    after = predictions(adversarial)
    rows = attack_rows(subject, inputs.names, inputs.pixels, adversarial, before, after, None if target is None else goals,
                       inputs.labels, steps if len(steps) else None)
    stem = out / f"adversarial_{settings.attack}"
    np.savez(stem.with_suffix(".npz"), adversarial=adversarial, before=before, after=after, steps=steps)
    write_table(rows, stem)
    summary = aggregate(rows, settings.attack)
    write_table([summary], out / f"adversarial_{settings.attack}_summary")
    shown = slice(0, settings.figure_images)
    palette_png(attack_figure(subject, inputs.pixels[shown], adversarial[shown], before[shown], after[shown],
                              stem.with_suffix(".png"), suptitle=f"{settings.attack} on {subject.name}"))
    return summary
