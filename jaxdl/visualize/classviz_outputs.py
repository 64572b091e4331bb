"""What a class visualization is reported as: a scores table, a figure of the final images, an animated GIF; and
`write_classviz`, the run of it that `jaxdl visualize classviz` and `jaxdl run` share."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from PIL import Image

from jaxdl.errors import JaxdlError
from jaxdl.figures import image_grid, palette_png, panels, save_gif
from jaxdl.keys import prng_key
from jaxdl.report import write_table
from jaxdl.visualize.ascent import Visualization, display
from jaxdl.visualize.classviz import CourseSettings, visualize_classes
from jaxdl.visualize.fourier import FourierSettings, fourier_visualize
from jaxdl.visualize.inputs import Inputs, check_class
from jaxdl.visualize.subject import Subject


@dataclass(frozen=True)
class ClassvizSettings:
    """The classes (None: the course's), the start and parametrisation, the ascent's settings, GIF frames and size."""

    target: tuple[int, ...] | None = None
    init: str = "noise"
    param: str = "course"
    iters: int = 200
    lr: float | None = None
    l2_reg: float = 1e-3
    blur_every: int = 10
    sigma: float = 0.5
    max_jitter: int | None = None
    frame_every: int = 10
    gif_size: int | None = None


CLASSVIZ_HELP = {
    "target": "class indices (default: the course's ImageNet 76 78 187 683 366 604 113; digits 0..9)",
    "init": "N(0, 1) noise in normalised space, or the first input",
    "param": "the course's pixel ascent, or the Fourier/colour-decorrelated parametrisation with Adam",
    "iters": "iterations",
    "lr": "step size (default: 5 for course, 0.05 for fourier)",
    "l2_reg": "course: weight of -||x||_2 in the objective",
    "blur_every": "course: blur when t %% N == 0 (0: never)",
    "sigma": "course: Gaussian blur sigma",
    "max_jitter": "roll (course) or shift (fourier, +-N) by up to N pixels (default 16 / 8 at 224 px, scaled to the size)",
    "frame_every": "a GIF frame every N iterations (must divide --iters)",
    "gif_size": "pixels per image in the GIF (default: the images' own size; 64 keeps 7 ImageNet classes under 1 MB)",
}


def scores(subject: Subject, result: Visualization) -> list[dict]:
    """One row per target: its name, the final image's logit and softmax probability, the zero-gradient steps."""
    logits = subject.logits(subject.variables, jnp.asarray(result.images))
    probs = jax.nn.softmax(logits)
    rows = jnp.arange(len(result.targets))
    return [{"class": int(c), "name": subject.class_names[c], "logit": float(logit), "probability": float(p),
             "zero-gradient steps": int(z)}
            for c, logit, p, z in zip(result.targets, logits[rows, result.targets], probs[rows, result.targets],
                                      result.zero_steps)]


def pictures(subject: Subject, normalized: np.ndarray) -> np.ndarray:
    """Normalised images -> pixels rescaled to [0, 1] each, as the course shows them."""
    return display(np.asarray(subject.to_pixels(jnp.asarray(normalized))))


def save_figure(subject: Subject, rows: Sequence[tuple[str, Visualization]], path: Path, size: float = 2.2) -> Path:
    """The final images, one row per (label, result), each titled with its class name and probability (palette PNG)."""
    table = [scores(subject, result) for _, result in rows]
    titles = [[f"{label}\n{r['name'][:18]} p={r['probability']:.2f}" for r in t] for (label, _), t in zip(rows, table)]
    return palette_png(panels([list(pictures(subject, result.images)) for _, result in rows], titles, path, size=size))


def save_animation(subject: Subject, result: Visualization, path: Path, size: int | None = None,
                   ms_per_frame: int = 150, every: int = 1) -> Path:
    """An animated GIF of every `every`-th frame, the targets side by side, each image resized to `size` pixels if given."""
    frames = []
    for frame in result.frames[::every]:
        grid = image_grid(pictures(subject, frame) * 2 - 1, columns=len(frame))
        if size:
            scale = size / frame.shape[1]
            grid = np.asarray(Image.fromarray(grid).resize((round(grid.shape[1] * scale), round(grid.shape[0] * scale)),
                                                           Image.BILINEAR))
        frames.append(grid)
    return save_gif(frames, path, ms_per_frame)


def visualize(subject: Subject, targets: Sequence[int], settings: ClassvizSettings, shape: tuple[int, int, int],
              seed: int, init: Inputs | None = None, progress: bool = True) -> Visualization:
    """Each target at once from noise (or from the first image of `init`), by the course's method or the Fourier one."""
    targets = [check_class(t, len(subject.class_names)) for t in targets]
    key, start = prng_key(seed), None
    if settings.init == "image":
        start, shape = subject.to_normalized(jnp.asarray(init.pixels[:1])), init.pixels.shape[1:]
    if settings.param == "fourier":
        if start is not None:
            raise JaxdlError("--param fourier starts from noise only (use --init noise)")
        jitter = settings.max_jitter if settings.max_jitter is not None else round(FourierSettings.jitter * shape[0] / 224)
        fourier = replace(FourierSettings(iterations=settings.iters, jitter=jitter),
                          **({"lr": settings.lr} if settings.lr is not None else {}))
        return fourier_visualize(subject, targets, key, fourier, shape, settings.frame_every, progress)
    jitter = settings.max_jitter if settings.max_jitter is not None else round(16 * shape[0] / 224)
    course = CourseSettings(settings.iters, 5.0 if settings.lr is None else settings.lr, settings.l2_reg, settings.blur_every,
                            settings.sigma, jitter)
    return visualize_classes(subject, targets, key, start, course, shape, frame_every=settings.frame_every, progress=progress)


def write_classviz(subject: Subject, targets: Sequence[int], settings: ClassvizSettings, shape: tuple[int, int, int],
                   seed: int, out: Path, init: Inputs | None = None, progress: bool = True) -> list[dict]:
    """OUT/classviz.png, classviz.gif and the scores table classviz.{md,csv}; returns the table's rows."""
    result = visualize(subject, targets, settings, shape, seed, init, progress)
    rows = scores(subject, result)
    write_table(rows, out / "classviz")
    save_figure(subject, [(settings.param, result)], out / "classviz.png")
    save_animation(subject, result, out / "classviz.gif", size=settings.gif_size)
    return rows
