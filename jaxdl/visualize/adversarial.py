"""What an attack did: per-image rows (predictions, success, size of the change) and the course's figure.

Sizes of the change are given in pixel space [0, 1] and in the network's normalised space, L-inf and
L2 over the whole image, so that the course's fooling (normalised space) and FGSM/PGD (pixel space)
can be compared.
"""

from collections.abc import Callable, Sequence
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from jaxdl.figures import panels
from jaxdl.visualize.fooling import LogitsFn
from jaxdl.visualize.subject import Subject


def make_predict(logits: LogitsFn) -> Callable[[dict, jax.Array], jax.Array]:
    """jit(variables, images) -> the predicted class of each image."""
    return jax.jit(lambda variables, images: jnp.argmax(logits(variables, images), axis=1))


def change_norms(subject: Subject, original: np.ndarray, adversarial: np.ndarray) -> dict[str, np.ndarray]:
    """Per-image L-inf and L2 of adversarial - original (pixel-space images), in pixel and normalised space."""
    delta = np.asarray(adversarial, np.float64) - np.asarray(original, np.float64)
    normalized = delta / np.asarray(subject.std, np.float64)
    flat, flat_n = delta.reshape(len(delta), -1), normalized.reshape(len(delta), -1)
    return {"Linf": np.abs(flat).max(1), "L2": np.linalg.norm(flat, axis=1),
            "Linf normalised": np.abs(flat_n).max(1), "L2 normalised": np.linalg.norm(flat_n, axis=1)}


def attack_rows(subject: Subject, names: Sequence[str], original: np.ndarray, adversarial: np.ndarray,
                before: np.ndarray, after: np.ndarray, targets: np.ndarray | None,
                labels: np.ndarray | None = None, steps: np.ndarray | None = None) -> list[dict]:
    """One row per image: true class, prediction before/after, target, success, steps, sizes of the change.

    Success: the prediction is the target (targeted, `targets` given) or differs from the one before."""
    success = after == targets if targets is not None else after != before
    norms = change_norms(subject, original, adversarial)
    rows = []
    for i, name in enumerate(names):
        row = {"image": name}
        if labels is not None:
            row["true"] = f"{labels[i]} {subject.class_names[labels[i]]}"
        row |= {"before": f"{before[i]} {subject.class_names[before[i]]}",
                "after": f"{after[i]} {subject.class_names[after[i]]}"}
        if targets is not None:
            row["target"] = int(targets[i])
        row["success"] = bool(success[i])
        if steps is not None:
            row["steps"] = int(steps[i])
        rows.append(row | {k: float(v[i]) for k, v in norms.items()})
    return rows


def aggregate(rows: Sequence[dict], attack: str) -> dict:
    """Success rate, min / mean / max of the steps and mean / max of the sizes over `rows` (from attack_rows)."""
    summary = {"attack": attack, "images": len(rows), "success rate": float(np.mean([r["success"] for r in rows]))}
    for key in ("steps", "Linf", "L2", "Linf normalised", "L2 normalised"):
        if rows and key in rows[0]:
            values = [r[key] for r in rows]
            summary |= ({"min steps": int(np.min(values))} if key == "steps" else {})
            summary |= {f"mean {key}": float(np.mean(values)), f"max {key}": float(np.max(values))}
    return summary


def attack_figure(subject: Subject, original: np.ndarray, adversarial: np.ndarray, before: np.ndarray,
                  after: np.ndarray, path: Path, magnify: float = 10.0, suptitle: str | None = None) -> Path:
    """The course's figure, one row per image: original, adversarial, difference x`magnify` (around grey), both predictions."""
    names = subject.class_names
    rows, titles = [], []
    for x, adv, b, a in zip(np.asarray(original), np.asarray(adversarial), before, after):
        rows.append([x, np.clip(adv, 0, 1), np.clip(0.5 + magnify * (adv - x), 0, 1)])
        titles.append([f"original: {names[b]}", f"adversarial: {names[a]}", f"difference x{magnify:g}"])
    return panels(rows, titles, path, size=2.4, suptitle=suptitle)
