"""The DANN practical's own figures: source and target features of each method, side by side (PCA; t-SNE coloured by
domain and by class)."""

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE


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


def plot_tsne(features: dict[str, tuple[np.ndarray, np.ndarray]], labels: tuple[np.ndarray, np.ndarray], path: Path,
              seed: int = 0) -> None:
    """t-SNE of source and target test features per method (columns): top row coloured by domain, bottom by class
    (source dots, target crosses); `labels`: the classes of the source and target rows."""
    fig = Figure(figsize=(4 * len(features), 8))
    axes = fig.subplots(2, len(features), squeeze=False)
    classes = np.concatenate(labels)
    for column, (method, (fs, ft)) in enumerate(features.items()):
        points = TSNE(2, perplexity=min(30.0, (len(fs) + len(ft) - 1) / 3), random_state=seed).fit_transform(
            np.concatenate([fs, ft]))
        source, target = points[:len(fs)], points[len(fs):]
        axes[0, column].scatter(*source.T, s=3, c="tab:blue", label="source")
        axes[0, column].scatter(*target.T, s=3, c="tab:red", label="target")
        axes[0, column].set_title(f"{method}: by domain")
        axes[0, column].legend()
        for part, marker, rows in ((source, "o", slice(0, len(fs))), (target, "x", slice(len(fs), None))):
            axes[1, column].scatter(*part.T, s=4, c=classes[rows], cmap="tab10", vmin=0, vmax=9, marker=marker)
        axes[1, column].set_title(f"{method}: by class (o source, x target)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
