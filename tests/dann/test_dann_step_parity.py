"""One jaxdl DANN train_step equals one step of the PyTorch transcription (tests/support/torch_dann.py) from the same weights.

Two steps of a 4-step schedule: the first at lam = 0 and mu = mu0 (plain SGD), the second at lam = lam_{1/4} = 0.85
with a lower mu and momentum carried over. Losses and every parameter agree within 1e-5. CDAN's network draws its
random matrices from the seed's key; the reference gets the same matrices, as the authors' RandomLayer holds its own.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from torch_dann import TorchDANN, lam_at, reference_network, sgd, to_flax, train_step

from jaxdl.dann.domains import as_domain
from jaxdl.dann.step import make_train_step, optimizer
from jaxdl.dann.train import network
from jaxdl.errors import DataError
from jaxdl.models.dann import DANN
from jaxdl.train_state import TrainState

pytestmark = pytest.mark.parity

TOTAL, MU0, N = 4, 0.05, 16  # a large mu0 makes the steps move the weights visibly
SHARPEN = 30.0  # fc3's weights scaled: confident, unequal predictions, so CDAN+E's weights and entropy gradient matter


@pytest.mark.parametrize("method", ["dann", "source-only", "target-only", "no-grl", "cdan", "cdan+e"])
def test_train_step_equals_pytorch_step(method):
    reference = reference_network(method, 0)
    with torch.no_grad():
        reference.fc3.weight.mul_(SHARPEN)
    params = jax.tree.map(jnp.asarray, to_flax(reference))
    model, tx = network(method), optimizer(MU0, TOTAL)
    state = TrainState.start(model.apply, {"params": params}, tx)
    step, opt = jax.jit(make_train_step(model, method, TOTAL)), sgd(reference, MU0)
    rng = np.random.default_rng(1)
    for k in range(2):
        x = rng.uniform(-1, 1, (2 * N, 32, 32, 3)).astype(np.float32)
        y = rng.integers(0, 10, 2 * N)
        state, metrics = step(state, ((x[:N], y[:N]), (x[N:], y[N:])), jax.random.key(0))
        xt, yt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()), torch.from_numpy(y)
        expected = train_step(reference, opt, method, (xt[:N], yt[:N]), (xt[N:], yt[N:]), k, TOTAL, MU0)
        assert float(metrics["lam"]) == pytest.approx(lam_at(k / TOTAL), rel=1e-6) and (k == 0) == (expected["lam"] == 0)
        for name in ("label_loss", "domain_loss"):
            np.testing.assert_allclose(float(metrics.get(name, np.nan)), expected[name], atol=1e-5, err_msg=name)
        moved = 0.0
        for layer, arrays in to_flax(reference).items():
            for kind, value in arrays.items():
                np.testing.assert_allclose(np.asarray(state.params[layer][kind]), value, atol=1e-5, err_msg=f"{layer}.{kind}")
                moved = max(moved, float(np.abs(value - np.asarray(params[layer][kind])).max()))
        assert moved > 1e-3  # the step changed the weights far beyond the tolerance


def test_torch_init_has_pytorchs_bounds_and_spread():
    """init_scheme="torch": every weight and bias U(±1/sqrt(fan_in)) like TorchDANN's; "flax": zero biases."""
    torch.manual_seed(0)
    reference = to_flax(TorchDANN())
    ours = DANN(init_scheme="torch").init(jax.random.key(0), jnp.zeros((1, 32, 32, 3)))["params"]
    for layer, arrays in reference.items():
        bound = float(np.abs(arrays["kernel"]).max())  # ~1/sqrt(fan_in), reached to within 1 % by 1,200+ weights
        for kind in ("kernel", "bias"):
            ours_k, ref_k = np.asarray(ours[layer][kind]), arrays[kind]
            assert np.abs(ours_k).max() <= bound * 1.02, (layer, kind)
            if ours_k.size >= 48:  # enough samples for a 20 % check of the spread (uniform: sd = bound / sqrt(3))
                assert ours_k.std() == pytest.approx(ref_k.std(), rel=0.2), (layer, kind)
    flax = DANN(init_scheme="flax").init(jax.random.key(0), jnp.zeros((1, 32, 32, 3)))["params"]
    assert all(float(np.abs(flax[layer]["bias"]).max()) == 0.0 for layer in flax)
    with pytest.raises(ValueError, match="init must be one of"):
        DANN(init_scheme="lecun").init(jax.random.key(0), jnp.zeros((1, 32, 32, 3)))


def test_input_conventions_match_torch():
    """resize="torch" is F.interpolate(bilinear) to 1e-6; "pil" differs only by uint8 rounding; centered = (x-0.5)/0.5."""
    digits = np.random.default_rng(0).integers(0, 256, (8, 28, 28), dtype=np.uint8)
    expected = torch.nn.functional.interpolate(torch.from_numpy(digits[:, None] / 255.0).float(), size=32, mode="bilinear")
    expected = expected[:, 0, :, :, None].numpy()
    as_torch, _ = as_domain(digits, np.zeros(8), resize="torch", scale="unit")
    as_pil, _ = as_domain(digits, np.zeros(8), resize="pil", scale="unit")
    centered, _ = as_domain(digits, np.zeros(8), resize="pil")
    np.testing.assert_allclose(as_torch, np.repeat(expected, 3, -1), atol=1e-6)
    assert 0 < np.abs(as_pil - as_torch).max() <= 1 / 255 + 1e-6
    np.testing.assert_allclose(centered, (as_pil - 0.5) / 0.5, atol=1e-6)
    with pytest.raises(DataError, match="scale must be one of"):
        as_domain(digits, np.zeros(8), scale="imagenet")
