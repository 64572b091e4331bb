"""torch.nn.MaxPool2d in NHWC, computed and differentiated the way XLA:CPU runs fastest.

XLA's max-pooling is a `reduce_window`; its automatic gradient, a select-and-scatter, took 10-18x the
forward's time on the CPU (SqueezeNet 1.1's first pool, batch 16: 169 ms against 9 ms), more than all the
convolutions' input gradients. Here overlapping windows are the max of their offsets' strided views
(SqueezeNet 1.0's first pool, batch 16: 4 ms, reduce_window 14 ms), and the backward gives each output's
gradient to the first maximum of its window, in row-major order, as torch and select-and-scatter do, using
only strided slices, compares and pads (65 ms with its forward there, against 87 ms before these views).
"""

import functools
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


def _views(x: jax.Array, window: int, stride: int, pads: Pads) -> list[tuple[int, int, jax.Array]]:
    """[(i, j, view)] for every window offset: view[:, a, b] = x padded with -inf by `pads`, at [:, stride*a + i, stride*b + j]."""
    n, h, w, c = x.shape
    (top, bottom), (left, right) = pads
    ho, wo = (h + top + bottom - window) // stride + 1, (w + left + right - window) // stride + 1
    padded = lax.pad(x, -jnp.inf, ((0, 0, 0), (top, bottom, 0), (left, right, 0), (0, 0, 0)))
    limits = lambda i, j: (n, i + stride * (ho - 1) + 1, j + stride * (wo - 1) + 1, c)  # noqa: E731
    return [(i, j, lax.slice(padded, (0, i, j, 0), limits(i, j), (1, stride, stride, 1))) for i in range(window) for j in range(window)]


def _tiles(window: int, stride: int, pads: Pads) -> bool:
    """Whether the windows tile the input (no overlap, no padding)."""
    return window == stride and all(low == 0 and high <= 0 for low, high in pads)


@partial(jax.custom_vjp, nondiff_argnums=(1, 2, 3))
def _windowed_max(x: jax.Array, window: int, stride: int, pads: Pads) -> jax.Array:
    """The max over each window of `x` padded with -inf by `pads` (negative: cropped): a reshape + max when the windows
    tile the input, else the max of the window offsets' strided views (4x faster than XLA:CPU's reduce_window)."""
    if _tiles(window, stride, pads):
        n, h, w, c = x.shape
        ho, wo = (h + pads[0][1]) // window, (w + pads[1][1]) // window
        return x[:, : ho * window, : wo * window].reshape(n, ho, window, wo, window, c).max(axis=(2, 4))
    return functools.reduce(jnp.maximum, [view for _, _, view in _views(x, window, stride, pads)])


def _windowed_max_forward(x: jax.Array, window: int, stride: int, pads: Pads) -> tuple[jax.Array, tuple[jax.Array, jax.Array]]:
    """The pooled output, keeping the input and the output for the backward pass. Overlapping windows go through XLA's
    reduce_window here: with the views' max of the primal, XLA fused it into the backward, which took 2x longer."""
    if _tiles(window, stride, pads):
        out = _windowed_max(x, window, stride, pads)
    else:
        out = lax.reduce_window(x, -jnp.inf, lax.max, (1, window, window, 1), (1, stride, stride, 1), ((0, 0), *pads, (0, 0)))
    return out, (x, out)


def _windowed_max_backward(window: int, stride: int, pads: Pads, saved: tuple[jax.Array, jax.Array],
                           g: jax.Array) -> tuple[jax.Array]:
    """Each output's gradient to its window's first maximum.

    Input rows and columns split by their remainder mod `stride` into stride x stride phase planes of output
    size (+ overlap); window offset (i, j) lands in phase (i % s, j % s) shifted by (i // s, j // s), so the
    scatter is a sum of small pads, and interleaving the phases rebuilds the input's layout."""
    x, out = saved
    n, ho, wo, c = out.shape
    s, overlap = stride, (window - 1) // stride
    hq, wq = ho + overlap, wo + overlap
    (top, _), (left, _) = pads
    taken, phases = jnp.zeros(out.shape, bool), {}
    for i, j, view in _views(x, window, stride, pads):
        first = (view == out) & ~taken
        taken = taken | first
        shifted = jnp.pad(jnp.where(first, g, 0), ((0, 0), (i // s, overlap - i // s), (j // s, overlap - j // s), (0, 0)))
        phase = (i % s, j % s)
        phases[phase] = phases[phase] + shifted if phase in phases else shifted
    zero = jnp.zeros((n, hq, wq, c), g.dtype)
    rows = [jnp.stack([phases.get((p, q), zero) for q in range(s)], axis=3) for p in range(s)]
    full = jnp.stack(rows, axis=2).reshape(n, s * hq, s * wq, c)
    h, w = x.shape[1:3]
    return (lax.pad(full, 0.0, ((0, 0, 0), (-top, top + h - s * hq, 0), (-left, left + w - s * wq, 0), (0, 0, 0))),)


_windowed_max.defvjp(_windowed_max_forward, _windowed_max_backward)


def max_pool(x: jax.Array, window: int, stride: int, padding: int = 0, ceil_mode: bool = False) -> jax.Array:
    """torch.nn.MaxPool2d on an NHWC batch (padding counts as -inf)."""
    h, w = x.shape[1:3]
    pads = (_pool_padding(h, window, stride, padding, ceil_mode), _pool_padding(w, window, stride, padding, ceil_mode))
    return _windowed_max(x, window, stride, pads)
