"""jaxdl.models.conv: the same values and gradients as lax.conv_general_dilated (padded, unpadded, 1x1, grouped, strided,
NHWC and NCHW), and no kernel-label swap left in a loop."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from jaxdl.models.conv import conv_general_dilated

pytestmark = pytest.mark.parity

CASES = [
    ({"window_strides": (1, 1), "padding": ((1, 1), (1, 1))}, ("NHWC", "HWIO", "NHWC"), 1),
    ({"window_strides": (2, 2), "padding": "VALID"}, ("NHWC", "HWIO", "NHWC"), 1),
    ({"window_strides": (2, 1), "padding": [(0, 1), (2, 1)], "rhs_dilation": (2, 1)}, ("NHWC", "HWIO", "NHWC"), 1),
    ({"window_strides": (1, 1), "padding": "SAME", "feature_group_count": 2}, ("NHWC", "HWIO", "NHWC"), 2),
    ({"window_strides": (1, 2), "padding": "SAME"}, ("NCHW", "OIHW", "NCHW"), 1),
    ({"window_strides": (1, 1), "padding": "VALID"}, ("NHWC", "HWIO", "NHWC"), 1),  # 1x1 ones below: a matrix product
    ({"window_strides": (2, 2), "padding": ((0, 0), (0, 0))}, ("NHWC", "HWIO", "NHWC"), 1),
    ({"window_strides": (2, 1), "padding": "VALID"}, ("NCHW", "OIHW", "NCHW"), 1),
    ({"window_strides": (1, 1), "padding": "VALID", "feature_group_count": 2}, ("NHWC", "HWIO", "NHWC"), 2),
]
KERNELS = (3, 3, 3, 3, 3, 1, 1, 1, 1)


@pytest.mark.parametrize("settings,numbers,groups,k", [(*case, k) for case, k in zip(CASES, KERNELS)])
def test_values_and_both_gradients_equal_lax(settings, numbers, groups, k):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 9, 11, 4) if numbers[0] == "NHWC" else (2, 4, 9, 11)).astype(np.float32)
    w = rng.standard_normal((k, k, 4 // groups, 6) if numbers[1] == "HWIO" else (6, 4, k, k)).astype(np.float32)
    ours = lambda x, w: conv_general_dilated(x, w, dimension_numbers=numbers, **settings)  # noqa: E731
    theirs = lambda x, w: lax.conv_general_dilated(x, w, dimension_numbers=numbers, **settings)  # noqa: E731
    out = theirs(x, w)
    np.testing.assert_allclose(ours(x, w), out, rtol=1e-5, atol=1e-5)  # a matrix product sums in another order
    weights = rng.standard_normal(out.shape).astype(np.float32)
    loss = lambda f: lambda x, w: (f(x, w) * weights).sum()  # noqa: E731
    for a, b in zip(jax.grad(loss(ours), (0, 1))(x, w), jax.grad(loss(theirs), (0, 1))(x, w)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.skipif(jax.default_backend() != "cpu", reason="an assertion on XLA:CPU's compiled text")
def test_input_gradient_in_a_loop_keeps_canonical_kernel_labels():
    # The reason for the module: inside a fori_loop, JAX's own input gradient leaves a convolution with swapped kernel
    # labels (01oi) that XLA:CPU runs on its slow path; ours leaves none.
    w = jnp.ones((3, 3, 8, 8))
    x = jnp.ones((1, 12, 12, 8))

    def ascent(conv):
        grad = jax.grad(lambda a: jnp.sum(conv(jax.nn.relu(conv(a, w, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))),
                                               w, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC")) ** 2))
        return jax.jit(lambda a: lax.fori_loop(0, 3, lambda _, b: b + 0.1 * grad(b), a)).lower(x).compile().as_text()

    assert "01oi" in ascent(lax.conv_general_dilated)  # the test can fail: the plain one does leave them
    assert "01oi" not in ascent(conv_general_dilated)
