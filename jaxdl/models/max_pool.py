"""torch.nn.MaxPool2d in NHWC, with a backward pass written out because XLA:CPU's own is slow.

The forward is a `reduce_window` (a reshape + max when the windows tile the input). The automatic
gradient of the first, XLA's select-and-scatter, took 10-18x the forward's time on the CPU (SqueezeNet 1.1's first
pool, batch 16: 169 ms against 9 ms), more than all the convolutions' input gradients. The backward
below gives each output's gradient to the first maximum of its window, in row-major order, as torch
and select-and-scatter do, using only strided slices, compares and pads: 63 ms there.
"""

import math
from functools import partial

import jax
import jax.numpy as jnp
from jax import lax

Pads = tuple[tuple[int, int], tuple[int, int]]


def _pool_padding(size: int, window: int, stride: int, padding: int, ceil_mode: bool) -> tuple[int, int]:
    """(low, high) padding of one spatial axis, with PyTorch's ceil_mode rule."""
    span = size + 2 * padding - window
    out = (math.ceil(span / stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1  # PyTorch: the last window must start inside the input or left padding
    return padding, (out - 1) * stride + window - size - padding


@partial(jax.custom_vjp, nondiff_argnums=(1, 2, 3))
def _windowed_max(x: jax.Array, window: int, stride: int, pads: Pads) -> jax.Array:
    """The max over each window of `x` padded with -inf by `pads` (negative: cropped)."""
    if window == stride and all(low == 0 and high <= 0 for low, high in pads):  # windows tile the input: a reshape is faster
        n, h, w, c = x.shape
        ho, wo = (h + pads[0][1]) // window, (w + pads[1][1]) // window
        return x[:, : ho * window, : wo * window].reshape(n, ho, window, wo, window, c).max(axis=(2, 4))
    return lax.reduce_window(x, -jnp.inf, lax.max, (1, window, window, 1), (1, stride, stride, 1), ((0, 0), *pads, (0, 0)))


def _windowed_max_forward(x: jax.Array, window: int, stride: int, pads: Pads) -> tuple[jax.Array, tuple[jax.Array, jax.Array]]:
    """The pooled output, keeping the input and the output for the backward pass."""
    out = _windowed_max(x, window, stride, pads)
    return out, (x, out)


def _windowed_max_backward(window: int, stride: int, pads: Pads, saved: tuple[jax.Array, jax.Array],
                           g: jax.Array) -> tuple[jax.Array]:
    """Each output's gradient to its window's first maximum.

    Window offset (i, j) of every output is one strided slice of the padded input. Input rows and columns
    split by their remainder mod `stride` into stride x stride phase planes of output size (+ overlap);
    offset (i, j) lands in phase (i % s, j % s) shifted by (i // s, j // s), so the scatter is a sum of
    small pads, and interleaving the phases rebuilds the input's layout."""
    x, out = saved
    n, ho, wo, c = out.shape
    s, overlap = stride, (window - 1) // stride
    hq, wq = ho + overlap, wo + overlap
    (top, _), (left, _) = pads
    h, w = x.shape[1:3]
    padded = lax.pad(x, -jnp.inf, ((0, 0, 0), (top, s * hq - top - h, 0), (left, s * wq - left - w, 0), (0, 0, 0)))
    taken, phases = jnp.zeros(out.shape, bool), {}
    for i in range(window):
        for j in range(window):
            view = lax.slice(padded, (0, i, j, 0), (n, i + s * (ho - 1) + 1, j + s * (wo - 1) + 1, c), (1, s, s, 1))
            first = (view == out) & ~taken
            taken = taken | first
            shifted = jnp.pad(jnp.where(first, g, 0), ((0, 0), (i // s, overlap - i // s), (j // s, overlap - j // s), (0, 0)))
            phase = (i % s, j % s)
            phases[phase] = phases[phase] + shifted if phase in phases else shifted
    zero = jnp.zeros((n, hq, wq, c), g.dtype)
    rows = [jnp.stack([phases.get((p, q), zero) for q in range(s)], axis=3) for p in range(s)]
    full = jnp.stack(rows, axis=2).reshape(n, s * hq, s * wq, c)
    return (lax.pad(full, 0.0, ((0, 0, 0), (-top, top + h - s * hq, 0), (-left, left + w - s * wq, 0), (0, 0, 0))),)


_windowed_max.defvjp(_windowed_max_forward, _windowed_max_backward)


def max_pool(x: jax.Array, window: int, stride: int, padding: int = 0, ceil_mode: bool = False) -> jax.Array:
    """torch.nn.MaxPool2d on an NHWC batch (padding counts as -inf)."""
    h, w = x.shape[1:3]
    pads = (_pool_padding(h, window, stride, padding, ceil_mode), _pool_padding(w, window, stride, padding, ceil_mode))
    return _windowed_max(x, window, stride, pads)
