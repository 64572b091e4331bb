"""The fine-tuning augmentation: shapes, value range, crops that are exact on the pixel grid, flips, one batch per key."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxdl.transfer.augment import augment, crop_boxes, resized_crop

AUGMENT = jax.jit(augment, static_argnames=("size", "scale", "ratio"))  # one compilation per setting, as in training


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    return np.random.default_rng(0).uniform(-2.0, 3.0, (16, 24, 24, 3)).astype(np.float32)


def test_shapes_range_and_determinism(images: np.ndarray) -> None:
    run = functools.partial(AUGMENT, size=16)
    out = run(jax.random.key(1), images)
    assert out.shape == (16, 16, 16, 3) and out.dtype == jnp.float32
    # bilinear (antialiased) weights are a convex combination: nothing leaves the input's range
    assert float(out.min()) >= float(images.min()) - 1e-5 and float(out.max()) <= float(images.max()) + 1e-5
    assert bool((run(jax.random.key(1), images) == out).all())
    assert float(jnp.abs(run(jax.random.key(2), images) - out).max()) > 0.5


def test_boxes_inside_the_image_and_scaled_as_asked() -> None:
    boxes = np.asarray(jax.jit(crop_boxes, static_argnums=(1, 2, 3, 4, 5))(jax.random.key(3), 4000, 30, 40, (0.25, 0.5), (0.5, 2.0)))
    top, left, height, width = boxes.T
    assert (top >= 0).all() and (left >= 0).all() and (top + height <= 30 + 1e-4).all() and (left + width <= 40 + 1e-4).all()
    area = height * width / (30 * 40)
    assert area.max() <= 0.5 + 1e-5 and area.min() >= 0.1  # clipped sides can only shrink the area
    assert np.median(area) == pytest.approx(0.375, abs=0.02)


def test_a_crop_on_the_pixel_grid_is_exact(images: np.ndarray) -> None:
    crop = jax.jit(resized_crop, static_argnums=2)(images[0], jnp.array([4.0, 6.0, 12.0, 12.0]), 12)
    np.testing.assert_array_equal(np.asarray(crop), images[0, 4:16, 6:18])


def test_the_whole_image_comes_back_as_itself_or_mirrored(images: np.ndarray) -> None:
    out = np.asarray(AUGMENT(jax.random.key(4), images, scale=(1.0, 1.0), ratio=(1.0, 1.0)))
    x = images
    same = np.abs(out - x).max(axis=(1, 2, 3)) < 1e-5
    mirrored = np.abs(out - x[:, :, ::-1]).max(axis=(1, 2, 3)) < 1e-5
    assert (same ^ mirrored).all() and 0 < same.sum() < len(x)
