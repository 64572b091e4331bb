"""SmoothGrad (Smilkov et al. 2017): the saliency |gradient| averaged over noisy copies of the image, max over channels.

The noise std is a fraction of each image's range (max - min), as in the paper (10-20 % works well);
the samples run as one `lax.scan`, each a gradient of the whole batch.
"""

from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxdl.visualize.gradient import input_gradient


@partial(jax.jit, static_argnames=("model", "samples"))
def smoothgrad(model: nn.Module, variables: dict, images: jax.Array, classes: jax.Array, key: jax.Array,
               samples: int = 50, noise: float = 0.15) -> tuple[jax.Array, jax.Array]:
    """(maps N,H,W, selected logits of the clean images N): mean over `samples` noisy copies of |d logit_c / dx|."""
    spread = images.max(axis=(1, 2, 3), keepdims=True) - images.min(axis=(1, 2, 3), keepdims=True)

    def add_sample(total: jax.Array, sample_key: jax.Array) -> tuple[jax.Array, None]:
        noisy = images + noise * spread * jax.random.normal(sample_key, images.shape, images.dtype)
        return total + abs(input_gradient(model, variables, noisy, classes)[0]), None

    total, _ = jax.lax.scan(add_sample, jnp.zeros_like(images), jax.random.split(key, samples))
    return (total / samples).max(axis=-1), input_gradient(model, variables, images, classes)[1]
