"""One jaxdl DANN train_step equals one step of the PyTorch transcription (tests/torch_dann.py) from the same weights.

Two steps of a 4-step schedule: the first at lam = 0 and mu = mu0 (plain SGD), the second at lam = lam_{1/4} = 0.85
with a lower mu and momentum carried over. Losses and every parameter agree within 1e-5.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from torch_dann import TorchDANN, lam_at, sgd, to_flax, train_step

from jaxdl.dann.step import State, make_train_step, optimizer
from jaxdl.models.dann import DANN

TOTAL, MU0, N = 4, 0.05, 16  # a large mu0 makes the steps move the weights visibly


@pytest.mark.parametrize("method", ["dann", "source-only", "target-only"])
def test_train_step_equals_pytorch_step(method):
    torch.manual_seed(0)
    reference = TorchDANN()
    params = jax.tree.map(jnp.asarray, to_flax(reference))
    model, tx = DANN(), optimizer(MU0, TOTAL)
    state = State(params=params, opt_state=tx.init(params), step=jnp.zeros((), jnp.int32))
    step, opt = make_train_step(model, tx, method, TOTAL), sgd(reference, MU0)
    rng = np.random.default_rng(1)
    for k in range(2):
        x = rng.uniform(-1, 1, (2 * N, 32, 32, 3)).astype(np.float32)
        y = rng.integers(0, 10, 2 * N)
        state, metrics = step(state, (x[:N], y[:N]), (x[N:], y[N:]), jax.random.key(0))
        xt, yt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()), torch.from_numpy(y)
        expected = train_step(reference, opt, method, (xt[:N], yt[:N]), (xt[N:], yt[N:]), k, TOTAL, MU0)
        assert float(metrics["lam"]) == pytest.approx(lam_at(k / TOTAL), rel=1e-6) and (k == 0) == (expected["lam"] == 0)
        for name in ("label_loss", "domain_loss"):
            np.testing.assert_allclose(float(metrics[name]), expected[name], atol=1e-5, err_msg=name)
        moved = 0.0
        for layer, arrays in to_flax(reference).items():
            for kind, value in arrays.items():
                np.testing.assert_allclose(np.asarray(state.params[layer][kind]), value, atol=1e-5, err_msg=f"{layer}.{kind}")
                moved = max(moved, float(np.abs(value - np.asarray(params[layer][kind])).max()))
        assert moved > 1e-3  # the step changed the weights far beyond the tolerance
