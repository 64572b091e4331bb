"""What every class-visualization method shares: the gradient of a class score, the chunked run with frames, the result.

A method is a jitted `advance(state, per_step, start) -> (state, frames, zero_steps)` that runs one lax.scan
over `per_step` (the random transform of each iteration, shaped frames x frame_every x ...) and returns the
image after every `frame_every` iterations. `run_in_chunks` calls it on equal pieces for a progress bar.
"""

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from tqdm.auto import tqdm

from jaxdl.errors import JaxdlError


@dataclass(frozen=True)
class Visualization:
    """Final images and frames (normalised space) of several target classes, batched on the first image axis."""

    images: np.ndarray  # (K, H, W, C)
    frames: np.ndarray  # (F + 1, K, H, W, C): the start, then the image every frame_every iterations
    targets: np.ndarray  # (K,)
    zero_steps: np.ndarray  # (K,) iterations whose class-score gradient was all zero


def is_zero(grad: jax.Array) -> jax.Array:
    """Per image: is the gradient all zero (SqueezeNet's final ReLU with an all-negative class map)?"""
    return jnp.all(grad == 0, axis=tuple(range(1, grad.ndim)))


def scan_frames(step: Callable, carry: object, per_step: jax.Array, picture: Callable) -> tuple[object, jax.Array]:
    """lax.scan of `step(carry, x) -> carry` over `per_step` (frames, frame_every, ...): the final carry and
    `picture(carry)` after each frame_every steps, so frames cost no memory per iteration."""

    def frame(carry: object, rows: jax.Array) -> tuple[object, jax.Array]:
        carry = jax.lax.scan(lambda c, x: (step(c, x), None), carry, rows)[0]
        return carry, picture(carry)

    return jax.lax.scan(frame, carry, per_step)


def frame_chunks(per_step: np.ndarray | jax.Array, frame_every: int) -> jax.Array:
    """Per-iteration inputs (N, ...) -> (N / frame_every, frame_every, ...); N must be a multiple of frame_every."""
    n = len(per_step)
    if frame_every < 1 or n % frame_every:
        raise JaxdlError(f"{n} iterations are not a multiple of the frame interval {frame_every}")
    return jnp.reshape(jnp.asarray(per_step), (n // frame_every, frame_every, *per_step.shape[1:]))


def largest_divisor(n: int, at_most: int) -> int:
    """The largest divisor of n that is <= at_most (>= 1): equal pieces, hence one compilation."""
    return max(d for d in range(1, max(1, min(n, at_most)) + 1) if n % d == 0)


def run_in_chunks(advance: Callable, state: object, per_step: jax.Array, frame_every: int, progress: bool = True,
                  frames_per_call: int | None = None, desc: str = "class visualization") -> tuple[object, np.ndarray, np.ndarray]:
    """Run `advance` over all iterations in equal pieces (one call without a progress bar): (state, frames, zero_steps).

    Pieces hold about 50 iterations by default, so the bar moves while each piece stays one compiled scan."""
    chunks = frame_chunks(per_step, frame_every)
    per_call = len(chunks) if not progress else frames_per_call or largest_divisor(len(chunks), max(1, 50 // frame_every))
    frames, zero_steps = [], 0
    with tqdm(total=len(chunks) * frame_every, desc=desc, disable=not progress, mininterval=1.0) as bar:
        for first in range(0, len(chunks), per_call):
            state, piece, zeros = advance(state, chunks[first:first + per_call], first * frame_every)
            frames.append(np.asarray(piece))
            zero_steps = zero_steps + np.asarray(zeros)
            bar.update(per_call * frame_every)
    return state, np.concatenate(frames), np.asarray(zero_steps)


def warn_zero_gradients(zero_steps: np.ndarray, targets: Sequence[int], iterations: int) -> None:
    """Warn for each class whose score had no gradient in some iterations (e.g. SqueezeNet's ReLU'd logits at 0)."""
    for target, zeros in zip(targets, zero_steps):
        if zeros:
            warnings.warn(f"class {int(target)}: the class score's gradient was all zero in {int(zeros)} of {iterations} "
                          "iterations (a ReLU before the logits, as SqueezeNet's, zeroes it when the class map is "
                          "all negative); those steps only shrank and blurred the image", stacklevel=2)


def display(pixels: np.ndarray) -> np.ndarray:
    """Images rescaled to [0, 1] each by its own min and max, as the course's `deprocess` shows them."""
    pixels = np.asarray(pixels, np.float32)
    low = pixels.min(axis=(-3, -2, -1), keepdims=True)
    high = pixels.max(axis=(-3, -2, -1), keepdims=True)
    return (pixels - low) / np.maximum(high - low, 1e-12)
