"""Predictions of the network under study: top-k classes with their softmax probabilities and names, table and figure."""

from collections.abc import Sequence
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from jaxdl.figures import panels


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
