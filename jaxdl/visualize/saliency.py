"""Vanilla saliency (Simonyan et al. 2014): |d logit_c / d x|, max over the colour channels, in normalised space."""

from functools import partial

import flax.linen as nn
import jax

from jaxdl.visualize.gradient import input_gradient


@partial(jax.jit, static_argnames="model")
def saliency(model: nn.Module, variables: dict, images: jax.Array, classes: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(saliency maps N,H,W, selected logits N) of normalised images for their `classes`: one gradient for the batch."""
    grads, scores = input_gradient(model, variables, images, classes)
    return abs(grads).max(axis=-1), scores
