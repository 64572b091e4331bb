"""The DANN practical's own figure: source and target features of each method, side by side (PCA)."""

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from sklearn.decomposition import PCA


def plot_embedding(features: dict[str, tuple[np.ndarray, np.ndarray]], path: Path) -> None:
    """PCA of source (blue) vs target (red) features, one panel per method (source-only = before adaptation)."""
    fig = Figure(figsize=(4 * len(features), 4))
    axes = fig.subplots(1, len(features), squeeze=False)
    for ax, (method, (fs, ft)) in zip(axes[0], features.items()):
        points = PCA(2).fit_transform(np.concatenate([fs, ft]))
        ax.scatter(*points[:len(fs)].T, s=3, c="tab:blue", label="source")
        ax.scatter(*points[len(fs):].T, s=3, c="tab:red", label="target")
        ax.set_title(method)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
