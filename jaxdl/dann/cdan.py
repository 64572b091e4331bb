"""CDAN (Long et al. 2018): the domain classifier sees the multilinear map of features and class probabilities; CDAN+E
weights its examples by 1 + exp(-entropy). Transcribed from the authors' code (thuml/CDAN, pytorch/loss.py, network.py).

The map f (x) g is d_f * d_c wide; above 4096 the paper uses the randomized map (R_f f) * (R_g g) / sqrt(d), d = 1024,
R_f and R_g fixed standard-normal matrices (here drawn from an explicit key). As in the authors' code, the class
probabilities enter the map detached, and the entropy's gradient, reversed by lam, reaches the classifier.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp

from jaxdl.models.grl import gradient_reversal

METHODS = ("cdan", "cdan+e")
RANDOMIZED_ABOVE = 4096  # d_f * d_c beyond which the paper randomizes the map
RANDOM_DIM = 1024  # its output width d


def multilinear_map(features: jnp.ndarray, probs: jnp.ndarray) -> jnp.ndarray:
    """N, d_c * d_f outer products g f^T flattened class-major (as the authors' torch.bmm(g[:, :, None], f[:, None]))."""
    return (probs[:, :, None] * features[:, None, :]).reshape(len(features), -1)


def random_matrices(key: jax.Array, feature_dim: int, num_classes: int, dim: int = RANDOM_DIM,
                    dtype: jnp.dtype = jnp.float32) -> tuple[jnp.ndarray, jnp.ndarray]:
    """(R_f d_f x d, R_g d_c x d), standard normal as the authors' torch.randn: fixed for the whole run."""
    kf, kg = jax.random.split(key)
    return jax.random.normal(kf, (feature_dim, dim), dtype), jax.random.normal(kg, (num_classes, dim), dtype)


def randomized_map(features: jnp.ndarray, probs: jnp.ndarray, matrices: tuple[jnp.ndarray, jnp.ndarray]) -> jnp.ndarray:
    """(f R_f) * (g R_g) / sqrt(d): an unbiased estimate of the multilinear map's inner products, d wide."""
    rf, rg = matrices
    return (features @ rf) / jnp.sqrt(jnp.asarray(rf.shape[1], features.dtype)) * (probs @ rg)


def conditioning(key: jax.Array) -> Callable[[jnp.ndarray, jnp.ndarray], jnp.ndarray]:
    """(features, class logits) -> the domain classifier's input: the multilinear map of the features and the detached
    class probabilities, randomized (matrices from `key`, drawn once per trace) when d_f * d_c > 4096."""
    def condition(features: jnp.ndarray, logits: jnp.ndarray) -> jnp.ndarray:
        probs = jax.lax.stop_gradient(jax.nn.softmax(logits))
        if features.shape[-1] * probs.shape[-1] <= RANDOMIZED_ABOVE:
            return multilinear_map(features, probs)
        with jax.ensure_compile_time_eval():  # constants of the compiled step, not drawn at every step
            matrices = random_matrices(key, features.shape[-1], probs.shape[-1], dtype=features.dtype)
        return randomized_map(features, probs, matrices)
    return condition


def entropy(probs: jnp.ndarray) -> jnp.ndarray:
    """H(g) = -sum g log(g + 1e-5) per row (the authors' epsilon)."""
    return -(probs * jnp.log(probs + 1e-5)).sum(-1)


def entropy_weights(logits: jnp.ndarray, n_source: int, lam: jnp.ndarray | float) -> jnp.ndarray:
    """CDAN+E's example weights 1 + exp(-H(g)), normalised to sum 1 within each domain (sums held constant); the
    entropy's gradient is reversed by lam, as the authors' hook does."""
    w = 1.0 + jnp.exp(-gradient_reversal(entropy(jax.nn.softmax(logits)), lam))
    is_source = jnp.arange(len(w)) < n_source
    total = jax.lax.stop_gradient(jnp.stack([jnp.where(is_source, w, 0).sum(), jnp.where(is_source, 0, w).sum()]))
    return w / jnp.where(is_source, total[0], total[1])
