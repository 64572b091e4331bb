"""GAN training images: MNIST-format IDX folders, the embedded sklearn digits, or any folder of images.

Every source becomes float32 NHWC in [-1, 1] (tanh's range) at the G/D resolution, plus integer
labels when it has them, split into a training part and a held-out part (Fréchet reference).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm.auto import tqdm

from jaxdl.data.digits import digits
from jaxdl.data.idx import idx_path, load_idx_dir
from jaxdl.data.image_folder import EXTENSIONS
from jaxdl.data.tfds_io import data_dir
from jaxdl.errors import DataError

IDX_SETS = {"mnist": "mnist", "fashion_mnist": "fashion-mnist"}  # name -> folder name under the data dir
SYSTEM_IDX = {"fashion_mnist": Path("/usr/share/datasets/fashion-mnist")}  # Debian's dataset-fashion-mnist


@dataclass(frozen=True)
class GanData:
    """Training and held-out images in [-1, 1] with their labels (None for unlabelled folders)."""

    train: np.ndarray
    train_labels: np.ndarray | None
    held_out: np.ndarray
    held_out_labels: np.ndarray | None
    num_classes: int


def to_unit_range(images: list[Image.Image] | np.ndarray, size: int) -> np.ndarray:
    """Center-crop each image to a square, resize it to size x size (PIL bilinear) and scale to [-1, 1], NHWC."""
    out = []
    for image in tqdm(images, desc=f"resizing to {size}", leave=False, mininterval=1.0):
        image = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))
        side = min(image.size)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        image = image.crop((left, top, left + side, top + side)).resize((size, size), Image.BILINEAR)
        array = np.asarray(image, dtype=np.float32)
        out.append(array[..., None] if array.ndim == 2 else array)
    return np.stack(out) / 127.5 - 1.0


def idx_root(name: str, root: str | Path | None) -> Path:
    """The IDX folder of `name`: `root`, else the data dir's folder, else a system copy (Fashion-MNIST's Debian package)."""
    candidates = [Path(root)] if root else [data_dir() / IDX_SETS[name], SYSTEM_IDX.get(name)]
    for folder in filter(None, candidates):
        if folder.is_dir():
            return folder
    raise DataError(f"no {name} IDX folder at {', '.join(str(c) for c in candidates if c)}; pass --root FOLDER")


def idx_images(root: Path) -> tuple[np.ndarray, np.ndarray]:
    """Images and labels of the training split of an IDX folder, or of the test split if that is all there is."""
    try:
        idx_path(root, "train", "images-idx3")
        return load_idx_dir(root, "train")
    except DataError:
        return load_idx_dir(root, "test")


def folder_images(root: str | Path) -> list[Image.Image]:
    """Every image file under `root` (recursively, sorted), opened as RGB: CelebA is one flat folder of JPEGs."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise DataError(f"{root}: no such image folder")
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in EXTENSIONS)
    if not files:
        raise DataError(f"{root}: no image files ({', '.join(sorted(EXTENSIONS))})")
    return [Image.open(p).convert("RGB") for p in tqdm(files, desc=f"reading {root.name}", leave=False, mininterval=1.0)]


def split(images: np.ndarray, labels: np.ndarray | None, held_out: float, seed: int, num_classes: int) -> GanData:
    """A seeded random `held_out` fraction kept apart (never trained on) for the Fréchet distance."""
    order = np.random.default_rng(seed).permutation(len(images))
    cut = len(images) - max(1, round(held_out * len(images)))
    train, rest = order[:cut], order[cut:]
    pick = (lambda idx: labels[idx]) if labels is not None else (lambda idx: None)
    return GanData(images[train], pick(train), images[rest], pick(rest), num_classes)


def load(source: str, image_size: int, root: str | Path | None = None, held_out: float = 0.2, seed: int = 0) -> GanData:
    """`source` = digits | mnist | fashion_mnist | celeba | a folder path; images resized to image_size."""
    if source == "digits":
        images, labels = digits()
    elif source in IDX_SETS:
        images, labels = idx_images(idx_root(source, root))
    else:
        folder = root if source == "celeba" else source
        if folder is None:
            raise DataError("--data celeba needs --root FOLDER (the img_align_celeba folder)")
        return split(to_unit_range(folder_images(folder), image_size), None, held_out, seed, 0)
    return split(to_unit_range(images, image_size), labels, held_out, seed, int(labels.max()) + 1)
