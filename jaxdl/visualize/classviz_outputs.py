"""What a class visualization is reported as: a scores table, a figure of the final images, an animated GIF."""

from collections.abc import Sequence
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from PIL import Image

from jaxdl.figures import image_grid, panels, save_gif
from jaxdl.visualize.ascent import Visualization, display
from jaxdl.visualize.subject import Subject


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


def palette_png(path: Path) -> Path:
    """Rewrite a PNG with a 256-colour palette: class visualizations are noisy and compress poorly in RGB."""
    with Image.open(path) as image:
        picture = image.convert("RGB")
    picture.quantize(256).save(path, optimize=True)
    return path


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
