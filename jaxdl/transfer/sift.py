"""Dense SIFT (Lowe's 4x4 x 8-orientation descriptor on a regular grid, as in Lazebnik et al. 2006), jitted in JAX.

Gradients -> 8 orientation channels (each pixel's magnitude split linearly between its two
nearest orientations) -> a separable triangular filter gives every pixel's bilinear share of
each 4x4 spatial cell -> the 16 cells of a patch read on a grid of `step` pixels, Gaussian-weighted
-> L2 normalise, clip at 0.2, renormalise (Lowe). A flat patch gets a zero descriptor (no division by
zero); `contrast` > 0 also zeroes patches whose mean gradient is below it (measured on 15-Scene: 0.005
zeroes sky and sea, and loses 2 points of accuracy, so the default is 0).
scikit-image has no dense SIFT (its SIFT detects its own keypoints); the README compares speeds (scripts/bench_sift.py).
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from jaxdl.errors import JaxdlError

ORIENTATIONS = 8
CELLS = 4  # a patch is CELLS x CELLS spatial cells
DIM = CELLS * CELLS * ORIENTATIONS


def grid_shape(height: int, width: int, step: int, patch: int) -> tuple[int, int]:
    """How many patches fit down and across an image: top-left corners at 0, step, ... while the patch fits."""
    return (height - patch) // step + 1, (width - patch) // step + 1


def check_options(step: int, patch: int) -> None:
    """Raise a JaxdlError unless `patch` splits into CELLS even-sized cells and `step` is positive."""
    if step < 1 or patch < 2 * CELLS or patch % (2 * CELLS):
        raise JaxdlError(f"dense SIFT needs step >= 1 and a patch that is a multiple of {2 * CELLS} pixels, got step {step}, patch {patch}")


def triangle(cell: int) -> np.ndarray:
    """The bilinear weights of the 2*cell pixels around a cell centre that falls between two pixels."""
    offsets = np.arange(2 * cell) - (cell - 0.5)
    return (1 - np.abs(offsets) / cell).astype(np.float32)


def orientation_channels(image: jax.Array) -> jax.Array:
    """(H, W) gray image -> (H, W, 8): gradient magnitude split linearly between the two nearest of 8 orientations."""
    gy, gx = jnp.gradient(image)
    magnitude = jnp.hypot(gx, gy)
    angle = jnp.mod(jnp.arctan2(gy, gx), 2 * jnp.pi) * (ORIENTATIONS / (2 * jnp.pi))
    lower = jnp.floor(angle)
    upper_share = angle - lower
    bins = jax.nn.one_hot(lower.astype(jnp.int32) % ORIENTATIONS, ORIENTATIONS)
    return magnitude[..., None] * ((1 - upper_share)[..., None] * bins + upper_share[..., None] * jnp.roll(bins, 1, axis=-1))


def cell_sums(channels: jax.Array, cell: int) -> jax.Array:
    """(H, W, 8) -> (H - 3, W - 3, 8) for cell 4: entry [y, x] is the triangular-weighted sum of the cell whose
    top-left pixel is (y, x), i.e. each pixel spread bilinearly over the cells around it (a separable filter)."""
    kernel, half = triangle(cell), cell // 2
    padded = jnp.pad(channels, [(half, half), (half, half), (0, 0)])

    def smooth(x: jax.Array, axis: int) -> jax.Array:
        size = x.shape[axis] - len(kernel) + 1
        return sum(w * jax.lax.slice_in_dim(x, k, k + size, axis=axis) for k, w in enumerate(kernel))

    return smooth(smooth(padded, 0), 1)


def window(patch: int) -> np.ndarray:
    """Lowe's Gaussian window (sigma = half the patch) evaluated at the 4x4 cell centres."""
    centres = (np.arange(CELLS) + 0.5) * (patch // CELLS) - patch / 2
    return np.exp(-(centres[:, None] ** 2 + centres[None, :] ** 2) / (2 * (patch / 2) ** 2)).astype(np.float32)


def descriptors(image: jax.Array, step: int, patch: int, contrast: float) -> jax.Array:
    """(H, W) gray image in [0, 1] -> (rows, cols, 128) dense SIFT on the grid of `grid_shape`."""
    cell = patch // CELLS
    sums = cell_sums(orientation_channels(image), cell)
    rows, cols = grid_shape(*image.shape, step, patch)
    ys = (np.arange(rows) * step)[:, None] + np.arange(CELLS) * cell  # (rows, 4) cell top rows
    xs = (np.arange(cols) * step)[:, None] + np.arange(CELLS) * cell
    cells = sums[ys[:, None, :, None], xs[None, :, None, :]]  # (rows, cols, 4, 4, 8)
    raw = (cells * window(patch)[..., None]).reshape(rows, cols, DIM)
    mean_gradient = cells.sum(axis=(2, 3, 4)) / patch**2
    unit = raw / jnp.maximum(jnp.linalg.norm(raw, axis=-1, keepdims=True), 1e-12)
    clipped = jnp.minimum(unit, 0.2)
    out = clipped / jnp.maximum(jnp.linalg.norm(clipped, axis=-1, keepdims=True), 1e-12)
    return jnp.where((mean_gradient >= contrast)[..., None], out, 0.0)


def dense_sift_fn() -> Callable:
    """The jitted `(image, step, patch, contrast) -> (rows, cols, 128)`; it compiles once per image shape,
    so callers pad images to a few bucket shapes (see `bucketed`)."""
    return jax.jit(descriptors, static_argnames=("step", "patch"))


def bucketed(image: np.ndarray, multiple: int = 32) -> np.ndarray:
    """The image edge-padded up to a multiple of `multiple` on each side: few shapes, few compilations.
    Patches of the unpadded grid are unchanged but for the gradient at the last row/column."""
    height, width = image.shape
    return np.pad(image, [(0, -height % multiple), (0, -width % multiple)], mode="edge")


def dense_sift(fn: Callable, image: np.ndarray, step: int = 8, patch: int = 16, contrast: float = 0.0) -> np.ndarray:
    """(N, 128) float32 descriptors of a gray image in [0, 1], row-major over the grid of `grid_shape(image.shape)`."""
    check_options(step, patch)
    rows, cols = grid_shape(*image.shape, step, patch)
    if rows < 1 or cols < 1:
        raise JaxdlError(f"image of {image.shape[0]}x{image.shape[1]} pixels is smaller than one {patch}-pixel patch")
    out = fn(jnp.asarray(bucketed(np.asarray(image, np.float32))), step=step, patch=patch, contrast=contrast)
    return np.asarray(out[:rows, :cols]).reshape(rows * cols, DIM)


SCALE = 512  # Lowe stores descriptors as bytes: min(round(512 * value), 255); only entries above 0.498 (rare) saturate


def to_bytes(descriptors: np.ndarray) -> np.ndarray:
    """Descriptors as uint8 (a quarter of the float32 memory, as Lowe's SIFT stores them)."""
    return np.minimum(np.round(descriptors * SCALE), 255).astype(np.uint8)


def from_bytes(descriptors: np.ndarray) -> np.ndarray:
    """uint8 descriptors back to float32 (floats are returned as float32 unchanged)."""
    descriptors = np.asarray(descriptors)
    return descriptors.astype(np.float32) / SCALE if descriptors.dtype == np.uint8 else descriptors.astype(np.float32)
