"""Pooling layers with torchvision's exact semantics, in NHWC (max-pooling: jaxdl.models.max_pool)."""

from collections.abc import Callable
from functools import partial

import jax.numpy as jnp
import numpy as np
from jax import lax

from jaxdl.errors import JaxdlError
from jaxdl.models.max_pool import max_pool


def avg_pool(x: jnp.ndarray, window: int, stride: int) -> jnp.ndarray:
    """torch.nn.AvgPool2d without padding on an NHWC batch."""
    total = lax.reduce_window(x, np.zeros((), x.dtype), lax.add, (1, window, window, 1), (1, stride, stride, 1), "VALID")
    return total / (window * window)


def lp_pool(x: jnp.ndarray, p: float, window: int, stride: int) -> jnp.ndarray:
    """torch.nn.LPPool2d: (sum over the window of x**p) ** (1/p)."""
    total = lax.reduce_window(x**p, np.zeros((), x.dtype), lax.add, (1, window, window, 1), (1, stride, stride, 1), "VALID")
    return jnp.sign(total) * jnp.abs(total) ** (1.0 / p)


def adaptive_avg_pool(x: jnp.ndarray, out_hw: tuple[int, int]) -> jnp.ndarray:
    """torch.nn.AdaptiveAvgPool2d: bin i covers [floor(i*H/o), ceil((i+1)*H/o))."""
    n, h, w, c = x.shape
    oh, ow = out_hw
    if (h, w) == (oh, ow):
        return x
    if h % oh == 0 and w % ow == 0:
        return x.reshape(n, oh, h // oh, ow, w // ow, c).mean(axis=(2, 4))
    rows = [x[:, (i * h) // oh : -((-(i + 1) * h) // oh)].mean(axis=1) for i in range(oh)]
    rows = jnp.stack(rows, axis=1)
    cols = [rows[:, :, (j * w) // ow : -((-(j + 1) * w) // ow)].mean(axis=2) for j in range(ow)]
    return jnp.stack(cols, axis=2)


def pool_layer(kind: str, window: int, stride: int, lp_p: float = 2) -> Callable[[jnp.ndarray], jnp.ndarray]:
    """The pooling a model's `pooling=` option names: 'max' (MaxPool2d), 'avg' (AvgPool2d) or 'lp' (LPPool2d, power lp_p)."""
    if kind == "max":
        return partial(max_pool, window=window, stride=stride)
    if kind == "avg":
        return partial(avg_pool, window=window, stride=stride)
    if kind == "lp" and lp_p > 0:
        return partial(lp_pool, p=lp_p, window=window, stride=stride)
    raise JaxdlError(f"pooling={kind!r}, lp_p={lp_p!r}: choose pooling 'max', 'avg' or 'lp' (with lp_p > 0)")
