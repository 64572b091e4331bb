"""Predictions of the network under study: top-k classes with their softmax probabilities and names, table and figure."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from jaxdl.features import extract
from jaxdl.figures import palette_png, panels
from jaxdl.report import write_table
from jaxdl.visualize.inputs import Inputs
from jaxdl.visualize.subject import Subject


@dataclass(frozen=True)
class PredictSettings:
    """Classes per image, images in the table and figure, images per forward pass."""

    top: int = 5
    show: int = 10
    batch_size: int = 32


PREDICT_HELP = {"top": "classes per image", "show": "images drawn in the figure", "batch_size": "images per forward pass"}


def top_k(logits: np.ndarray, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities N,k, classes N,k), best first: softmax of the logits, then its k largest."""
    probs, classes = jax.lax.top_k(jax.nn.softmax(jnp.asarray(logits), axis=-1), k)
    return np.asarray(probs), np.asarray(classes)


def prediction_rows(names: Sequence[str], probs: np.ndarray, classes: np.ndarray, class_names: Sequence[str],
                    labels: np.ndarray | None = None) -> list[dict]:
    """One table row per image: its true class (if known) and the top-k "name (p %)"."""
    rows = []
    for i, name in enumerate(names):
        row = {"image": name} | ({"true": class_names[labels[i]]} if labels is not None else {})
        rows.append(row | {f"top{j + 1}": f"{class_names[c]} ({100 * p:.1f} %)" for j, (p, c) in
                           enumerate(zip(probs[i], classes[i]))})
    return rows


def prediction_figure(pixels: np.ndarray, probs: np.ndarray, classes: np.ndarray, class_names: Sequence[str],
                      path: Path, columns: int = 5, width: int = 22) -> Path:
    """The images, `columns` per row, each titled with its top-k classes (names cut to `width` characters)."""
    titles = ["\n".join(f"{100 * p:4.1f}% {class_names[c][:width]}" for p, c in zip(*pc)) for pc in zip(probs, classes)]
    rows = [list(pixels[i:i + columns]) for i in range(0, len(pixels), columns)]
    return panels(rows, [titles[i:i + columns] for i in range(0, len(titles), columns)], path, size=2.4)


def write_predictions(subject: Subject, inputs: Inputs, settings: PredictSettings, out: Path,
                      progress: bool = True) -> tuple[list[dict], str | None]:
    """OUT/predict.{md,csv,png} (palette PNG); returns the rows and, with true labels, the top-1 / top-k accuracy line."""
    logits = extract(subject.model, subject.variables, subject.to_normalized(inputs.pixels), None, settings.batch_size, progress)
    probs, classes = top_k(logits, min(settings.top, logits.shape[1]))
    rows = prediction_rows(inputs.names, probs, classes, subject.class_names, inputs.labels)
    write_table(rows, out / "predict")
    palette_png(prediction_figure(inputs.pixels[:settings.show], probs, classes, subject.class_names, out / "predict.png"))
    if inputs.labels is None:
        return rows, None
    hits = classes == inputs.labels[:, None]
    return rows, (f"top-1 {100 * hits[:, 0].mean():.1f} %, top-{classes.shape[1]} {100 * hits.any(axis=1).mean():.1f} % "
                  f"of {len(hits)} images")
