"""The embedded default domain: scikit-learn's 1,797 8x8 digits as an MNIST stand-in, and the photos to make "digits-M".

digits-M blends the digits (as MNIST-M does) with the colour photos scikit-image and
scikit-learn ship (jaxdl.data.sources), so the whole domain-adaptation practical runs with no download.
"""

import numpy as np
from skimage import data as skdata
from sklearn.datasets import load_digits, load_sample_images

SKIMAGE_PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "immunohistochemistry", "hubble_deep_field", "retina")


def digits() -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 1797,8,8 scaled from 0..16 to 0..255, labels int64)."""
    bunch = load_digits()
    return np.round(bunch.images * (255 / 16)).astype(np.uint8), bunch.target.astype(np.int64)


def embedded_photos() -> list[np.ndarray]:
    """The colour photos shipped inside scikit-image and scikit-learn (uint8 H,W,3), in a fixed order."""
    return [getattr(skdata, name)()[..., :3] for name in SKIMAGE_PHOTOS] + list(load_sample_images().images)
