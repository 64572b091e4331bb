"""jaxdl.models.layers against torch.nn pooling layers (max-pooling: values and gradients), at odd sizes, with ceil_mode and padding."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from parity import assert_close, to_nhwc, to_torch

from jaxdl.errors import JaxdlError
from jaxdl.models import layers

pytestmark = pytest.mark.parity

SIZES = [(7, 7), (13, 10), (14, 14), (5, 9)]
POOLS = [(2, 2, 0, False), (2, 2, 0, True), (3, 2, 0, False), (3, 2, 0, True), (3, 2, 1, False), (3, 2, 1, True), (3, 1, 1, False),
         (2, 1, 0, True), (3, 3, 1, True)]


def images(hw: tuple[int, int], seed: int = 0) -> np.ndarray:
    """A small random NHWC batch with negative values too (so -inf padding and LP signs matter)."""
    return np.random.default_rng(seed).standard_normal((2, *hw, 3)).astype(np.float32)


def torch_ref(module: torch.nn.Module, x: np.ndarray) -> np.ndarray:
    """The torch module's output on the NHWC batch, back in NHWC."""
    with torch.no_grad():
        return to_nhwc(module(to_torch(x)))


@pytest.mark.parametrize("hw", SIZES)
@pytest.mark.parametrize("window,stride,padding,ceil_mode", POOLS)
def test_max_pool_equals_torch(hw, window, stride, padding, ceil_mode):
    x = images(hw)
    want = torch_ref(torch.nn.MaxPool2d(window, stride, padding, ceil_mode=ceil_mode), x)
    got = np.asarray(layers.max_pool(x, window, stride, padding, ceil_mode))
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("hw", SIZES)
@pytest.mark.parametrize("window,stride,padding,ceil_mode", POOLS)
def test_max_pool_gradient_equals_torch_with_ties(hw, window, stride, padding, ceil_mode):
    # Values on a coarse grid, half of them ReLU zeros: windows with tied maxima, where the gradient must go to the
    # first maximum in row-major order, as torch's; jax's own gradient of a max would split it among the ties.
    x = np.maximum(np.round(images(hw) * 2) / 2, 0).astype(np.float32)
    weights = np.random.default_rng(1).standard_normal(torch_ref(torch.nn.MaxPool2d(window, stride, padding, ceil_mode=ceil_mode), x).shape)
    xt = to_torch(x).requires_grad_(True)
    (torch.nn.functional.max_pool2d(xt, window, stride, padding, ceil_mode=ceil_mode) * to_torch(weights.astype(np.float32))).sum().backward()
    got = jax.grad(lambda v: (layers.max_pool(v, window, stride, padding, ceil_mode) * weights).sum())(jnp.asarray(x))
    np.testing.assert_allclose(np.asarray(got), to_nhwc(xt.grad), rtol=1e-6, atol=1e-6)  # sums of up to 9 weights


@pytest.mark.parametrize("hw", SIZES)
@pytest.mark.parametrize("window,stride", [(2, 2), (3, 2), (3, 1)])
def test_avg_pool_matches_torch(hw, window, stride):
    x = images(hw)
    assert_close(layers.avg_pool(x, window, stride), torch_ref(torch.nn.AvgPool2d(window, stride), x), rel=1e-6)


@pytest.mark.parametrize("hw", SIZES)
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("window,stride", [(2, 2), (3, 2)])
def test_lp_pool_matches_torch(hw, p, window, stride):
    x = images(hw)
    assert_close(layers.lp_pool(x, p, window, stride), torch_ref(torch.nn.LPPool2d(p, window, stride), x), rel=1e-6)


@pytest.mark.parametrize("hw", [(7, 7), (14, 14), (13, 13), (5, 3), (1, 1), (9, 11), (2, 15)])
@pytest.mark.parametrize("out", [(7, 7), (6, 6), (3, 5)])
def test_adaptive_avg_pool_matches_torch(hw, out):
    x = images(hw)
    assert_close(layers.adaptive_avg_pool(x, out), torch_ref(torch.nn.AdaptiveAvgPool2d(out), x), rel=1e-6)


@pytest.mark.parametrize("kind,module", [("max", torch.nn.MaxPool2d(3, 2)), ("avg", torch.nn.AvgPool2d(3, 2)), ("lp", torch.nn.LPPool2d(1, 3, 2))])
def test_pool_layer_picks_the_named_pooling(kind, module):
    x = images((9, 9))
    assert_close(layers.pool_layer(kind, 3, 2, lp_p=1)(x), torch_ref(module, x), rel=1e-6)


@pytest.mark.parametrize("kind,lp_p", [("median", 2), ("lp", 0)])
def test_pool_layer_rejects_unknown_pooling(kind, lp_p):
    with pytest.raises(JaxdlError, match=rf"pooling='{kind}', lp_p={lp_p}: choose pooling 'max', 'avg' or 'lp'"):
        layers.pool_layer(kind, 2, 2, lp_p)
