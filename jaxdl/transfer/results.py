"""The course's result figures and tables: accuracy vs C per layer, and for the best configuration per-class
accuracy and the confusion matrix."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from sklearn.metrics import confusion_matrix


def per_class(labels: np.ndarray, predicted: np.ndarray, classes: Sequence[str]) -> list[dict]:
    """Rows {class, images, correct, accuracy}, one per class, in class order."""
    matrix = confusion_matrix(labels, predicted, labels=range(len(classes)))
    return [
        {"class": name, "images": int(row.sum()), "correct": int(row[i]), "accuracy": round(float(row[i] / max(row.sum(), 1)), 4)}
        for i, (name, row) in enumerate(zip(classes, matrix))
    ]


def confusion_figure(labels: np.ndarray, predicted: np.ndarray, classes: Sequence[str], path: Path, title: str) -> Path:
    """The row-normalised confusion matrix (true class down, predicted across; diagonal = per-class accuracy) as a PNG."""
    matrix = confusion_matrix(labels, predicted, labels=range(len(classes)), normalize="true")
    fig = Figure(figsize=(7.5, 6.5))
    ax = fig.subplots()
    image = ax.imshow(matrix, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(classes)), classes, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(classes)), classes, fontsize=8)
    for (i, j), value in np.ndenumerate(matrix):
        if value >= 0.01:
            ax.text(j, i, f"{round(100 * value)}", ha="center", va="center", fontsize=6, color="white" if value > 0.5 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.046)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    return path


def accuracy_vs_c(rows: Sequence[dict], path: Path, title: str) -> Path:
    """One panel per layer: test (solid) and train (dotted) accuracy against C (log axis), one colour per
    normalisation; `rows` are layer_sweep's {layer, l2, C, train_acc, test_acc}."""
    layers = list(dict.fromkeys(row["layer"] for row in rows))
    fig = Figure(figsize=(3.2 * len(layers), 3.2))
    axes = np.atleast_1d(fig.subplots(1, len(layers), sharey=True))
    for ax, layer in zip(axes, layers):
        for l2, colour in ((True, "tab:blue"), (False, "tab:orange")):
            points = sorted((r["C"], r["test_acc"], r["train_acc"]) for r in rows if r["layer"] == layer and r["l2"] == l2)
            if points:
                c, test, train = np.array(points).T
                ax.plot(c, test, "o-", color=colour, label=f"test, {'L2' if l2 else 'raw'}")
                ax.plot(c, train, ":", color=colour, label=f"train, {'L2' if l2 else 'raw'}")
        ax.set_xscale("log")
        ax.set_xlabel("C")
        ax.set_title(layer)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("accuracy")
    axes[-1].legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    return path
