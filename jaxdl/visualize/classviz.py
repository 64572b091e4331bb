"""Class visualization, the course's method: gradient ascent on a class score in normalised space.

Simonyan et al. (2014) with the regularisers of Yosinski et al. (2015), exactly as the course's
`create_class_visualization`: start from N(0, 1) noise (or a given normalised image); each iteration
t = 0, 1, ...: roll the image by (oy, ox) on (H, W), each drawn in [0, max_jitter] inclusive; take a
plain gradient step `x += lr * d(logit_c - l2_reg * ||x||_2)/dx` (the course adds `learning_rate *
img.grad`, not normalised; the norm is not squared); roll back; clamp each channel to the normalised
image of [0, 1]; blur (sigma 0.5) when t % blur_every == 0, t = 0 included. With SqueezeNet the
logits pass a ReLU: a class whose map is all negative has zero gradient (counted and warned about).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from jaxdl.errors import JaxdlError
from jaxdl.visualize.ascent import Visualization, is_zero, run_in_chunks, scan_frames, warn_zero_gradients
from jaxdl.visualize.blur import gaussian_blur
from jaxdl.visualize.gradient import class_score_grad
from jaxdl.visualize.subject import Subject

COURSE_TARGETS = (76, 78, 187, 683, 366, 604, 113)  # tarantula, tick, Yorkshire terrier, oboe, gorilla, hourglass, snail


@dataclass(frozen=True)
class CourseSettings:
    """The course's defaults; blur_every 0 means never, max_jitter 0 means no jitter."""

    iterations: int = 200
    lr: float = 5.0
    l2_reg: float = 1e-3
    blur_every: int = 10
    sigma: float = 0.5
    max_jitter: int = 16


def jitter_offsets(key: jax.Array, iterations: int, max_jitter: int) -> jax.Array:
    """(iterations, 2) int32 rows (ox along W, oy along H), each uniform in [0, max_jitter] like `random.randint`."""
    return jax.random.randint(key, (iterations, 2), 0, max_jitter + 1, dtype=jnp.int32)


def clamp_bounds(subject: Subject) -> tuple[jax.Array, jax.Array]:
    """Per channel, the normalised images of pixel values 0 and 1: the box the course clamps to."""
    return subject.to_normalized(jnp.zeros(1)), subject.to_normalized(jnp.ones(1))


def l2_norms(images: jax.Array) -> jax.Array:
    """||x||_2 of each image of the batch (the course's `torch.norm(img)`, one image)."""
    return jnp.sqrt(jnp.sum(images**2, axis=tuple(range(1, images.ndim))))


def course_ascent(logits: Callable, sigma: float = 0.5) -> Callable:
    """Build once per run: jitted `advance(variables, targets, lr, l2_reg, blur_every, low, high, images, offsets, start)`.

    `offsets` (frames, frame_every, 2) hold each iteration's (ox, oy); returns (images, frames, zero_steps), the
    frames being the images after each row of offsets; `start` is the index t of the first iteration."""

    def step(params: tuple, carry: tuple[jax.Array, jax.Array, jax.Array], offset: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        variables, targets, lr, l2_reg, blur_every, low, high = params
        x, t, zeros = carry
        shift = (offset[1], offset[0])
        x = jnp.roll(x, shift, axis=(1, 2))
        score_grad, _ = class_score_grad(logits, variables, x, targets)
        x = x + lr * (score_grad - l2_reg * jax.grad(lambda y: jnp.sum(l2_norms(y)))(x))
        x = jnp.clip(jnp.roll(x, (-shift[0], -shift[1]), axis=(1, 2)), low, high)
        blur = (blur_every > 0) & (t % jnp.maximum(blur_every, 1) == 0)
        x = jax.lax.cond(blur, lambda y: gaussian_blur(y, sigma), lambda y: y, x)
        return x, t + 1, zeros + is_zero(score_grad)

    @jax.jit
    def advance(variables: dict, targets: jax.Array, lr: float, l2_reg: float, blur_every: int, low: jax.Array, high: jax.Array,
                images: jax.Array, offsets: jax.Array, start: int) -> tuple[jax.Array, jax.Array, jax.Array]:
        params = (variables, targets, lr, l2_reg, blur_every, low, high)
        carry = (images, jnp.asarray(start, jnp.int32), jnp.zeros(len(images), jnp.int32))
        (images, _, zeros), frames = scan_frames(partial(step, params), carry, offsets, lambda c: c[0])
        return images, frames, zeros

    return advance


def visualize_classes(subject: Subject, targets: Sequence[int], key: jax.Array | None = None,
                      init: jax.Array | None = None, settings: CourseSettings = CourseSettings(),
                      shape: tuple[int, int, int] = (224, 224, 3), offsets: jax.Array | None = None,
                      frame_every: int = 10, progress: bool = True, advance: Callable | None = None) -> Visualization:
    """The course's class visualization of each target at once (batched), from N(0, 1) noise of `shape` or `init`.

    `init`: normalised images (1 or len(targets), H, W, C); `offsets` (iterations, 2): the jitter sequence, else
    drawn from `key`; `advance`: a `course_ascent` built earlier in this run (built here if None)."""
    targets = np.asarray(targets, np.int32)
    if key is None and (init is None or offsets is None):
        raise JaxdlError("a key is needed to draw the initial noise or the jitter offsets")
    noise_key, jitter_key = jax.random.split(key) if key is not None else (None, None)
    if init is None:
        init = jax.random.normal(noise_key, (len(targets), *shape))
    images = jnp.broadcast_to(jnp.asarray(init), (len(targets), *np.shape(init)[1:]))
    if offsets is None:
        offsets = jitter_offsets(jitter_key, settings.iterations, settings.max_jitter)
    advance = advance or course_ascent(subject.logits, settings.sigma)
    low, high = clamp_bounds(subject)
    params = (subject.variables, targets, settings.lr, settings.l2_reg, settings.blur_every, low, high)
    final, frames, zeros = run_in_chunks(lambda x, rows, start: advance(*params, x, rows, start), images,
                                         offsets, frame_every, progress)
    warn_zero_gradients(zeros, targets, len(offsets))
    return Visualization(np.asarray(final), np.concatenate([np.asarray(images)[None], frames]), targets, zeros)
