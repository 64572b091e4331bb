"""Bag-of-words histograms with Lazebnik et al.'s (2006) spatial pyramid, and their normalisations.

Each descriptor's patch centre falls in one cell of the finest grid (2^L x 2^L, L = FINEST);
per image we count words per finest cell once, and any pyramid of levels 0..L sums those
counts into coarser grids: level 0 is the plain bag of words. Lazebnik's level weights are
1/2^L for level 0 and 1/2^(L-l+1) for level l >= 1, so that the histogram intersection of the
concatenation is the pyramid match kernel.
"""

import numpy as np
from sklearn.preprocessing import normalize

from jaxdl.errors import JaxdlError
from jaxdl.transfer.sift import grid_shape

FINEST = 2  # levels 0, 1, 2: 1, 4 and 16 cells (Lazebnik's best)
NORMS = ("l1", "l2", "hellinger")


def check_levels(levels: int) -> None:
    """Raise a JaxdlError unless 0 <= levels <= FINEST."""
    if not 0 <= levels <= FINEST:
        raise JaxdlError(f"pyramid levels must be between 0 and {FINEST}, got {levels}")


def check_norm(norm: str) -> None:
    """Raise a JaxdlError unless `norm` is one of NORMS."""
    if norm not in NORMS:
        raise JaxdlError(f"unknown normalisation {norm!r}; choose one of: {', '.join(NORMS)}")


def cells(height: int, width: int, step: int, patch: int) -> np.ndarray:
    """For each patch of the dense grid (row-major), the finest-level cell holding its centre."""
    side = 2**FINEST
    rows, cols = grid_shape(height, width, step, patch)
    y = (np.arange(rows) * step + patch / 2) * side // height
    x = (np.arange(cols) * step + patch / 2) * side // width
    return (y[:, None] * side + x[None, :]).astype(np.int64).ravel()


def cell_counts(words: np.ndarray, weights: np.ndarray, sizes: np.ndarray, step: int, patch: int, vocab: int) -> np.ndarray:
    """(images, 2^L, 2^L, vocab) float32 word counts per finest cell; `words`/`weights` (N, knn) follow the
    images in order, each image's patches row-major over its dense grid (`sizes` (images, 2) holds H, W)."""
    side = 2**FINEST
    out = np.zeros((len(sizes), side * side * vocab), np.float32)
    start = 0
    for image, (height, width) in enumerate(sizes):
        where = cells(height, width, step, patch)
        stop = start + len(where)
        bins = where[:, None] * vocab + words[start:stop]
        out[image] = np.bincount(bins.ravel(), weights[start:stop].ravel(), minlength=len(out[image]))
        start = stop
    if start != len(words):
        raise JaxdlError(f"{len(words)} assigned descriptors but the image sizes account for {start} (stale cache?)")
    return out.reshape(len(sizes), side, side, vocab)


def level_weights(levels: int) -> list[float]:
    """Lazebnik's weights of pyramid levels 0..levels: 1/2^L for level 0, 1/2^(L-l+1) for level l."""
    return [1 / 2**levels if level == 0 else 1 / 2 ** (levels - level + 1) for level in range(levels + 1)]


def pyramid(counts: np.ndarray, levels: int) -> np.ndarray:
    """(images, vocab * (1 + 4 + ... + 4^levels)) weighted concatenation of the level histograms
    (coarsest first); levels = 0 is the plain bag of words."""
    check_levels(levels)
    images, side, _, vocab = counts.shape
    parts = []
    for level, weight in enumerate(level_weights(levels)):
        block = side // 2**level
        pooled = counts.reshape(images, 2**level, block, 2**level, block, vocab).sum(axis=(2, 4))
        parts.append(weight * pooled.reshape(images, -1))
    return np.concatenate(parts, axis=1)


def normalized(histograms: np.ndarray, norm: str) -> np.ndarray:
    """Rows scaled to unit L1 or L2 norm, or Hellinger: the square root of the L1-normalised row."""
    check_norm(norm)
    if norm == "l2":
        return normalize(histograms, norm="l2")
    unit = normalize(histograms, norm="l1")
    return np.sqrt(unit) if norm == "hellinger" else unit
