"""Robust accuracy under an untargeted attack: which images keep their true class everywhere the attack looked.

FGSM is one L-inf step of size eps. PGD (L-inf or L2) takes `steps` steps of 2.5 eps / steps (Madry et al. 2018) from a
random point of the eps ball, once per restart; APGD (jaxdl.visualize.apgd) restarts from the ball's surface. An image
is robust when it is classified correctly and no restart's final (PGD) or any (APGD) iterate changes its class.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp

from jaxdl.errors import JaxdlError
from jaxdl.visualize.apgd import make_apgd
from jaxdl.visualize.attacks import make_pgd
from jaxdl.visualize.fooling import LogitsFn

NORM_OF = {"fgsm": "linf", "pgd": "linf", "pgdl2": "l2", "apgd-ce": "linf", "apgd-dlr": "linf"}  # attack -> its ball
ATTACKS = tuple(NORM_OF)
PGD_STEP = 2.5  # PGD's step is PGD_STEP * eps / steps
Robust = Callable[[dict, jax.Array, jax.Array, jax.Array, jax.Array], jax.Array]  # (variables, pixels, labels, eps, key)


def make_robust(logits: LogitsFn, attack: str, steps: int = 10, restarts: int = 1) -> Robust:
    """jit(variables, pixels, labels, eps, key) -> robust per image under `attack` (eps: the radius in its own norm)."""
    if attack not in NORM_OF:
        raise JaxdlError(f"unknown attack {attack!r}; choose among: {', '.join(ATTACKS)}")
    if steps < 1 or restarts < 1:
        raise JaxdlError(f"steps and restarts must be at least 1, got steps={steps}, restarts={restarts}")

    def correct(variables: dict, pixels: jax.Array, labels: jax.Array) -> jax.Array:
        return jnp.argmax(logits(variables, pixels), axis=1) == labels

    if attack.startswith("apgd"):
        apgd = make_apgd(logits, "linf", attack.removeprefix("apgd-"))
        return jax.jit(lambda v, x, y, eps, key: apgd(v, x, y, eps, steps, restarts, key)[1])
    if attack == "fgsm":
        fgsm = make_pgd(logits, "linf")
        return jax.jit(lambda v, x, y, eps, key: correct(v, x, y) & correct(v, fgsm(v, x, y, False, eps, eps, 1), y))
    pgd = make_pgd(logits, NORM_OF[attack], start_at_random=True)

    def robust(variables: dict, pixels: jax.Array, labels: jax.Array, eps: jax.Array, key: jax.Array) -> jax.Array:
        def restart(r: jax.Array, still: jax.Array) -> jax.Array:
            adversarial = pgd(variables, pixels, labels, False, eps, PGD_STEP * eps / steps, steps, jax.random.fold_in(key, r))
            return still & correct(variables, adversarial, labels)

        return jax.lax.fori_loop(0, restarts, restart, correct(variables, pixels, labels))

    return jax.jit(robust)
