"""Gradient reversal, the paper's schedules, train_step purity/tracing, padded evaluation."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxdl.dann.schedules import lam_schedule, lr_schedule
from jaxdl.dann.step import init_state, make_train_step, optimizer
from jaxdl.dann.train import _forward, predict
from jaxdl.models.dann import DANN
from jaxdl.models.grl import gradient_reversal


@pytest.mark.parametrize("lam", [0.0, 0.3, 1.0, 2.5])
def test_grl_gradient_is_minus_lam_identity(lam):
    x = jnp.linspace(-1, 1, 6).reshape(2, 3)
    jac = jax.jacobian(lambda v: gradient_reversal(v, lam))(x)
    identity = jax.jacobian(lambda v: v)(x)
    np.testing.assert_array_equal(np.asarray(jac), -lam * np.asarray(identity))
    np.testing.assert_array_equal(np.asarray(gradient_reversal(x, lam)), np.asarray(x))


def test_lam_zero_blocks_domain_gradient_into_features():
    model = DANN()
    x = jax.random.uniform(jax.random.key(0), (4, 32, 32, 3))
    params = model.init(jax.random.key(1), x)["params"]

    def domain_loss(p, lam):
        return model.apply({"params": p}, x, lam)[1].sum()

    grads0 = jax.grad(domain_loss)(params, 0.0)
    assert float(jnp.abs(grads0["conv1"]["kernel"]).max()) == 0.0
    assert float(jnp.abs(grads0["conv2"]["kernel"]).max()) == 0.0
    assert float(jnp.abs(grads0["dom_fc1"]["kernel"]).max()) > 0.0
    g1, g2 = jax.grad(domain_loss)(params, 1.0), jax.grad(domain_loss)(params, 2.0)
    np.testing.assert_allclose(np.asarray(g2["conv1"]["kernel"]), 2 * np.asarray(g1["conv1"]["kernel"]), rtol=1e-5, atol=1e-7)
    assert float(jnp.abs(g1["conv1"]["kernel"]).max()) > 0.0


def test_lam_is_traced_no_recompile():
    traces = []

    @jax.jit
    def f(x, lam):
        traces.append(1)
        return jax.grad(lambda v: gradient_reversal(v, lam).sum())(x)

    for lam in (0.0, 0.5, 0.9, 1.0):
        np.testing.assert_array_equal(np.asarray(f(jnp.ones(3), lam)), -np.float32(lam) * np.ones(3, np.float32))
    assert len(traces) == 1


def test_schedules_at_p_0_half_1():
    np.testing.assert_allclose([float(lam_schedule(p)) for p in (0, 0.5, 1)], [0.0, 0.9866142981514305, 0.9999092042625951], rtol=1e-6)
    assert float(lam_schedule(0.5, lam_max=0.1)) == pytest.approx(0.09866143, rel=1e-6)
    lr = lr_schedule(0.01, 100)
    np.testing.assert_allclose([float(lr(s)) for s in (0, 50, 100)], [0.01, 0.01 / 6 ** 0.75, 0.01 / 11 ** 0.75], rtol=1e-6)


def test_train_step_is_pure_and_lam_follows_step():
    model, tx = DANN(), optimizer(0.01, 10)
    state = init_state(model, tx, jax.random.key(0))
    x = jax.random.uniform(jax.random.key(1), (8, 32, 32, 3))
    y = jnp.arange(8) % 10
    step = jax.jit(make_train_step(model, "dann", 10))
    a, ma = step(state, ((x, y), (x[::-1], y)), jax.random.key(2))
    b, mb = step(state, ((x, y), (x[::-1], y)), jax.random.key(2))
    for u, v in zip(jax.tree.leaves(a), jax.tree.leaves(b)):
        np.testing.assert_array_equal(np.asarray(u), np.asarray(v))
    assert {k: float(v) for k, v in ma.items()} == {k: float(v) for k, v in mb.items()}
    assert float(ma["lam"]) == 0.0 and int(a.step) == 1
    _, m2 = step(a, ((x, y), (x, y)), jax.random.key(2))
    assert float(m2["lam"]) == pytest.approx(float(lam_schedule(0.1)), rel=1e-6)
    assert 0.0 <= float(ma["domain_acc"]) <= 1.0 and float(ma["label_loss"]) > 1.0
    with pytest.raises(ValueError, match="method must be one of"):
        make_train_step(model, "coral", 10)


def test_predict_pads_the_last_batch_and_compiles_once():
    """1,100 and 700 images in batches of 500 (last batches 100 and 200): one compiled shape, same outputs as one batch."""
    params = DANN().init(jax.random.key(0), jnp.zeros((1, 32, 32, 3)))["params"]
    x = np.random.default_rng(0).uniform(-1, 1, (1100, 32, 32, 3)).astype(np.float32)
    before = _forward._cache_size()
    classes, features = predict(params, x, batch_size=500)
    predict(params, x[:700], batch_size=500)
    assert _forward._cache_size() - before <= 1  # unpadded: 500, 100 and 200 rows, three compilations
    logits, _, whole = DANN().apply({"params": params}, x, 0.0)
    np.testing.assert_array_equal(classes, np.asarray(logits).argmax(-1))
    np.testing.assert_allclose(features, np.asarray(whole), atol=1e-5)
