"""The gradient reversal layer (Ganin & Lempitsky 2015): identity forward, gradient times -lam backward."""

import jax
import jax.numpy as jnp


@jax.custom_jvp
def gradient_reversal(x: jnp.ndarray, lam: jnp.ndarray | float) -> jnp.ndarray:
    """Identity forward; its derivative is -lam times the identity, so the gradient (its transpose) is multiplied by
    -lam. A `custom_jvp`, so forward mode sees the same reversal. lam is traced: changing it never recompiles."""
    return x


@gradient_reversal.defjvp
def _reversed(primals: tuple, tangents: tuple) -> tuple[jnp.ndarray, jnp.ndarray]:
    """lam is a schedule value, not a trained parameter: its tangent is dropped."""
    (x, lam), (x_dot, _) = primals, tangents
    return x, -jnp.asarray(lam, x_dot.dtype) * x_dot
