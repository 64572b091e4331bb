"""MNIST-M (Ganin & Lempitsky 2015): digits blended with random colour-photo patches, |patch - digit| per channel.

Built from any gray digit set (MNIST, Fashion-MNIST, sklearn digits) and any folder of colour
photos (the course uses the 200 BSDS500 training photos); seeded and cached as a TFDS dataset.
Also reads the published files: a folder of PNGs plus `NNNNNNNN.png label` lines.
"""

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm.auto import tqdm

from jaxdl.data.cache import cached
from jaxdl.errors import DataError

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")
SIZE = 32


def resize(images: np.ndarray, size: int = SIZE) -> np.ndarray:
    """uint8 N,H,W[,C] images resized (bilinear) to size x size; unchanged if already that size."""
    if images.shape[1:3] == (size, size):
        return images
    return np.stack([np.asarray(Image.fromarray(image).resize((size, size), Image.BILINEAR)) for image in images])


def load_photos(folder: str | Path) -> list[np.ndarray]:
    """All colour photos (uint8 H,W,3) in `folder`, sorted by name; an error if there are none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"photo folder {folder} does not exist")
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)
    photos = [np.asarray(Image.open(p).convert("RGB")) for p in paths]
    if not photos:
        raise DataError(f"photo folder {folder} holds no images ({', '.join(PHOTO_SUFFIXES)})")
    return photos


def blend(digits: np.ndarray, photos: list[np.ndarray], seed: int = 0, size: int = SIZE) -> np.ndarray:
    """MNIST-M images (uint8 N,size,size,3): each resized gray digit blended as |patch - digit| with a random photo patch."""
    if digits.ndim != 3:
        raise DataError(f"blend needs gray digits N,H,W, got shape {digits.shape}")
    small = [p for p in photos if min(p.shape[:2]) < size]
    if small:
        raise DataError(f"{len(small)} photos are smaller than the {size}x{size} patch")
    rng = np.random.default_rng(seed)
    digits = resize(digits, size).astype(np.int16)[..., None]
    out = np.empty((len(digits), size, size, 3), np.uint8)
    for i in tqdm(range(len(digits)), desc="blending MNIST-M", leave=False, mininterval=1.0):
        photo = photos[rng.integers(len(photos))]
        top, left = rng.integers(photo.shape[0] - size + 1), rng.integers(photo.shape[1] - size + 1)
        out[i] = np.abs(photo[top : top + size, left : left + size].astype(np.int16) - digits[i])
    return out


def blended_dataset(name: str, digits: np.ndarray, labels: np.ndarray, photos: list[np.ndarray], seed: int = 0,
                    directory: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """blend() of a named digit set, prepared once as a TFDS dataset keyed by name, photos and seed."""
    photo_key = hashlib.sha256(b"".join(hashlib.sha256(p.tobytes()).digest() for p in photos)).hexdigest()[:8]
    config = f"{name}_m_seed{seed}_photos{photo_key}"
    return cached(config, lambda: (blend(digits, photos, seed), labels), (SIZE, SIZE, 3), directory)


def load_published(root: str | Path, split: str = "test") -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 N,32,32,3, labels int64) of the published MNIST-M: mnist_m_{split}/ and mnist_m_{split}_labels.txt."""
    root = Path(root)
    labels_file = root / f"mnist_m_{split}_labels.txt"
    if not labels_file.is_file():
        raise DataError(f"{root}: no {labels_file.name} (expected the published MNIST-M layout)")
    lines = [line.split() for line in labels_file.read_text().splitlines() if line.strip()]
    if not lines or any(len(parts) != 2 for parts in lines):
        raise DataError(f"{labels_file}: expected non-empty lines 'NNNNNNNN.png label'")
    folder = root / f"mnist_m_{split}"
    images = np.stack([np.asarray(Image.open(folder / name).convert("RGB"))
                       for name, _ in tqdm(lines, desc=f"reading MNIST-M {split}", leave=False, mininterval=1.0)])
    return images, np.array([int(label) for _, label in lines], np.int64)
