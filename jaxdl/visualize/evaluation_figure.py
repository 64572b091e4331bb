"""The evaluation's figures: mean deletion and insertion curves per method, and the sanity check's maps and correlations."""

from collections.abc import Mapping
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from jaxdl.figures import panels
from jaxdl.visualize.attribution_figure import heat


def curves_figure(fractions: np.ndarray, curves: Mapping[str, tuple[np.ndarray, np.ndarray]], title: str, path: Path) -> Path:
    """Two panels, deletion and insertion: each method's curve averaged over the images (N,T), its mean area in the legend."""
    fig = Figure(figsize=(10, 4))
    for ax, index, name in zip(fig.subplots(1, 2), (0, 1), ("deletion (lower is better)", "insertion (higher is better)")):
        for method, pair in curves.items():
            mean = pair[index].mean(axis=0)
            ax.plot(fractions, mean, label=f"{method} ({np.trapezoid(mean, fractions):.3f})",
                    linestyle="--" if method == "random" else "-")
        ax.set_xlabel("fraction of pixels changed (map's order)")
        ax.set_ylabel("probability of the class")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


def sanity_maps_figure(pixels: np.ndarray, maps: Mapping[str, list[np.ndarray]], columns: list[str], path: Path) -> Path:
    """Adebayo et al.'s figure for one image: a row per method, a column per randomisation depth (|map|, each scaled
    to its own maximum), the image first."""
    rows = [[pixels, *(heat(np.abs(m)[None])[0] for m in per_depth)] for per_depth in maps.values()]
    titles = [[method, *columns] for method in maps]
    return panels(rows, titles, path, cmaps=[None] + ["hot"] * len(columns), size=1.5)


def correlation_figure(rows: list[dict], methods: list[str], title: str, path: Path) -> Path:
    """Spearman correlation with the trained network's map against the layers randomised (from the top), per method."""
    fig = Figure(figsize=(8, 4))
    ax = fig.subplots()
    labels = [row["randomised"] for row in rows]
    for method in methods:
        ax.plot(range(len(rows)), [row[method] for row in rows], marker="o", label=method)
    ax.set_xticks(range(len(rows)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_xlabel("randomised down to (cascading, from the top)")
    ax.set_ylabel("Spearman rank correlation")
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path
