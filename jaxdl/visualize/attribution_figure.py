"""Attribution maps drawn next to their images: heat maps, heat maps laid over the image, signed gradients as colour."""

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib import colormaps

from jaxdl.figures import panels


def heat(maps: np.ndarray) -> np.ndarray:
    """Non-negative maps (N,H,W) scaled to [0, 1] per image by their maximum (all-zero maps stay 0)."""
    maps = np.asarray(maps, np.float32)
    return maps / np.maximum(maps.max(axis=(1, 2), keepdims=True), 1e-12)


def signed_colour(grads: np.ndarray) -> np.ndarray:
    """Signed gradients (N,H,W,C) as images in [0, 1]: 0.5 + 0.5 g / max |g| per image (grey = 0)."""
    grads = np.asarray(grads, np.float32)
    return 0.5 + 0.5 * grads / np.maximum(np.abs(grads).max(axis=(1, 2, 3), keepdims=True), 1e-12)


def picture(method: str, attributions: np.ndarray) -> np.ndarray:
    """What a figure shows of a method's attributions: guided gradients as colour (N,H,W,C), any other as heat maps in
    [0, 1] (N,H,W; per-channel attributions by their largest magnitude over the channels)."""
    if method == "guided":
        return signed_colour(attributions)
    return heat(np.abs(attributions).max(axis=-1) if attributions.ndim == 4 else attributions)


def overlay(pixels: np.ndarray, maps: np.ndarray, alpha: float = 0.5, cmap: str = "jet") -> np.ndarray:
    """Heat maps (N,H,W) coloured with `cmap` and blended over pixel-space images (N,H,W,3 or 1): N,H,W,3 in [0, 1]."""
    coloured = colormaps[cmap](heat(maps))[..., :3]
    images = np.broadcast_to(np.clip(pixels, 0, 1), (*pixels.shape[:3], 3))
    return (1 - alpha) * images + alpha * coloured


def attribution_figure(pixels: np.ndarray, columns: Mapping[str, np.ndarray], titles: Sequence[str], path: Path,
                       size: float = 1.8) -> Path:
    """One row per image: the image (titled), then each column's picture of it (N,H,W heat: 'hot'; N,H,W,3: as is)."""
    rows = [[pixels[i], *(pictures[i] for pictures in columns.values())] for i in range(len(pixels))]
    names = [[title, *columns] for title in titles]
    cmaps = [None, *("hot" if np.ndim(pictures) == 3 else None for pictures in columns.values())]
    return panels(rows, names, path, cmaps=cmaps, size=size)
