"""15-Scene (Lazebnik et al., 2006), the course's transfer-learning data set: 4,485 grayscale scenes, 15 classes.

The course distributes it pre-split (`root/{train,test}/<class>/*.jpg`, 100 training images
per class); the original flat release (`root/<class>/*.jpg`) is split the standard way,
100 random training images per class (seeded), the rest for test.
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from jaxdl.data import image_folder
from jaxdl.data.imagenet import Preprocessed

TRAIN_PER_CLASS = 100

Split = tuple[Preprocessed, np.ndarray]  # (lazy normalised images, int64 labels)


def load(
    root: str | Path, size: int = 224, seed: int = 0, directory: str | Path | None = None
) -> tuple[dict[str, Split], image_folder.Prepared]:
    """({"train"/"test": (images, labels)}, the prepared folder: class names, skipped files, fingerprint);
    `images` is a lazy sequence of size x size x 3 ImageNet-normalised float32 images, decoded and resized when sliced."""
    prepared = image_folder.load(root, TRAIN_PER_CLASS, seed, channels=1, directory=directory)
    splits = {
        split: (Preprocessed(source, size, key="image"), image_folder.labels(source)) for split, source in prepared.sources.items()
    }
    return splits, prepared


def first_per_class(split: Split, count: int) -> Split:
    """The first `count` images of each class in file-name order (as scripts/transfer_reference_torch.py takes
    them): a smaller, affordable run."""
    images, labels = split
    paths = [images.images[i]["path"] for i in range(len(labels))]
    chosen = np.concatenate([sorted(np.flatnonzero(labels == c), key=paths.__getitem__)[:count] for c in np.unique(labels)])
    return Preprocessed([images.images[int(i)] for i in chosen], images.size, images.key), labels[chosen]


def limited(splits: dict[str, Split], per_class: Sequence[int] | None) -> dict[str, Split]:
    """The train and test splits cut to their first per_class[0] and per_class[1] images of each class (None: whole)."""
    if not per_class:
        return splits
    return {split: first_per_class(splits[split], count) for split, count in zip(("train", "test"), per_class)}
