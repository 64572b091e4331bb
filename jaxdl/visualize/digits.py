"""The embedded visualization network: a SmallCNN trained in seconds on scikit-learn's digits, cached on disk.

Digits are upsampled from 8x8 to 32x32 (PIL bilinear), one grey channel in [0, 1], no normalisation:
pixel space and the network's input space are the same, so every method of the practical runs on it.
"""

import numpy as np
from PIL import Image
from sklearn.model_selection import train_test_split

from jaxdl.classifier import cached_classifier
from jaxdl.data.digits import digits
from jaxdl.models.small import SmallCNN

SIZE = 32
EPOCHS = 15


def digit_images(size: int = SIZE) -> tuple[np.ndarray, np.ndarray]:
    """(images float32 N,size,size,1 in [0, 1], labels int64) of all 1,797 digits."""
    images, labels = digits()
    big = [np.asarray(Image.fromarray(image).resize((size, size), Image.BILINEAR), np.float32) for image in images]
    return np.stack(big)[..., None] / 255.0, labels


def digit_splits(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, x_test, y_train, y_test): a stratified half/half split of the digits, fixed by `seed`."""
    images, labels = digit_images()
    return tuple(train_test_split(images, labels, train_size=0.5, random_state=seed, stratify=labels))


def digits_cnn(seed: int = 0, cache_dir: str | None = None, epochs: int = EPOCHS,
               progress: bool = True) -> tuple[SmallCNN, dict, tuple[np.ndarray, np.ndarray]]:
    """(model, variables, (x_test, y_test)): the SmallCNN trained on the training half (read from the cache if there);
    fewer `epochs` for a quick run (3: 92.7 % test accuracy measured with the former batch order; 15: 97.8 %)."""
    x_train, x_test, y_train, y_test = digit_splits(seed)
    variables = cached_classifier(x_train, y_train, 10, epochs, seed, cache_dir, progress)
    return SmallCNN(10), variables, (x_test, y_test)
