"""GAN losses and training dynamics on tiny data (resume: tests/machinery/test_resume.py; divergence: tests/machinery/test_training.py)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxdl.gan.data import GanData, load
from jaxdl.gan.losses import discriminator_loss, nonsaturating_loss, saturating_loss
from jaxdl.gan.steps import dcgan_adam, init_state, make_train_step
from jaxdl.keys import prng_key
from jaxdl.models.dcgan import Discriminator, Generator


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


def tiny_data(n: int = 128) -> GanData:
    """n sklearn digits at 32x32 without labels."""
    data = load("digits", 32)
    return GanData(data.train[:n], None, data.held_out[:64], None, 0)


def test_a_few_steps_lower_the_discriminator_loss():
    """Twelve iterations on 128 real digits (nz 16, widths 8, batch 32): D's BCE falls from ~1.2."""
    images = tiny_data().train
    g, d, tx = Generator(nz=16, ngf=8), Discriminator(ndf=8), dcgan_adam()
    state, step = init_state(g, d, prng_key(0), tx, tx), jax.jit(make_train_step(g, d), donate_argnums=0)
    losses = []
    for i in range(12):
        state, metrics = step(state, (images[(i % 4) * 32:(i % 4 + 1) * 32], None), jax.random.fold_in(prng_key(1), i))
        losses.append(float(metrics["d_loss"]))
    assert losses[0] > 1.1 and np.mean(losses[-3:]) < losses[0] - 0.15, losses  # measured 1.21 -> 0.96
