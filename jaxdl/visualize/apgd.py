"""APGD (Croce and Hein 2020), untargeted, in pixel space [0, 1], with torchattacks' / auto-attack's conventions.

Per restart: a random start on the eps-ball's surface (L-inf: uniform direction scaled to max |delta| = eps; L2: a
Gaussian direction of norm eps), step size 2 eps, steps with momentum 0.75 (none at the first). Checkpoints every k
steps (k starts at max(0.22 steps, 1) and shrinks by max(0.03 steps, 1) to at least max(0.06 steps, 1)): an image halves
its step size and goes back to its best point when its loss rose in at most rho * k of the last k steps, or when its best
loss did not improve since the last checkpoint and its step was not halved then. The oscillation count reads the loss
history as the reference code does: in float32, and the step before the first is the zero-initialised last row. An image counts as
robust when no iterate of any restart fooled it; its adversarial image is the last fooling iterate.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax

from jaxdl.errors import JaxdlError
from jaxdl.visualize.fooling import LogitsFn

LOSSES = ("ce", "dlr")
NORMS = ("linf", "l2")
MOMENTUM = 0.75
DIVISION_EPS = 1e-12  # the reference code's


def dlr_loss(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """Difference of logits ratio per image: -(z_y - max_{j != y} z_j) / (z_(1) - z_(3)), z_(i) the i-th largest."""
    ordered = jnp.sort(logits, axis=1)
    first = jnp.argmax(logits, axis=1) == labels
    other = jnp.where(first, ordered[:, -2], ordered[:, -1])
    true = jnp.take_along_axis(logits, labels[:, None], axis=1)[:, 0]
    return -(true - other) / (ordered[:, -1] - ordered[:, -3] + DIVISION_EPS)


def _l2(x: jax.Array) -> jax.Array:
    """Per-image L2 norm, shaped (N,1,1,1)."""
    return jnp.sqrt(jnp.sum(x**2, axis=(1, 2, 3), keepdims=True))


def _project_l2(images: jax.Array, moved: jax.Array, eps: jax.Array, slack: float) -> jax.Array:
    """The reference code's L2 projection: the change scaled to norm min(eps, its norm + slack), then [0, 1]."""
    delta = moved - images
    norm = _l2(delta)
    return jnp.clip(images + delta / (norm + DIVISION_EPS) * jnp.minimum(eps, norm + slack), 0, 1)


def apgd_step(x_adv: jax.Array, images: jax.Array, grad: jax.Array, previous_change: jax.Array, step: jax.Array,
              eps: jax.Array, momentum: jax.Array, norm: str) -> jax.Array:
    """One step: the projected gradient step z, then x + momentum (z - x) + (1 - momentum) (x - x_previous), projected."""
    if norm == "linf":
        project = lambda z: jnp.clip(jnp.clip(z, images - eps, images + eps), 0, 1)  # noqa: E731
        z = project(x_adv + step * jnp.sign(grad))
        return project(x_adv + (z - x_adv) * momentum + previous_change * (1 - momentum))
    z = _project_l2(images, x_adv + step * grad / (_l2(grad) + DIVISION_EPS), eps, 0.0)
    return _project_l2(images, x_adv + (z - x_adv) * momentum + previous_change * (1 - momentum), eps, DIVISION_EPS)


def surface_start(key: jax.Array, images: jax.Array, eps: jax.Array, norm: str) -> jax.Array:
    """A random point at distance eps (L-inf or L2) of each image, clipped to [0, 1]."""
    if norm == "linf":
        t = jax.random.uniform(key, images.shape, images.dtype, -1.0, 1.0)
        scale = jnp.abs(t).max(axis=(1, 2, 3), keepdims=True)
    else:
        t = jax.random.normal(key, images.shape, images.dtype)
        scale = _l2(t) + DIVISION_EPS
    return jnp.clip(images + eps * t / scale, 0, 1)


def make_apgd_run(logits: LogitsFn, norm: str = "linf", loss: str = "ce", rho: float = 0.75) -> Callable[..., tuple[jax.Array, jax.Array]]:
    """jit(variables, images, labels, eps, steps, start) -> (last fooling iterate else `start`, correct at every iterate):
    one restart of APGD from the given `start` (a point of the eps ball), `steps` >= 1."""
    if norm not in NORMS:
        raise JaxdlError(f"APGD norm must be one of {', '.join(NORMS)}, got {norm!r}")
    if loss not in LOSSES:
        raise JaxdlError(f"APGD loss must be one of {', '.join(LOSSES)}, got {loss!r}")
    criterion = optax.softmax_cross_entropy_with_integer_labels if loss == "ce" else dlr_loss

    def loss_and_grad(variables: dict, x: jax.Array, labels: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        """(per-image loss, per-image correctness, gradient of the summed loss)."""
        def total(z: jax.Array) -> tuple[jax.Array, tuple[jax.Array, jax.Array]]:
            scores = logits(variables, z)
            each = criterion(scores, labels)
            return each.sum(), (each, jnp.argmax(scores, axis=1) == labels)

        grad, (each, correct) = jax.grad(total, has_aux=True)(x)
        return each, correct, grad

    def single_run(variables: dict, images: jax.Array, labels: jax.Array, eps: float | jax.Array, steps: int,
                   start: jax.Array) -> tuple[jax.Array, jax.Array]:
        eps = jnp.asarray(eps, images.dtype)
        first_k, min_k, decrease = max(int(0.22 * steps), 1), max(int(0.06 * steps), 1), max(int(0.03 * steps), 1)
        n = len(images)
        loss, correct, grad = loss_and_grad(variables, start, labels)
        state = {"x": start, "x_old": start, "grad": grad, "step": jnp.full((n, 1, 1, 1), 2 * eps, images.dtype),
                 "x_best": start, "grad_best": grad, "loss_best": loss, "fooling": start, "robust": correct,
                 "history": jnp.zeros((steps, n), jnp.float32), "since": jnp.int32(0), "k": jnp.int32(first_k),
                 "best_at_check": loss, "halved_at_check": jnp.ones(n, bool)}

        def body(i: jax.Array, s: dict) -> dict:
            momentum = jnp.where(i > 0, MOMENTUM, 1.0).astype(images.dtype)
            x = apgd_step(s["x"], images, s["grad"], s["x"] - s["x_old"], s["step"], eps, momentum, norm)
            loss, correct, grad = loss_and_grad(variables, x, labels)
            wide = lambda mask: mask[:, None, None, None]  # noqa: E731
            better = loss > s["loss_best"]
            loss_best = jnp.where(better, loss, s["loss_best"])
            history = s["history"].at[i].set(loss.astype(jnp.float32))
            rows = jnp.arange(steps)
            recent = (rows <= i) & (rows > i - s["k"])
            rises = jnp.sum((history > jnp.roll(history, 1, axis=0)) & recent[:, None], axis=0)
            check = s["since"] + 1 == s["k"]
            halve = check & ((rises <= s["k"] * rho) | (~s["halved_at_check"] & (s["best_at_check"] >= loss_best)))
            x_best, grad_best = jnp.where(wide(better), x, s["x_best"]), jnp.where(wide(better), grad, s["grad_best"])
            return {"x": jnp.where(wide(halve), x_best, x), "x_old": s["x"], "grad": jnp.where(wide(halve), grad_best, grad),
                    "step": jnp.where(wide(halve), s["step"] / 2, s["step"]), "x_best": x_best, "grad_best": grad_best,
                    "loss_best": loss_best, "fooling": jnp.where(wide(correct), s["fooling"], x),
                    "robust": s["robust"] & correct, "history": history, "since": jnp.where(check, 0, s["since"] + 1),
                    "k": jnp.where(check, jnp.maximum(s["k"] - decrease, min_k), s["k"]),
                    "best_at_check": jnp.where(check, loss_best, s["best_at_check"]),
                    "halved_at_check": jnp.where(check, halve, s["halved_at_check"])}

        final = jax.lax.fori_loop(0, steps, body, state)
        return final["fooling"], final["robust"]

    return jax.jit(single_run, static_argnames="steps")


def make_apgd(logits: LogitsFn, norm: str = "linf", loss: str = "ce", rho: float = 0.75) -> Callable[..., tuple[jax.Array, jax.Array]]:
    """jit(variables, images, labels, eps, steps, restarts, key) -> (adversarial images, robust per image).

    Each restart starts at a random point of the eps ball's surface; images already misclassified are not robust (their
    adversarial image is the clean one)."""
    single_run = make_apgd_run(logits, norm, loss, rho)

    def apgd(variables: dict, images: jax.Array, labels: jax.Array, eps: float | jax.Array, steps: int, restarts: int,
             key: jax.Array) -> tuple[jax.Array, jax.Array]:
        eps = jnp.asarray(eps, images.dtype)
        robust = jnp.argmax(logits(variables, images), axis=1) == labels

        def restart(r: jax.Array, carry: tuple[jax.Array, jax.Array]) -> tuple[jax.Array, jax.Array]:
            adversarial, robust = carry
            start = surface_start(jax.random.fold_in(key, r), images, eps, norm)
            fooling, still = single_run(variables, images, labels, eps, steps, start)
            newly = robust & ~still
            return jnp.where(newly[:, None, None, None], fooling, adversarial), robust & still

        return jax.lax.fori_loop(0, restarts, restart, (images, robust))

    return jax.jit(apgd, static_argnames=("steps", "restarts"))
