"""torch.nn.MaxPool2d in NHWC: XLA's `reduce_window`, and on XLA:CPU only a form that its compiler runs faster.

`lax.platform_dependent` picks the branch when the program is lowered: for GPU and TPU it is `reduce_window`
and JAX's own gradient (a select-and-scatter). On a 2-core x86 CPU that select-and-scatter took 10-18x the
forward's time (SqueezeNet 1.1's first pool, batch 16: 169 ms against 9 ms), so there overlapping windows
are the max of their offsets' strided views (SqueezeNet 1.0's first pool: 4 ms, reduce_window 14 ms), and
the derivative sends each window's tangent from its first maximum in row-major order (as torch and
select-and-scatter do) through phase planes: its transpose, the gradient, is then small pads and one
interleave (65 ms with its forward there). The rule is a `custom_jvp`, so forward mode works too.
"""

import functools
import math
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

Pads = tuple[tuple[int, int], tuple[int, int]]


def _pool_padding(size: int, window: int, stride: int, padding: int, ceil_mode: bool) -> tuple[int, int]:
    """(low, high) padding of one spatial axis, with PyTorch's ceil_mode rule."""
    span = size + 2 * padding - window
    out = (math.ceil(span / stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1  # PyTorch: the last window must start inside the input or left padding
    return padding, (out - 1) * stride + window - size - padding


def _lowest(x: jax.Array) -> np.ndarray:
    """-inf in x's dtype (a Python -inf would be float64 under JAX_ENABLE_X64), concrete, so that JAX knows
    reduce_window's reducer as a max and can differentiate it."""
    return np.array(-np.inf, x.dtype)


def _out_size(x: jax.Array, window: int, stride: int, pads: Pads) -> tuple[int, int]:
    """The pooled height and width."""
    (top, bottom), (left, right) = pads
    return (x.shape[1] + top + bottom - window) // stride + 1, (x.shape[2] + left + right - window) // stride + 1


def _views(x: jax.Array, window: int, stride: int, pads: Pads) -> list[tuple[int, int, jax.Array]]:
    """[(i, j, view)] for every window offset: view[:, a, b] = x padded with -inf by `pads`, at [:, stride*a + i, stride*b + j]."""
    n, _, _, c = x.shape
    ho, wo = _out_size(x, window, stride, pads)
    padded = lax.pad(x, _lowest(x), ((0, 0, 0), (*pads[0], 0), (*pads[1], 0), (0, 0, 0)))
    limits = lambda i, j: (n, i + stride * (ho - 1) + 1, j + stride * (wo - 1) + 1, c)
    return [(i, j, lax.slice(padded, (0, i, j, 0), limits(i, j), (1, stride, stride, 1))) for i in range(window) for j in range(window)]


def _phase_views(t: jax.Array, window: int, stride: int, pads: Pads) -> list[tuple[int, int, jax.Array]]:
    """The same views as `_views`, of a tangent (padded with zeros), read from its stride x stride phase planes: window
    offset (i, j) is plane (i % s, j % s) shifted by (i // s, j // s). The planes come out of `lax.split`, whose
    transpose is a concatenation: the gradient is then pads of plane size and one interleave, not full-size pads."""
    n, h, w, c = t.shape
    s, overlap = stride, (window - 1) // stride
    ho, wo = _out_size(t, window, stride, pads)
    hq, wq = ho + overlap, wo + overlap
    (top, _), (left, _) = pads
    full = lax.pad(t, jnp.zeros((), t.dtype), ((0, 0, 0), (top, s * hq - top - h, 0), (left, s * wq - left - w, 0), (0, 0, 0)))
    rows = lax.split(full.reshape(n, hq, s, wq, s, c), (1,) * s, axis=2)
    planes = [[plane.reshape(n, hq, wq, c) for plane in lax.split(row, (1,) * s, axis=4)] for row in rows]
    return [(i, j, planes[i % s][j % s][:, i // s: i // s + ho, j // s: j // s + wo]) for i in range(window) for j in range(window)]


def _tiles(window: int, stride: int, pads: Pads) -> bool:
    """Whether the windows tile the input (no overlap, no padding)."""
    return window == stride and all(low == 0 and high <= 0 for low, high in pads)


@partial(jax.custom_jvp, nondiff_argnums=(1, 2, 3))
def _windowed_max(x: jax.Array, window: int, stride: int, pads: Pads) -> jax.Array:
    """The max over each window of `x` padded with -inf by `pads` (negative: cropped): a reshape + max when the windows
    tile the input, else the max of the window offsets' strided views (4x faster than XLA:CPU's reduce_window)."""
    if _tiles(window, stride, pads):
        n, h, w, c = x.shape
        ho, wo = (h + pads[0][1]) // window, (w + pads[1][1]) // window
        return x[:, : ho * window, : wo * window].reshape(n, ho, window, wo, window, c).max(axis=(2, 4))
    return functools.reduce(jnp.maximum, [view for _, _, view in _views(x, window, stride, pads)])


def _windowed_max_jvp(window: int, stride: int, pads: Pads, primals: tuple, tangents: tuple) -> tuple[jax.Array, jax.Array]:
    """Each window's tangent is its first maximum's. Overlapping windows' primal is XLA's reduce_window here: with the
    views' max, XLA fused it into the gradient, which took 2x longer."""
    (x,), (t,) = primals, tangents
    if _tiles(window, stride, pads):
        out = _windowed_max(x, window, stride, pads)
    else:
        out = lax.reduce_window(x, _lowest(x), lax.max, (1, window, window, 1), (1, stride, stride, 1), ((0, 0), *pads, (0, 0)))
    taken, out_dot = jnp.zeros(out.shape, bool), jnp.zeros(out.shape, t.dtype)
    for (_, _, view), (_, _, view_dot) in zip(_views(x, window, stride, pads), _phase_views(t, window, stride, pads)):
        first = (view == out) & ~taken
        taken = taken | first
        out_dot = out_dot + jnp.where(first, view_dot, jnp.zeros((), t.dtype))
    return out, out_dot


_windowed_max.defjvp(_windowed_max_jvp)


def max_pool(x: jax.Array, window: int, stride: int, padding: int = 0, ceil_mode: bool = False) -> jax.Array:
    """torch.nn.MaxPool2d on an NHWC batch (padding counts as -inf)."""
    h, w = x.shape[1:3]
    pads = (_pool_padding(h, window, stride, padding, ceil_mode), _pool_padding(w, window, stride, padding, ceil_mode))
    return lax.platform_dependent(
        x, cpu=lambda y: _windowed_max(y, window, stride, pads),
        default=lambda y: lax.reduce_window(y, _lowest(y), lax.max, (1, window, window, 1), (1, stride, stride, 1), ((0, 0), *pads, (0, 0))))
