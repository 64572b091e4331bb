"""The DANN paper's schedules over training progress p in [0, 1]: the reversal factor lam_p and the learning rate mu_p."""

import jax.numpy as jnp
import optax


def lam_schedule(p: jnp.ndarray | float, lam_max: float = 1.0) -> jnp.ndarray:
    """lam_p = lam_max * (2 / (1 + exp(-10 p)) - 1): 0 at the start (noisy domain signal), -> lam_max at the end."""
    return lam_max * (2.0 / (1.0 + jnp.exp(-10.0 * jnp.asarray(p, jnp.float32))) - 1.0)


def lr_schedule(mu0: float, total_steps: int) -> optax.Schedule:
    """mu_p = mu0 / (1 + 10 p)^0.75 with p = step / total_steps (an optax schedule)."""
    return lambda step: mu0 / (1.0 + 10.0 * jnp.minimum(step / total_steps, 1.0)) ** 0.75
