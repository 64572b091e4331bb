"""The Fourier parametrisation: the random transform resamples exactly, colours and spectrum as documented, digits reach p > 0.9."""


import jax
import jax.numpy as jnp
import numpy as np
import pytest
from locations import SHARED

from jaxdl.keys import prng_key
from jaxdl.visualize.fourier import IMAGENET_COLOR_SQRT, FourierSettings, color_sqrt, fourier_visualize, render, spectrum_scale, transform
from jaxdl.visualize.subject import digits_subject

IMAGES = SHARED / "data" / "imagenet_val_25.npz"


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


def test_fourier_digits_reach_their_class():
    subject = digits_subject()
    settings = FourierSettings(iterations=50, jitter=2)  # 8 px at 224 would be most of a 32-px digit
    result = fourier_visualize(subject, range(10), prng_key(0), settings, shape=(32, 32, 1), frame_every=25, progress=False)
    probs = np.diagonal(np.asarray(jax.nn.softmax(subject.logits(subject.variables, jnp.asarray(result.images)))))
    assert np.all(probs > 0.9), probs
    assert result.frames.shape == (3, 10, 32, 32, 1) and np.array_equal(result.frames[-1], result.images)
    assert 0 <= result.images.min() and result.images.max() <= 1  # a sigmoid: pixels in [0, 1] by construction
