"""The embedded default domains: scikit-learn's 1,797 8x8 digits as an MNIST stand-in, and "digits-M" from them.

digits-M blends the digits (as MNIST-M does) with the colour photos scikit-image and
scikit-learn ship, so the whole domain-adaptation practical runs with no download.
"""

from pathlib import Path

import numpy as np
from skimage import data as skdata
from sklearn.datasets import load_digits, load_sample_images

from jaxdl.data.mnist_m import blended_dataset

SKIMAGE_PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "immunohistochemistry", "hubble_deep_field", "retina")


def digits() -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 1797,8,8 scaled from 0..16 to 0..255, labels int64)."""
    bunch = load_digits()
    return np.round(bunch.images * (255 / 16)).astype(np.uint8), bunch.target.astype(np.int64)


def embedded_photos() -> list[np.ndarray]:
    """The colour photos shipped inside scikit-image and scikit-learn (uint8 H,W,3), in a fixed order."""
    return [getattr(skdata, name)()[..., :3] for name in SKIMAGE_PHOTOS] + list(load_sample_images().images)


def digits_m(seed: int = 0, directory: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 1797,32,32,3, labels) of digits-M: the sklearn digits blended with the embedded photos, cached."""
    images, labels = digits()
    return blended_dataset("digits", images, labels, embedded_photos(), seed, directory)
