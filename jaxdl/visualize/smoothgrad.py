"""SmoothGrad (Smilkov et al. 2017): the saliency |gradient| averaged over noisy copies of the image, max over channels.

The noise std is a fraction of each image's range (max - min), as in the paper (10-20 % works well);
the samples x images gradients run `batch_size` at a time (jaxdl.visualize.gradient_sum; default: one sample of the
whole batch per evaluation). The noise of sample s of image i is drawn from the key folded with s * N + i.
"""

from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxdl.visualize.gradient import input_gradient
from jaxdl.visualize.gradient_sum import check_batch_size, gradient_sum


def smoothgrad(model: nn.Module, variables: dict, images: jax.Array, classes: jax.Array, key: jax.Array,
               samples: int = 50, noise: float = 0.15, batch_size: int | None = None) -> tuple[jax.Array, jax.Array]:
    """(maps N,H,W, selected logits of the clean images N): mean over `samples` noisy copies of |d logit_c / dx|;
    `batch_size` noisy copies per network evaluation (None: len(images))."""
    check_batch_size(batch_size)
    return noisy_gradient_maps(model, variables, images, classes, key, samples, noise, batch_size or len(images))


@partial(jax.jit, static_argnames=("model", "samples", "batch_size"))
def noisy_gradient_maps(model: nn.Module, variables: dict, images: jax.Array, classes: jax.Array, key: jax.Array, samples: int,
                noise: float, batch_size: int) -> tuple[jax.Array, jax.Array]:
    """`smoothgrad` with every argument given (jitted; `batch_size` and `samples` static)."""
    spread = images.max(axis=(1, 2, 3), keepdims=True) - images.min(axis=(1, 2, 3), keepdims=True)
    n, weight = len(images), jnp.asarray(1 / samples, images.dtype)

    def points(index: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
        image = index % n
        draws = jax.vmap(lambda i: jax.random.normal(jax.random.fold_in(key, i), images.shape[1:], images.dtype))(index)
        return images[image] + noise * spread[image] * draws, classes[image], image, jnp.full(len(index), weight)

    total = gradient_sum(model, variables, points, samples * n, images, batch_size, magnitude=True)
    return total.max(axis=-1), input_gradient(model, variables, images, classes)[1]
