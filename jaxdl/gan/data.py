"""GAN training images: the embedded sklearn digits, MNIST / Fashion-MNIST, CelebA, any folder of images, or any
data-source spec of jaxdl.data.sources (`idx:DIR`, `mnist-m:DIR[0:5000]`, ...), read the way DANN reads them.

Every source becomes float32 NHWC in [-1, 1] (tanh's range) at the G/D resolution, plus integer
labels when it has them, split into a training part and a held-out part (Fréchet reference).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm.auto import tqdm

from jaxdl.data import sources
from jaxdl.data.idx import idx_path
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


def source_spec(source: str, root: str | Path | None = None) -> tuple[str, str]:
    """(data-source spec, split) of a `--data` value: a GAN name (digits, mnist, fashion_mnist, celeba), an image
    folder, or a spec. The IDX sets train on their training split, or on the test split if that is all there is."""
    if source in IDX_SETS:
        folder = idx_root(source, root)
        try:
            idx_path(folder, "train", "images-idx3")
            return f"idx:{folder}", "train"
        except DataError:
            return f"idx:{folder}", "test"
    if source == "celeba":
        if root is None:
            raise DataError("--data celeba needs --root FOLDER (the img_align_celeba folder)")
        return f"images:{root}", "train"
    if Path(source).expanduser().is_dir():
        return f"images:{Path(source).expanduser()}", "train"
    if "/" in source and ":" not in source.split("/")[0]:  # a path (a spec starts with its kind: "idx:DIR")
        raise DataError(f"{source}: no such image folder")
    return source, "train"


def default_image_size(source: str) -> int:
    """The course's resolution of a `--data` value: 64 for image folders (CelebA), 32 for digit sets (digits, IDX, MNIST-M)."""
    if source in ("digits", *IDX_SETS):
        return 32
    if source == "celeba":
        return 64
    return 64 if sources.parse(source_spec(source)[0]).kind == "images" else 32


def split(images: np.ndarray, labels: np.ndarray | None, held_out: float, seed: int, num_classes: int) -> GanData:
    """A seeded random `held_out` fraction kept apart (never trained on) for the Fréchet distance."""
    order = np.random.default_rng(seed).permutation(len(images))
    cut = len(images) - max(1, round(held_out * len(images)))
    train, rest = order[:cut], order[cut:]
    pick = (lambda idx: labels[idx]) if labels is not None else (lambda idx: None)
    return GanData(images[train], pick(train), images[rest], pick(rest), num_classes)


def load(source: str, image_size: int, root: str | Path | None = None, held_out: float = 0.2, seed: int = 0) -> GanData:
    """`source` = digits | mnist | fashion_mnist | celeba | a folder | a data-source spec; images resized to image_size."""
    spec, part = source_spec(source, root)
    images, labels = sources.load(spec, part, seed=seed)
    return split(to_unit_range(images, image_size), labels, held_out, seed, 0 if labels is None else int(labels.max()) + 1)
