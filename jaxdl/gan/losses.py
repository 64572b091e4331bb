"""GAN losses from the equations, on discriminator logits, with stable log-sigmoids.

With D(x) = sigmoid(l): log D = log_sigmoid(l) and log(1 - D) = log_sigmoid(-l), exact for any l
(no log(0) when D saturates). Every loss is a mean over the batch and is minimised.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp

Loss = Callable[[jax.Array], jax.Array]


def discriminator_loss(real_logits: jax.Array, fake_logits: jax.Array) -> jax.Array:
    """-[E log D(x) + E log(1 - D(G(z)))]: D's binary cross-entropy, real labelled 1 and fake 0."""
    return -jnp.mean(jax.nn.log_sigmoid(real_logits)) - jnp.mean(jax.nn.log_sigmoid(-fake_logits))


def nonsaturating_loss(fake_logits: jax.Array) -> jax.Array:
    """-E log D(G(z)): G maximises log D(G(z)); strong gradients while D rejects the fakes."""
    return -jnp.mean(jax.nn.log_sigmoid(fake_logits))


def saturating_loss(fake_logits: jax.Array) -> jax.Array:
    """E log(1 - D(G(z))): the original minimax objective for G; its gradient vanishes when D wins."""
    return jnp.mean(jax.nn.log_sigmoid(-fake_logits))


GENERATOR_LOSSES: dict[str, Loss] = {"nonsaturating": nonsaturating_loss, "saturating": saturating_loss}
