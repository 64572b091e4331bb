"""A clearer class visualization than the course's (our addition): a decorrelated image parametrisation.

The idea of feature-visualization libraries (Olah et al. 2017, "Feature Visualization", Distill): optimise
the image's Fourier coefficients, scaled by 1/frequency so every frequency moves about as fast, and its
colours in a decorrelated basis (the square root of natural images' colour covariance); pixels are a
sigmoid of that, so always in [0, 1]. Each iteration sees a random jitter, zoom and rotation of the image
(bilinear resampling, reflected borders), so only patterns that survive them grow; Adam ascends the logit.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax

from jaxdl.visualize.ascent import Visualization, is_zero, run_in_chunks, scan_frames, warn_zero_gradients
from jaxdl.visualize.gradient import class_score_grad
from jaxdl.visualize.subject import Subject

# color_sqrt of the 25 images of the course's imagenet_val_25.npz (RGB in [0, 1]), largest eigenvalue scaled to 1.
IMAGENET_COLOR_SQRT = np.array([[0.4343, 0.2906, 0.2602], [0.2906, 0.4181, 0.2822], [0.2602, 0.2822, 0.4805]], np.float32)


@dataclass(frozen=True)
class FourierSettings:
    """Adam on the logit; random per-iteration jitter (pixels), zoom (1 +- zoom) and rotation (+- degrees)."""

    iterations: int = 200
    lr: float = 0.05
    decay: float = 1.0
    jitter: int = 8
    zoom: float = 0.1
    rotate: float = 10.0


def color_sqrt(pixels: np.ndarray) -> np.ndarray:
    """The symmetric square root of the channel covariance of NHWC `pixels`, its largest eigenvalue scaled to 1."""
    values, vectors = np.linalg.eigh(np.cov(np.asarray(pixels, np.float64).reshape(-1, pixels.shape[-1]).T))
    root = vectors @ np.diag(np.sqrt(np.maximum(values, 0))) @ vectors.T
    return (root / np.sqrt(values.max())).astype(np.float32)


def spectrum_scale(height: int, width: int, decay: float = 1.0) -> np.ndarray:
    """(H, W // 2 + 1, 1): 1 / frequency**decay per rfft2 coefficient (lowest frequency 1/max(H, W)), RMS 1."""
    freq = np.hypot(*np.meshgrid(np.fft.fftfreq(height), np.fft.rfftfreq(width), indexing="ij"))
    scale = np.maximum(freq, 1.0 / max(height, width)) ** -decay
    return (scale / np.sqrt(np.mean(scale**2)))[..., None].astype(np.float32)


def render(params: jax.Array, scale: jax.Array, color: jax.Array, width: int) -> jax.Array:
    """Pixels in [0, 1] (K, H, W, C) of the parameters (K, H, W // 2 + 1, C, 2): real and imaginary parts."""
    spectrum = (params[..., 0] + 1j * params[..., 1]) * scale
    image = jnp.fft.irfft2(spectrum, s=(params.shape[1], width), axes=(1, 2), norm="ortho")
    return jax.nn.sigmoid(image @ color.T)


def random_transforms(key: jax.Array, iterations: int, count: int, settings: FourierSettings) -> jax.Array:
    """(iterations, count, 4): each image's (dy, dx, zoom, angle in radians) at each iteration, uniform in their ranges."""
    low = jnp.array([-settings.jitter, -settings.jitter, 1 - settings.zoom, -np.radians(settings.rotate)])
    high = jnp.array([settings.jitter, settings.jitter, 1 + settings.zoom, np.radians(settings.rotate)])
    return jax.random.uniform(key, (iterations, count, 4), minval=low, maxval=high)


def transform(image: jax.Array, params: jax.Array) -> jax.Array:
    """One HWC image shifted by (dy, dx), zoomed and rotated about its centre (bilinear, reflected borders)."""
    dy, dx, zoom, angle = params
    h, w = image.shape[:2]
    y, x = jnp.meshgrid(jnp.arange(h) - (h - 1) / 2, jnp.arange(w) - (w - 1) / 2, indexing="ij")
    cos, sin = jnp.cos(angle) / zoom, jnp.sin(angle) / zoom
    source = (cos * y - sin * x + (h - 1) / 2 - dy, sin * y + cos * x + (w - 1) / 2 - dx)
    sample = lambda channel: jax.scipy.ndimage.map_coordinates(channel, source, order=1, mode="reflect")  # noqa: E731
    return jax.vmap(sample, in_axes=-1, out_axes=-1)(image)


def fourier_ascent(logits: Callable, subject_space: Callable, width: int) -> Callable:
    """Build once per run: jitted `advance(variables, targets, lr, scale, color, state, per_step)` for images `width` wide.

    `subject_space` maps pixels to the network's input (Subject.to_normalized); `state` = (params, Adam state);
    returns (state, frames in normalised space, zero_steps)."""
    adam = optax.scale_by_adam()

    def step(consts: tuple, carry: tuple, transforms: jax.Array) -> tuple:
        variables, targets, lr, scale, color = consts
        (params, opt_state), zeros = carry
        pixels, pullback = jax.vjp(lambda p: jax.vmap(transform)(render(p, scale, color, width), transforms), params)
        pixel_grad, _ = class_score_grad(lambda v, x: logits(v, subject_space(x)), variables, pixels, targets)
        updates, opt_state = adam.update(pullback(pixel_grad)[0], opt_state)
        return (params + lr * updates, opt_state), zeros + is_zero(pixel_grad)

    @jax.jit
    def advance(variables: dict, targets: jax.Array, lr: float, scale: jax.Array, color: jax.Array, state: tuple,
                per_step: jax.Array) -> tuple[tuple, jax.Array, jax.Array]:
        consts = (variables, targets, lr, scale, color)
        picture = lambda carry: subject_space(render(carry[0][0], scale, color, width))  # noqa: E731
        carry = (state, jnp.zeros(len(targets), jnp.int32))
        (state, zeros), frames = scan_frames(partial(step, consts), carry, per_step, picture)
        return state, frames, zeros

    return advance


def fourier_visualize(subject: Subject, targets: Sequence[int], key: jax.Array, settings: FourierSettings = FourierSettings(),
                      shape: tuple[int, int, int] = (224, 224, 3), frame_every: int = 10, progress: bool = True,
                      advance: Callable | None = None) -> Visualization:
    """Class visualization of each target (batched) in the Fourier/colour parametrisation, from small random coefficients."""
    targets = np.asarray(targets, np.int32)
    (h, w, c), init_key, transform_key = shape, *jax.random.split(key)
    params = 0.01 * jax.random.normal(init_key, (len(targets), h, w // 2 + 1, c, 2))
    scale = jnp.asarray(spectrum_scale(h, w, settings.decay))
    color = jnp.asarray(IMAGENET_COLOR_SQRT if c == 3 else np.eye(c, dtype=np.float32))
    advance = advance or fourier_ascent(subject.logits, subject.to_normalized, w)
    consts = (subject.variables, targets, settings.lr, scale, color)
    per_step = random_transforms(transform_key, settings.iterations, len(targets), settings)
    state = (params, optax.scale_by_adam().init(params))
    (params, _), frames, zeros = run_in_chunks(lambda s, rows, _start: advance(*consts, s, rows), state, per_step,
                                               frame_every, progress, desc="class visualization (fourier)")
    warn_zero_gradients(zeros, targets, settings.iterations)
    start = np.asarray(subject.to_normalized(render(state[0], scale, color, w)))
    final = np.asarray(subject.to_normalized(render(params, scale, color, w)))
    return Visualization(final, np.concatenate([start[None], frames]), targets, zeros)
