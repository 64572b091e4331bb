"""A weighted sum of many input gradients per image, `batch_size` points at a time, so memory does not grow with them.

Integrated gradients and SmoothGrad need the gradient at steps x images points (64 x 16 VGG16 passes at 224x224 do not
fit in a few GB at once). Point p (p < count) is built from its index alone; `lax.scan` runs over chunks of
`batch_size` points (one batch through the network each) and adds weight_p * gradient_p to its image's total.
The result does not depend on `batch_size` beyond the order of float additions.
"""

from collections.abc import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxdl.errors import JaxdlError
from jaxdl.visualize.gradient import input_gradient

Points = Callable[[jax.Array], tuple[jax.Array, jax.Array, jax.Array, jax.Array]]  # indices -> (x, classes, image, weight)


def check_batch_size(batch_size: int | None) -> None:
    """A JaxdlError unless `batch_size` is None (one evaluation per image batch) or at least 1."""
    if batch_size is not None and batch_size < 1:
        raise JaxdlError(f"batch size for the inner evaluations must be at least 1, got {batch_size}")


def gradient_sum(model: nn.Module, variables: dict, points: Points, count: int, like: jax.Array, batch_size: int,
                 magnitude: bool = False) -> jax.Array:
    """sum over p < count of weight_p * (|.| if `magnitude`) d logit_{class_p} / dx at x_p, per image (shaped `like`)."""
    def add(total: jax.Array, chunk: jax.Array) -> tuple[jax.Array, None]:
        index = chunk * batch_size + jnp.arange(batch_size)
        x, classes, image, weight = points(jnp.minimum(index, count - 1))
        grads = input_gradient(model, variables, x, classes)[0]
        weight = jnp.where(index < count, weight, 0).astype(like.dtype)
        return total.at[image].add(weight[:, None, None, None] * (abs(grads) if magnitude else grads)), None

    total, _ = jax.lax.scan(add, jnp.zeros_like(like), jnp.arange(-(-count // batch_size)))
    return total
