"""Figures every practical writes: image grids, panels of images with titles, GIFs, curves.

Drawn with matplotlib's object-oriented `Figure` (Agg canvas): no pyplot, no global backend switch,
nothing happens at import time.
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from PIL import Image


def image_grid(images: np.ndarray, columns: int, pad: int = 2) -> np.ndarray:
    """Images in [-1, 1] (N, H, W, C) tiled row by row into one uint8 image with `pad` black pixels between tiles."""
    n, h, w, c = images.shape
    rows = -(-n // columns)
    grid = np.zeros((rows * (h + pad) + pad, columns * (w + pad) + pad, c), np.uint8)
    tiles = np.clip((np.asarray(images) + 1) * 127.5, 0, 255).round().astype(np.uint8)
    for i, tile in enumerate(tiles):
        r, col = divmod(i, columns)
        grid[pad + r * (h + pad):pad + r * (h + pad) + h, pad + col * (w + pad):pad + col * (w + pad) + w] = tile
    return grid[..., 0] if c == 1 else grid


def save_png(image: np.ndarray, path: Path, scale: int = 2) -> Path:
    """Write a uint8 image, enlarged `scale` times (nearest) so 32x32 digits stay readable."""
    picture = Image.fromarray(image)
    picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST).save(path)
    return path


def palette_png(path: Path) -> Path:
    """Rewrite a PNG with a 256-colour palette: noisy pictures (maps, class visualizations) compress poorly in RGB."""
    with Image.open(path) as image:
        picture = image.convert("RGB")
    picture.quantize(256).save(path, optimize=True)
    return path


def save_gif(frames: Sequence[Path | np.ndarray], path: Path, ms_per_frame: int = 500) -> Path:
    """An animated GIF, looping forever, of image files or uint8 arrays (H,W or H,W,3)."""
    images = [Image.open(f).convert("RGB") if isinstance(f, (str, Path)) else Image.fromarray(f).convert("RGB")
              for f in frames]
    images[0].save(path, save_all=True, append_images=images[1:], duration=ms_per_frame, loop=0)
    return path


def panels(rows: Sequence[Sequence[np.ndarray]], titles: Sequence[Sequence[str]], path: Path,
           cmaps: Sequence[str | None] | None = None, size: float = 2.0, suptitle: str | None = None) -> Path:
    """A grid of images, one list per row (H,W grey maps or H,W,3 images in [0, 1]), each with its title.

    `cmaps[j]` is the colour map of column j (e.g. "hot" for saliency; None: grey for 2-D, RGB for 3-D)."""
    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    fig = Figure(figsize=(size * n_cols, size * n_rows + (0.4 if suptitle else 0)))
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for i, row in enumerate(rows):
        for j in range(n_cols):
            ax = axes[i][j]
            ax.axis("off")
            if j < len(row):
                image = np.asarray(row[j])
                cmap = (cmaps[j] if cmaps else None) or ("gray" if image.ndim == 2 or image.shape[-1] == 1 else None)
                ax.imshow(image[..., 0] if image.ndim == 3 and image.shape[-1] == 1 else image, cmap=cmap)
                ax.set_title(titles[i][j], fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    return path


def plot_curves(rows: Sequence[dict], x: str, ys: Sequence[str], path: Path, title: str, smooth: int = 1) -> Path:
    """Line plot of columns `ys` of `rows` against `x` (moving average over `smooth` points), saved as PNG."""
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    for y in ys:
        points = np.array([(row[x], row[y]) for row in rows if y in row], float).reshape(-1, 2)
        if len(points) >= smooth:
            values = np.convolve(points[:, 1], np.ones(smooth) / smooth, mode="valid")
            ax.plot(points[smooth - 1:, 0], values, label=y)
    ax.set_xlabel(x)
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path
