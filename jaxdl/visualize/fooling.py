"""The course's fooling images, in normalised space: `x <- x + lr * g / ||g||_2` with g = d logit_target / dx.

Every image of the batch steps until the network predicts its target (no clamping), then stays as it
is; the whole batch runs as one `lax.while_loop` inside one jit, which ends when every image is
fooled or after `max_iter` steps.
"""

from collections.abc import Callable

import jax
import jax.numpy as jnp

from jaxdl.visualize.gradient import class_score_grad

LogitsFn = Callable[[dict, jax.Array], jax.Array]  # (variables, images) -> class scores (N, classes)


def fooling_step(images: jax.Array, grads: jax.Array, lr: float | jax.Array) -> jax.Array:
    """One course step per image: move by exactly `lr` (L2 over the whole image) along its gradient (a zero gradient stays put)."""
    norms = jnp.sqrt(jnp.sum(grads**2, axis=(1, 2, 3), keepdims=True))
    return images + lr * jnp.where(norms > 0, grads / jnp.where(norms > 0, norms, 1), 0)


def make_fooling(logits: LogitsFn) -> Callable[..., tuple[jax.Array, jax.Array, jax.Array]]:
    """jit(variables, images, targets, lr=1.0, max_iter=100) -> (fooled images, steps per image, success per image).

    `images` are normalised (N,H,W,C); an image already predicted as its target takes 0 steps."""
    def fool(variables: dict, images: jax.Array, targets: jax.Array, lr: float = 1.0, max_iter: int = 100) -> tuple[jax.Array, jax.Array, jax.Array]:
        def running(state: tuple) -> jax.Array:
            _, done, _, i = state
            return (i < max_iter) & ~jnp.all(done)

        def step(state: tuple) -> tuple:
            x, done, steps, i = state
            grads, scores = class_score_grad(logits, variables, x, targets)
            done = done | (jnp.argmax(scores, axis=1) == targets)
            x = jnp.where(done[:, None, None, None], x, fooling_step(x, grads, lr))
            return x, done, steps + ~done, i + 1

        start = (images, jnp.zeros(len(images), bool), jnp.zeros(len(images), jnp.int32), jnp.int32(0))
        fooled, _, steps, _ = jax.lax.while_loop(running, step, start)
        success = jnp.argmax(logits(variables, fooled), axis=1) == targets
        return fooled, steps, success

    return jax.jit(fool)
