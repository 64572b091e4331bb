"""Integrated gradients (Sundararajan et al. 2017): (x - baseline) times the path integral of d logit_c / dx.

The integral over alpha in [0, 1] of the gradient at baseline + alpha (x - baseline) is a quadrature;
the rules carry captum's names. The steps x images gradients run `batch_size` at a time (jaxdl.visualize.gradient_sum;
default: one step of the whole batch per evaluation).
"""

from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from jaxdl.errors import JaxdlError
from jaxdl.visualize.gradient import input_gradient
from jaxdl.visualize.gradient_sum import check_batch_size, gradient_sum

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
                         baseline: jax.Array | float = 0.0, steps: int = 50, rule: str = "gausslegendre",
                         batch_size: int | None = None) -> tuple[jax.Array, jax.Array]:
    """(attributions N,H,W,C, selected logits N) of normalised images; `baseline` broadcasts against them
    (default 0: in normalised space, the dataset's mean colour); `batch_size` points per network evaluation (None:
    len(images)). Every rule with the same `steps` shares one compilation."""
    alphas, weights = quadrature(rule, steps)
    check_batch_size(batch_size)
    return path_integral(model, variables, images, classes, jnp.broadcast_to(jnp.asarray(baseline, images.dtype), images.shape),
                         jnp.asarray(alphas, images.dtype), jnp.asarray(weights, images.dtype), batch_size or len(images))


@partial(jax.jit, static_argnames=("model", "batch_size"))
def path_integral(model: nn.Module, variables: dict, images: jax.Array, classes: jax.Array, baseline: jax.Array,
                  alphas: jax.Array, weights: jax.Array, batch_size: int) -> tuple[jax.Array, jax.Array]:
    """(x - baseline) * sum_i weights_i * gradient at baseline + alphas_i (x - baseline), and the selected logits at x."""
    delta, n = images - baseline, len(images)

    def points(index: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
        step, image = index // n, index % n
        return baseline[image] + alphas[step][:, None, None, None] * delta[image], classes[image], image, weights[step]

    total = gradient_sum(model, variables, points, len(alphas) * n, images, batch_size)
    return delta * total, input_gradient(model, variables, images, classes)[1]
