"""The Fourier parametrisation's pieces: the random transform resamples exactly, colours and spectrum are as documented."""

from pathlib import Path

import jax.numpy as jnp
import numpy as np
import pytest

from jaxdl.visualize.fourier import IMAGENET_COLOR_SQRT, color_sqrt, render, spectrum_scale, transform

IMAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "imagenet_val_25.npz"


def test_transform_identity_and_integer_shift():
    image = np.random.default_rng(0).random((9, 11, 3)).astype(np.float32)
    same = transform(jnp.asarray(image), jnp.array([0.0, 0.0, 1.0, 0.0]))
    assert np.abs(np.asarray(same) - image).max() < 1e-6
    shifted = np.asarray(transform(jnp.asarray(image), jnp.array([2.0, -1.0, 1.0, 0.0])))  # down 2, left 1
    assert np.abs(shifted[2:, :-1] - image[:-2, 1:]).max() < 1e-6
    turned = np.asarray(transform(jnp.asarray(image[:9, :9]), jnp.array([0.0, 0.0, 1.0, np.pi / 2])))
    assert np.abs(turned - np.rot90(image[:9, :9], k=-1)).max() < 1e-5  # a quarter turn about the centre


def test_color_sqrt_and_spectrum():
    pixels = np.random.default_rng(1).random((4, 8, 8, 3)) @ np.array([[1.0, 0.5, 0.2], [0, 1, 0.3], [0, 0, 1]])
    root = color_sqrt(pixels)
    cov = np.cov(pixels.reshape(-1, 3).T)
    assert np.abs(root @ root - cov / np.linalg.eigvalsh(cov).max()).max() < 1e-6
    scale = spectrum_scale(8, 7)
    assert scale.shape == (8, 4, 1) and abs(np.sqrt(np.mean(scale**2)) - 1) < 1e-6 and scale[0, 0, 0] == scale.max()
    grey = render(jnp.zeros((1, 8, 4, 3, 2)), jnp.asarray(scale), jnp.asarray(IMAGENET_COLOR_SQRT), 7)
    assert grey.shape == (1, 8, 7, 3) and np.all(np.asarray(grey) == 0.5)


@pytest.mark.realdata
@pytest.mark.skipif(not IMAGES.is_file(), reason=f"{IMAGES} not found (present in CI next to the repo)")
def test_imagenet_color_sqrt_is_measured_on_the_course_images():
    pixels = np.load(IMAGES)["X"] / 255.0
    assert np.abs(color_sqrt(pixels) - IMAGENET_COLOR_SQRT).max() < 1e-4
