"""Deletion and insertion curves (Petsiuk et al. 2018): the class probability as the pixels a map ranks first are
removed (replaced by a baseline image), and as they are revealed on that baseline.

A faithful map ranks the evidence first: its deletion curve falls fast (small area), its insertion curve rises fast
(large area). Pixels (all channels at once) change in the map's order, highest first (ties: raster order), a fixed
number per point; an area is the trapezoid over the fraction of pixels changed, 0 to 1.
"""

from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from jaxdl.errors import JaxdlError
from jaxdl.visualize.blur import gaussian_blur
from jaxdl.visualize.gradient import selected

BASELINES = ("zeros", "mean", "blur")


def step_counts(pixels: int, fraction: float) -> np.ndarray:
    """Pixels changed at each point of a curve: 0, s, 2s, ..., all `pixels`, with s = `fraction` of them (at least 1)."""
    if not 0 < fraction <= 1:
        raise JaxdlError(f"the curve step must be a fraction of the pixels in (0, 1], got {fraction}")
    step = max(1, round(fraction * pixels))
    return np.append(np.arange(0, pixels, step), pixels)


def baseline_images(kind: str, pixels: np.ndarray, sigma: float = 5.0) -> np.ndarray:
    """What removed pixels become, in pixel space: black ("zeros"), each image's mean colour ("mean") or the image
    blurred with a Gaussian of std `sigma` pixels ("blur", Petsiuk et al.'s insertion start)."""
    if kind == "zeros":
        return np.zeros_like(pixels)
    if kind == "mean":
        return np.broadcast_to(pixels.mean(axis=(1, 2), keepdims=True), pixels.shape).copy()
    if kind == "blur":
        return np.asarray(gaussian_blur(jnp.asarray(pixels), sigma=sigma))
    raise JaxdlError(f"unknown curve baseline {kind!r}; choose one of: {', '.join(BASELINES)}")


@partial(jax.jit, static_argnames="model")
def deletion_insertion(model: nn.Module, variables: dict, images: jax.Array, baselines: jax.Array, maps: jax.Array,
                       classes: jax.Array, counts: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(deletion, insertion) curves N,len(counts): the probability of each image's class after its `counts[t]`
    highest-ranked pixels of `maps` (N,H,W) are set to the baseline (deletion), or set to the image's on the baseline
    (insertion). `images` and `baselines` are in the model's input space; both curves of a point run as one batch."""
    n = images.shape[0]
    order = jnp.argsort(-maps.reshape(n, -1), axis=1, stable=True)
    rank = jnp.argsort(order, axis=1).reshape(maps.shape)[..., None]  # each pixel's place in the map's order

    def point(count: jax.Array) -> jax.Array:
        first = rank < count
        both = jnp.concatenate([jnp.where(first, baselines, images), jnp.where(first, images, baselines)])
        logits = model.apply(variables, both, train=False)
        return selected(jax.nn.softmax(logits), jnp.concatenate([classes, classes])).reshape(2, n)

    curves = jax.lax.map(point, counts)  # T,2,N
    return curves[:, 0].T, curves[:, 1].T


def area(curves: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The area under each curve (N,T) over the fraction of pixels changed, counts / counts[-1] in [0, 1] (trapezoids)."""
    return np.trapezoid(np.asarray(curves, np.float64), np.asarray(counts) / counts[-1], axis=-1)
