"""The gradient reversal layer and the paper's schedules (lam_p and mu_p over progress p in [0, 1])."""

import jax
import jax.numpy as jnp
import optax


@jax.custom_vjp
def gradient_reversal(x: jnp.ndarray, lam: jnp.ndarray | float) -> jnp.ndarray:
    """Identity forward; backward multiplies the gradient by -lam. lam is traced, so changing it never recompiles."""
    return x


def _forward(x, lam):
    return x, lam


def _backward(lam, g):
    return -lam * g, jnp.zeros_like(lam)  # lam is a schedule value, not a trained parameter


gradient_reversal.defvjp(_forward, _backward)


def lam_schedule(p: jnp.ndarray | float, lam_max: float = 1.0) -> jnp.ndarray:
    """lam_p = lam_max * (2 / (1 + exp(-10 p)) - 1): 0 at the start (noisy domain signal), -> lam_max at the end."""
    return lam_max * (2.0 / (1.0 + jnp.exp(-10.0 * jnp.asarray(p, jnp.float32))) - 1.0)


def lr_schedule(mu0: float, total_steps: int) -> optax.Schedule:
    """mu_p = mu0 / (1 + 10 p)^0.75 with p = step / total_steps (an optax schedule)."""
    return lambda step: mu0 / (1.0 + 10.0 * jnp.minimum(step / total_steps, 1.0)) ** 0.75
