"""The convolution of every jaxdl model: `lax.conv_general_dilated`, with an input gradient that XLA:CPU runs fast in loops.

JAX writes a convolution's input gradient as a convolution whose kernel labels swap the input and output
features (`01oi`). In straight-line code XLA:CPU transposes the kernel and gives that convolution to its fast
library (YNNPACK here); inside a `lax.fori_loop`/`scan` body it does not, and runs its generic convolution:
PGD on SqueezeNet 1.0 took 2x longer per step in the loop than one jitted step called from Python. Here the
input gradient is taken through a copy of the kernel with those two axes already swapped, so its labels are
the canonical `01io` in a loop too. Same values: it is the same convolution; the kernel gradient is JAX's own.
"""

from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp
from jax import lax

Settings = tuple[tuple[str, object], ...]  # conv_general_dilated's keyword arguments but lhs and rhs, hashable


@partial(jax.custom_vjp, nondiff_argnums=(2,))
def _convolve(lhs: jax.Array, rhs: jax.Array, settings: Settings) -> jax.Array:
    """lax.conv_general_dilated(lhs, rhs, **settings)."""
    return lax.conv_general_dilated(lhs, rhs, **dict(settings))


def _convolve_forward(lhs: jax.Array, rhs: jax.Array, settings: Settings) -> tuple[jax.Array, tuple[jax.Array, jax.Array]]:
    """The convolution, keeping both operands for the backward pass."""
    return _convolve(lhs, rhs, settings), (lhs, rhs)


def _convolve_backward(settings: Settings, saved: tuple[jax.Array, jax.Array], g: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(input gradient through the feature-swapped kernel, kernel gradient as JAX takes it)."""
    lhs, rhs = saved
    keywords = dict(settings)
    numbers = lax.conv_dimension_numbers(lhs.shape, rhs.shape, keywords.pop("dimension_numbers"))
    out_axis, in_axis = numbers.rhs_spec[:2]
    order = list(range(rhs.ndim))
    order[out_axis], order[in_axis] = in_axis, out_axis
    swapped = numbers._replace(rhs_spec=(in_axis, out_axis, *numbers.rhs_spec[2:]))
    kernel = jnp.transpose(rhs, order)
    _, lhs_vjp = jax.vjp(lambda x: lax.conv_general_dilated(x, kernel, dimension_numbers=swapped, **keywords), lhs)
    _, rhs_vjp = jax.vjp(lambda w: lax.conv_general_dilated(lhs, w, dimension_numbers=numbers, **keywords), rhs)
    return lhs_vjp(g)[0], rhs_vjp(g)[0]


_convolve.defvjp(_convolve_forward, _convolve_backward)


def conv_general_dilated(lhs: jax.Array, rhs: jax.Array, window_strides: tuple[int, ...], padding: str | tuple,
                         **keywords: object) -> jax.Array:
    """`lax.conv_general_dilated` with the backward pass above (the signature Flax's `nn.Conv` calls)."""
    padding = padding if isinstance(padding, str) else tuple(map(tuple, padding))
    fixed = {key: tuple(value) if isinstance(value, list) else value for key, value in keywords.items()}
    return _convolve(lhs, rhs, (("window_strides", tuple(window_strides)), ("padding", padding), *sorted(fixed.items())))


Conv = partial(nn.Conv, conv_general_dilated=conv_general_dilated)
