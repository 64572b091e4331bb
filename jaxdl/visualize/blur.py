"""The course's Gaussian blur: scipy's `gaussian_filter1d` along H then W, as one jitted function on NHWC batches.

scipy's mode 'reflect' is the half-sample symmetric extension (d c b a | a b c d | d c b a), which is
numpy's pad mode 'symmetric'; the kernel has radius int(truncate * sigma + 0.5), as in scipy.
"""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np


def gaussian_kernel(sigma: float, truncate: float = 4.0) -> np.ndarray:
    """The normalised 1-D Gaussian weights scipy uses for `sigma` (float64, length 2 * radius + 1)."""
    radius = int(truncate * sigma + 0.5)
    x = np.arange(-radius, radius + 1)
    weights = np.exp(-0.5 * x**2 / sigma**2)
    return weights / weights.sum()


def _filter_axis(x: jax.Array, weights: np.ndarray, axis: int) -> jax.Array:
    """Correlate `x` with `weights` along `axis`, the border extended half-sample symmetrically."""
    radius, size = len(weights) // 2, x.shape[axis]
    pad = [(0, 0)] * x.ndim
    pad[axis] = (radius, radius)
    padded = jnp.pad(x, pad, mode="symmetric")
    taps = (jax.lax.slice_in_dim(padded, i, i + size, axis=axis) * float(w) for i, w in enumerate(weights))
    return sum(taps)


@partial(jax.jit, static_argnames=("sigma", "truncate"))
def gaussian_blur(images: jax.Array, sigma: float = 0.5, truncate: float = 4.0) -> jax.Array:
    """Blur NHWC images along H then W (= scipy.ndimage.gaussian_filter1d on each axis, mode 'reflect')."""
    weights = gaussian_kernel(sigma, truncate)
    return _filter_axis(_filter_axis(images, weights, 1), weights, 2)
