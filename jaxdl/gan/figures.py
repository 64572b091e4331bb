"""What a GAN run leaves to look at: sample grids, their animation, loss and quality curves (matplotlib Agg)."""

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402


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


def save_gif(frames: Sequence[Path], path: Path, ms_per_frame: int = 500) -> Path:
    """An animated GIF of the per-epoch sample grids, looping forever."""
    images = [Image.open(frame).convert("RGB") for frame in frames]
    images[0].save(path, save_all=True, append_images=images[1:], duration=ms_per_frame, loop=0)
    return path


def plot_curves(rows: Sequence[dict], x: str, ys: Sequence[str], path: Path, title: str, smooth: int = 1) -> Path:
    """Line plot of columns `ys` of `rows` against `x` (moving average over `smooth` points), saved as PNG."""
    fig, ax = plt.subplots(figsize=(7, 4))
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
    plt.close(fig)
    return path
