"""ImageNet-style inputs, as in the course: resize to 224x224, gray -> RGB, scale to [0, 1], normalise.

The course resizes every image straight to 224x224 (torchvision `Resize((224, 224))`, i.e.
PIL bilinear with antialiasing, no crop) and repeats the channel of grayscale images;
`preprocess` does exactly that with PIL, so the numbers match torchvision's transforms.
"""

import functools
import io
from collections.abc import Sequence
from importlib import resources

import numpy as np
from PIL import Image

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


@functools.cache
def class_names() -> tuple[str, ...]:
    """The 1,000 ImageNet class names in torchvision's index order (shipped with the package)."""
    return tuple(resources.files("jaxdl.data").joinpath("imagenet_classes.txt").read_text().splitlines())


def normalize(images: np.ndarray) -> np.ndarray:
    """RGB images in [0, 1] (channels last) -> float32 normalised with ImageNet's mean and std."""
    return (np.asarray(images, np.float32) - MEAN) / STD


def as_pil(image: Image.Image | bytes | np.ndarray) -> Image.Image:
    """A PIL image from a PIL image, encoded bytes (JPEG, PNG...) or a uint8 HxW / HxWx1 / HxWx3 array."""
    if isinstance(image, bytes):
        return Image.open(io.BytesIO(image))
    if isinstance(image, np.ndarray):
        return Image.fromarray(image[..., 0] if image.ndim == 3 and image.shape[-1] == 1 else image)
    return image


SIXTEEN_BIT = ("I;16", "I;16B", "I;16L", "I;16N", "I")  # PIL's modes of 16-bit grayscale files (PNG, TIFF)


def to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB: 16-bit grayscale scaled from 0..65535 to 0..255 (PIL's own convert clips at 255);
    CMYK, palette, gray and alpha images through PIL's conversions."""
    if image.mode in SIXTEEN_BIT:
        image = Image.fromarray(np.round(np.asarray(image, np.float64) / 257).clip(0, 255).astype(np.uint8))
    return image.convert("RGB")


def preprocess(image: Image.Image | bytes | np.ndarray, size: int = 224) -> np.ndarray:
    """One image -> size x size x 3 normalised float32 (bilinear resize without crop, gray repeated to RGB)."""
    rgb = to_rgb(as_pil(image)).resize((size, size), Image.BILINEAR)
    return normalize(np.asarray(rgb, np.float32) / 255.0)


class Preprocessed(Sequence):
    """A lazy view of a sequence of images or records (e.g. a TFDS data source): `view[i:j]` decodes and
    preprocesses only those images, so a data set never has to fit in memory as float32."""

    def __init__(self, images: Sequence, size: int = 224, key: str | None = None):
        self.images, self.size, self.key = images, size, key

    def __len__(self) -> int:
        return len(self.images)

    def _one(self, index: int) -> np.ndarray:
        """Image `index`, preprocessed (taken from record[key] when the items are records)."""
        item = self.images[index]
        return preprocess(item if self.key is None else item[self.key], self.size)

    def __getitem__(self, index: int | slice) -> np.ndarray:
        if isinstance(index, slice):
            return np.stack([self._one(i) for i in range(len(self))[index]])
        return self._one(index)
