"""The gradient reversal layer (Ganin & Lempitsky 2015): identity forward, gradient times -lam backward."""

import jax
import jax.numpy as jnp


@jax.custom_vjp
def gradient_reversal(x: jnp.ndarray, lam: jnp.ndarray | float) -> jnp.ndarray:
    """Identity forward; backward multiplies the gradient by -lam. lam is traced, so changing it never recompiles."""
    return x


def _forward(x: jnp.ndarray, lam: jnp.ndarray | float) -> tuple[jnp.ndarray, jnp.ndarray | float]:
    return x, lam


def _backward(lam: jnp.ndarray | float, g: jnp.ndarray) -> tuple[jnp.ndarray, jnp.ndarray]:
    return -lam * g, jnp.zeros_like(lam)  # lam is a schedule value, not a trained parameter


gradient_reversal.defvjp(_forward, _backward)
