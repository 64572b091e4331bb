"""FGSM and PGD (L-inf and L2) in pixel space [0, 1], as torchattacks computes them.

The attacked function takes pixel-space images (normalisation inside: `Subject.logits_of_pixels`);
eps and step are in pixel units. Per step: the gradient of the cross-entropy (of the label,
untargeted: ascent; of the target, targeted: descent), a step of `step` along its sign (L-inf) or
along it divided by (its L2 norm + 1e-10) (L2), the change projected back onto the eps ball (L-inf:
clipped per pixel; L2: scaled down to norm eps), then the image clipped to [0, 1]. FGSM is one
L-inf step of size eps. The loss is summed over the batch (torchattacks averages it): each image's
gradient is its own, whatever its batch; signs and L2 directions are the same.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax

from jaxdl.visualize.fooling import LogitsFn

NORMS = ("linf", "l2")
L2_DIVISION_EPS = 1e-10  # torchattacks' eps_for_division


def _l2(x: jax.Array) -> jax.Array:
    """Per-image L2 norm, shaped (N,1,1,1) to broadcast."""
    return jnp.sqrt(jnp.sum(x**2, axis=(1, 2, 3), keepdims=True))


def random_start(key: jax.Array, images: jax.Array, eps: float | jax.Array, norm: str) -> jax.Array:
    """A random point of the eps ball around each image, clipped to [0, 1] (L-inf: uniform per pixel;
    L2: a Gaussian direction scaled to a radius uniform in [0, eps])."""
    if norm == "linf":
        delta = jax.random.uniform(key, images.shape, minval=-eps, maxval=eps)
    else:
        direction, radius = jax.random.split(key)
        delta = jax.random.normal(direction, images.shape)
        delta = delta * jax.random.uniform(radius, (len(images), 1, 1, 1)) / _l2(delta) * eps
    return jnp.clip(images + delta, 0, 1)


def projected_step(adversarial: jax.Array, images: jax.Array, grads: jax.Array, eps: float | jax.Array, step: float | jax.Array,
                   norm: str) -> jax.Array:
    """One ascent step along `grads` of size `step`, the change projected onto the eps ball, then [0, 1]."""
    if norm == "linf":
        moved = adversarial + step * jnp.sign(grads)
        delta = jnp.clip(moved - images, -eps, eps)
    else:
        moved = adversarial + step * grads / (_l2(grads) + L2_DIVISION_EPS)
        delta = moved - images
        delta = delta * jnp.minimum(eps / _l2(delta), 1)
    return jnp.clip(images + delta, 0, 1)


def make_pgd(logits: LogitsFn, norm: str = "linf", start_at_random: bool = False) -> Callable[..., jax.Array]:
    """jit(variables, images, labels, targeted, eps, step, steps, key=None) -> adversarial images in [0, 1].

    `labels`: the true classes (untargeted: move away) or the targets (targeted: move towards);
    `key` is needed with `start_at_random`. FGSM: steps=1, step=eps. The steps are a `fori_loop` (memory independent of
    the steps; as fast as one jitted step called from Python since jaxdl.models.conv)."""
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")

    def loss(variables: dict, adversarial: jax.Array, labels: jax.Array, sign: jax.Array) -> jax.Array:
        return sign * optax.softmax_cross_entropy_with_integer_labels(logits(variables, adversarial), labels).sum()

    grad = jax.grad(loss, argnums=1)

    def pgd(variables: dict, images: jax.Array, labels: jax.Array, targeted: bool | jax.Array, eps: float | jax.Array,
            step: float | jax.Array, steps: int, key: jax.Array | None = None) -> jax.Array:
        sign = jnp.where(targeted, -1.0, 1.0)
        start = random_start(key, images, eps, norm) if start_at_random else images
        body = lambda _, adv: projected_step(adv, images, grad(variables, adv, labels, sign), eps, step, norm)  # noqa: E731
        return jax.lax.fori_loop(0, steps, body, start)

    return jax.jit(pgd)

