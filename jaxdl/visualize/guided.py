"""Guided backpropagation (Springenberg et al. 2015): the input gradient where every ReLU passes back only positive
gradients, and only where its input was positive.

`guided_relu` is a ReLU with that backward (a `jax.custom_vjp`); the models take their ReLU as a field, so
`model.clone(relu=guided_relu)` is the same network, with the same variables, differentiated the guided way.
"""

from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxdl.visualize.gradient import input_gradient


@jax.custom_vjp
def guided_relu(x: jax.Array) -> jax.Array:
    """max(x, 0) forward; backward g -> g where x > 0 and g > 0, else 0."""
    return jnp.maximum(x, 0)


def _forward(x: jax.Array) -> tuple[jax.Array, jax.Array]:
    return jnp.maximum(x, 0), x


def _backward(x: jax.Array, g: jax.Array) -> tuple[jax.Array]:
    return (jnp.where((x > 0) & (g > 0), g, 0),)


guided_relu.defvjp(_forward, _backward)


@partial(jax.jit, static_argnames="model")
def guided_backprop(model: nn.Module, variables: dict, images: jax.Array, classes: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(guided gradients N,H,W,C of the selected logits, those logits N) of normalised images; `model` has a `relu` field."""
    return input_gradient(model.clone(relu=guided_relu), variables, images, classes)
