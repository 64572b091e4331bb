"""The convolution of every jaxdl model: `lax.conv_general_dilated`, with three rewrites on XLA:CPU only.

`lax.platform_dependent` picks the branch when the program is lowered: for GPU and TPU (and `jax.export`
for them) it is XLA's own convolution and JAX's own gradients. On the CPU, each rewrite was measured on a
2-core x86 CPU and none changes the result beyond float rounding (the benchmark tables are in the docs):
- The input gradient. JAX transposes a convolution into one whose kernel labels swap the input and output
  features (`01oi`). Inside a `lax.fori_loop`/`scan` body XLA:CPU ran that as its generic convolution,
  not YNNPACK's: PGD on SqueezeNet 1.0 took 0.487 s per step in the loop, 0.174 s through a kernel copy
  whose feature axes are already swapped, which is how the tangent below is written (its transpose is the
  input gradient).
- 1x1 convolutions are one matrix product over the features of each pixel: forward 1.3-3.6x, input gradient
  1.5-3.7x and kernel gradient 3-9x faster than XLA:CPU's convolution (SqueezeNet's and ResNet's 1x1 shapes).
- Unpadded convolutions with wider kernels run padded by one zero at the end of each spatial axis and cropped:
  forward 1.4-2.7x faster (SqueezeNet 1.0's conv1 at batch 16: 133 -> 92 ms; DANN's 5x5 32 -> 48: 25.7 -> 9.2 ms),
  and the kernel gradient of the padded form 1.3-1.8x faster for DANN's 5x5 kernels.
The rule is a `custom_jvp`, so forward mode (jvp, jacfwd, Hessians) works and reverse mode is its transpose.
"""

from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp
from jax import lax
from jax.custom_derivatives import SymbolicZero

Settings = tuple[tuple[str, object], ...]  # conv_general_dilated's keyword arguments but lhs and rhs, hashable


def _unpadded(padding: str | tuple) -> bool:
    """'VALID' or zeros on every side."""
    return padding == "VALID" or (not isinstance(padding, str) and all(tuple(pair) == (0, 0) for pair in padding))


def _padded_by_one(lhs: jax.Array, rhs: jax.Array, keywords: dict) -> dict | None:
    """For an unpadded convolution with a kernel wider than 1x1, its keywords with one zero of padding at the end of
    every spatial axis (its output is then the unpadded one plus a last row and column); None otherwise."""
    spatial = lax.conv_dimension_numbers(lhs.shape, rhs.shape, keywords.get("dimension_numbers")).rhs_spec[2:]
    if not _unpadded(keywords["padding"]) or all(rhs.shape[axis] == 1 for axis in spatial):
        return None
    return keywords | {"padding": ((0, 1),) * len(spatial)}


def _cropped(lhs: jax.Array, rhs: jax.Array, keywords: dict) -> jax.Array:
    """lax.conv_general_dilated(lhs, rhs, **keywords); an unpadded one computed padded by one and cropped."""
    padded = _padded_by_one(lhs, rhs, keywords)
    out = lax.conv_general_dilated(lhs, rhs, **(padded or keywords))
    if padded is None:
        return out
    return lax.slice(out, (0,) * out.ndim, jax.eval_shape(partial(lax.conv_general_dilated, **keywords), lhs, rhs).shape)


@partial(jax.custom_jvp, nondiff_argnums=(2,))
def _convolve(lhs: jax.Array, rhs: jax.Array, settings: Settings) -> jax.Array:
    """lax.conv_general_dilated(lhs, rhs, **settings), unpadded ones padded by one and cropped."""
    return _cropped(lhs, rhs, dict(settings))


def _convolve_jvp(settings: Settings, primals: tuple, tangents: tuple) -> tuple[jax.Array, jax.Array]:
    """The tangent in the lhs through the feature-swapped kernel copy (so its transpose, the input gradient, reads
    that copy as a plain kernel), and in the rhs through the padded-by-one convolution where there is one."""
    (lhs, rhs), (lhs_dot, rhs_dot) = primals, tangents
    out = _convolve(lhs, rhs, settings)
    keywords = dict(settings)
    numbers = lax.conv_dimension_numbers(lhs.shape, rhs.shape, keywords.pop("dimension_numbers"))
    parts = []
    if not isinstance(lhs_dot, SymbolicZero):
        out_axis, in_axis = numbers.rhs_spec[:2]
        order = list(range(rhs.ndim))
        order[out_axis], order[in_axis] = in_axis, out_axis
        swapped = numbers._replace(rhs_spec=(in_axis, out_axis, *numbers.rhs_spec[2:]))
        parts.append(lax.conv_general_dilated(lhs_dot, jnp.transpose(rhs, order), dimension_numbers=swapped, **keywords))
    if not isinstance(rhs_dot, SymbolicZero):
        parts.append(_cropped(lhs, rhs_dot, dict(settings)))
    return out, sum(parts[1:], parts[0]) if parts else jnp.zeros_like(out)


_convolve.defjvp(_convolve_jvp, symbolic_zeros=True)


def _pointwise(lhs: jax.Array, rhs: jax.Array, window_strides: tuple[int, ...], keywords: dict) -> jax.Array:
    """An unpadded 1x1 convolution as one matrix product over the features of every (strided) pixel."""
    numbers = lax.conv_dimension_numbers(lhs.shape, rhs.shape, keywords.get("dimension_numbers"))
    strides = [1] * lhs.ndim
    for axis, stride in zip(numbers.lhs_spec[2:], window_strides):
        strides[axis] = stride
    pixels = lax.slice(lhs, (0,) * lhs.ndim, lhs.shape, strides)
    out_axis, in_axis = numbers.rhs_spec[:2]
    weights = rhs.reshape(rhs.shape[in_axis], rhs.shape[out_axis]) if in_axis < out_axis \
        else rhs.reshape(rhs.shape[out_axis], rhs.shape[in_axis]).T  # the 1-sized spatial axes go, the order stays
    out = lax.dot_general(pixels, weights, (((numbers.lhs_spec[1],), (0,)), ((), ())), precision=keywords.get("precision"))
    return jnp.moveaxis(out, -1, numbers.lhs_spec[1])


def _on_cpu(lhs: jax.Array, rhs: jax.Array, window_strides: tuple[int, ...], padding: str | tuple, keywords: dict) -> jax.Array:
    """The XLA:CPU form: a 1x1 convolution as a matrix product, any other through `_convolve`."""
    numbers = lax.conv_dimension_numbers(lhs.shape, rhs.shape, keywords.get("dimension_numbers"))
    plain = all(keywords.get(key) in (None, 1) for key in ("feature_group_count", "batch_group_count", "preferred_element_type"))
    if _unpadded(padding) and all(rhs.shape[axis] == 1 for axis in numbers.rhs_spec[2:]) and plain \
            and numbers.lhs_spec == numbers.out_spec and all(d == 1 for d in keywords.get("lhs_dilation") or (1,)):
        return _pointwise(lhs, rhs, window_strides, keywords)
    padding = padding if isinstance(padding, str) else tuple(map(tuple, padding))
    return _convolve(lhs, rhs, (("window_strides", tuple(window_strides)), ("padding", padding), *sorted(keywords.items())))


def conv_general_dilated(lhs: jax.Array, rhs: jax.Array, window_strides: tuple[int, ...], padding: str | tuple,
                         **keywords: object) -> jax.Array:
    """`lax.conv_general_dilated` (the signature Flax's `nn.Conv` calls), in the XLA:CPU form on the CPU only."""
    fixed = {key: tuple(value) if isinstance(value, list) else value for key, value in keywords.items()}
    return lax.platform_dependent(
        lhs, rhs, cpu=lambda x, w: _on_cpu(x, w, window_strides, padding, fixed),
        default=lambda x, w: lax.conv_general_dilated(x, w, window_strides, padding, **fixed))


Conv = partial(nn.Conv, conv_general_dilated=conv_general_dilated)
