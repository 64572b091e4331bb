"""Integrated gradients (Sundararajan et al. 2017): (x - baseline) times the path integral of d logit_c / dx.

The integral over alpha in [0, 1] of the gradient at baseline + alpha (x - baseline) is a quadrature;
the rules carry captum's names. One `lax.scan` over the steps, each a gradient of the whole batch.
"""

from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from jaxdl.errors import JaxdlError
from jaxdl.visualize.gradient import input_gradient

RULES = ("riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid", "gausslegendre")


def quadrature(rule: str, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """(alphas, weights) of `steps` points on [0, 1].

    riemann_trapezoid is the true trapezoid rule (weights sum to 1); captum's scales it by (steps - 1) / steps."""
    if rule not in RULES:
        raise JaxdlError(f"unknown integration rule {rule!r}; choose one of: {', '.join(RULES)}")
    if steps < 2:
        raise JaxdlError(f"integrated gradients needs at least 2 steps, got {steps}")
    if rule == "gausslegendre":
        nodes, weights = np.polynomial.legendre.leggauss(steps)
        return (nodes + 1) / 2, weights / 2
    if rule == "riemann_trapezoid":
        weights = np.full(steps, 1 / (steps - 1))
        weights[[0, -1]] /= 2
        return np.linspace(0, 1, steps), weights
    offset = {"riemann_left": 0.0, "riemann_middle": 0.5, "riemann_right": 1.0}[rule]
    return (np.arange(steps) + offset) / steps, np.full(steps, 1 / steps)


def integrated_gradients(model: nn.Module, variables: dict, images: jax.Array, classes: jax.Array,
                         baseline: jax.Array | float = 0.0, steps: int = 50,
                         rule: str = "gausslegendre") -> tuple[jax.Array, jax.Array]:
    """(attributions N,H,W,C, selected logits N) of normalised images; `baseline` broadcasts against them
    (default 0: in normalised space, the dataset's mean colour). Every rule with the same `steps` shares one compilation."""
    alphas, weights = quadrature(rule, steps)
    return path_integral(model, variables, images, classes, jnp.asarray(baseline, images.dtype),
                         jnp.asarray(alphas, images.dtype), jnp.asarray(weights, images.dtype))


@partial(jax.jit, static_argnames="model")
def path_integral(model: nn.Module, variables: dict, images: jax.Array, classes: jax.Array, baseline: jax.Array,
                  alphas: jax.Array, weights: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(x - baseline) * sum_i weights_i * gradient at baseline + alphas_i (x - baseline), and the selected logits at x."""
    delta = images - baseline

    def add_step(total: jax.Array, point: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, None]:
        alpha, weight = point
        return total + weight * input_gradient(model, variables, baseline + alpha * delta, classes)[0], None

    total, _ = jax.lax.scan(add_step, jnp.zeros_like(images), (alphas, weights))
    return delta * total, input_gradient(model, variables, images, classes)[1]
