"""GAN losses, training dynamics, resume and divergence handling on tiny data."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxdl import checkpoint
from jaxdl.gan.data import GanData, load
from jaxdl.gan.losses import discriminator_loss, nonsaturating_loss, saturating_loss
from jaxdl.gan.steps import dcgan_adam, init_state, make_train_step
from jaxdl.gan.train import GanConfig, TrainingDiverged, fit
from jaxdl.keys import prng_key
from jaxdl.models.dcgan import Discriminator, Generator

TINY = {"nz": 16, "ngf": 8, "ndf": 8, "batch_size": 32}


def test_losses_equal_their_formulas():
    """D's BCE and both generator losses equal the textbook expressions, and stay finite where D saturates."""
    real, fake = np.array([-2.0, 0.3, 4.0]), np.array([-3.0, 0.0, 1.5])
    d = lambda logit: 1 / (1 + np.exp(-logit))
    assert np.isclose(discriminator_loss(real, fake), -np.mean(np.log(d(real))) - np.mean(np.log(1 - d(fake))), rtol=1e-6)
    assert np.isclose(nonsaturating_loss(fake), -np.mean(np.log(d(fake))), rtol=1e-6)
    assert np.isclose(saturating_loss(fake), np.mean(np.log(1 - d(fake))), rtol=1e-6)
    assert float(nonsaturating_loss(jnp.array([-200.0]))) == pytest.approx(200.0)  # log D = log(0) without log-sigmoid
    assert float(saturating_loss(jnp.array([200.0]))) == pytest.approx(-200.0)
    assert float(discriminator_loss(jnp.array([200.0]), jnp.array([-200.0]))) == pytest.approx(0.0, abs=1e-30)
    # The course's point: when D rejects a fake (D(G(z)) ~ 5e-5) the minimax gradient vanishes, the non-saturating one does not.
    rejected = jnp.array([-10.0])
    assert abs(float(jax.grad(saturating_loss)(rejected)[0])) < 1e-4
    assert float(jax.grad(nonsaturating_loss)(rejected)[0]) == pytest.approx(-1.0, abs=1e-4)


def tiny_data(n: int = 128, poisoned: bool = False) -> GanData:
    """n sklearn digits at 32x32 without labels (no scoring classifier); `poisoned` puts a NaN in every image."""
    data = load("digits", 32)
    train = data.train[:n].copy()
    if poisoned:
        train[:, 0, 0, 0] = np.nan
    return GanData(train, None, data.held_out[:64], None, 0)


def test_a_few_steps_lower_the_discriminator_loss():
    """Twelve iterations on 128 real digits (TINY's shapes, so the compiled step is shared): D's BCE falls from ~1.2."""
    images = tiny_data().train
    g, d, tx = Generator(nz=16, ngf=8), Discriminator(ndf=8), dcgan_adam()
    state, step = init_state(g, d, prng_key(0), tx, tx), jax.jit(make_train_step(g, d, tx, tx), donate_argnums=0)
    losses = []
    for i in range(12):
        state, metrics = step(state, (images[(i % 4) * 32:(i % 4 + 1) * 32], None), jax.random.fold_in(prng_key(1), i))
        losses.append(float(metrics["d_loss"]))
    assert losses[0] > 1.1 and np.mean(losses[-3:]) < losses[0] - 0.15, losses  # measured 1.21 -> 0.96


@pytest.mark.slow
def test_resume_is_bit_identical_and_divergence_keeps_the_last_good_checkpoint(tmp_path):
    """2 epochs in one go == 1 epoch + resume; a NaN loss stops with a clear message and keeps that checkpoint."""
    data = tiny_data()
    straight = fit(GanConfig(epochs=2, out=str(tmp_path / "a"), **TINY), data)
    fit(GanConfig(epochs=1, out=str(tmp_path / "b"), **TINY), data)
    resumed = fit(GanConfig(epochs=2, out=str(tmp_path / "b"), **TINY), data)
    assert len(straight["steps"]) == 8 and straight["steps"] == resumed["steps"]  # every loss bit-identical
    like = init_state(Generator(nz=16, ngf=8), Discriminator(ndf=8), prng_key(0), dcgan_adam(), dcgan_adam())
    a, _ = checkpoint.restore_latest(checkpoint.manager(tmp_path / "a" / "checkpoints"), like)
    b, _ = checkpoint.restore_latest(checkpoint.manager(tmp_path / "b" / "checkpoints"), like)
    assert all(jax.tree_util.tree_leaves(jax.tree_util.tree_map(lambda x, y: bool(jnp.array_equal(x, y)), a, b)))
    for name in ("samples/epoch_002.png", "samples.gif", "losses.png", "interpolation.png", "history.json"):
        assert (tmp_path / "a" / name).is_file(), name
    with pytest.raises(TrainingDiverged, match=r"non-finite .*d_loss=nan.* at step 9; .*last good checkpoint is kept"):
        fit(GanConfig(epochs=3, out=str(tmp_path / "a"), **TINY), tiny_data(poisoned=True))
    assert checkpoint.manager(tmp_path / "a" / "checkpoints").latest_step() == 8
