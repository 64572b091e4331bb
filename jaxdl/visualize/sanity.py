"""The model-randomisation sanity check (Adebayo et al. 2018): re-initialise the layers from the top down (the top
one, then the top two, ...) and measure how much each attribution map still resembles the trained network's.

A method that explains the network must change when its weights do; one that stays similar shows the image more
than the model. Re-initialised layers take the architecture's own initialisers (`model.init`) with a seed; every
other array is the trained one, untouched. Resemblance is the Spearman rank correlation of the maps.
"""

from collections.abc import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxdl.errors import JaxdlError
from jaxdl.keys import prng_key


def fresh_variables(model: nn.Module, images: jax.Array, seed: int) -> dict:
    """A seeded initialisation of `model` (the architecture's initialisers), from the shape of one image."""
    return model.init(prng_key(seed), images[:1], train=False)


def layers_top_down(model: nn.Module, variables: dict, images: jax.Array) -> tuple[str, ...]:
    """The model's parameterised layers, last first: the order its forward pass calls them in (shapes only, nothing
    computed; `model.init` sorts its parameters by name)."""
    called = []

    def record(call: Callable, args: tuple, kwargs: dict, context: nn.module.InterceptorContext) -> object:
        path = context.module.path
        if len(path) == 1 and path[0] in variables["params"] and path[0] not in called:
            called.append(path[0])
        return call(*args, **kwargs)

    with nn.intercept_methods(record):
        jax.eval_shape(lambda v, x: model.apply(v, x, train=False), variables, images[:1])
    return tuple(reversed(called))


def randomized(variables: dict, fresh: dict, layers: tuple[str, ...], depth: int) -> dict:
    """`variables` with the parameters of the first `depth` of `layers` (top down) taken from `fresh`; every other
    array is the same object."""
    if not 0 <= depth <= len(layers):
        raise JaxdlError(f"randomisation depth must be in 0..{len(layers)} (the network's parameterised layers), got {depth}")
    params = dict(variables["params"])
    params.update({layer: fresh["params"][layer] for layer in layers[:depth]})
    return {**variables, "params": params}


def average_ranks(values: jax.Array) -> jax.Array:
    """Ranks 0..n-1 of a 1-D array, tied values sharing the mean of their ranks (as scipy.stats.rankdata, less 1)."""
    ordered = jnp.sort(values)
    below = jnp.searchsorted(ordered, values, side="left")
    through = jnp.searchsorted(ordered, values, side="right")
    return (below + through - 1) / 2


@jax.jit
def spearman(a: jax.Array, b: jax.Array) -> jax.Array:
    """Spearman rank correlation of each pair of maps a[i], b[i] (any shape after the first axis); NaN for a constant map."""

    def one(x: jax.Array, y: jax.Array) -> jax.Array:
        rx, ry = (average_ranks(v.ravel()) for v in (x, y))
        rx, ry = rx - rx.mean(), ry - ry.mean()
        return (rx * ry).sum() / jnp.sqrt((rx * rx).sum() * (ry * ry).sum())

    return jax.vmap(one)(a, b)

