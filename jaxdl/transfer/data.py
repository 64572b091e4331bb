"""The transfer practical's data: the embedded digits or an image folder, as train and test splits with a key that
names them in the feature cache and the summary line that names what was left out."""

from pathlib import Path
from typing import NamedTuple

import numpy as np
from sklearn.model_selection import train_test_split

from jaxdl import parallel
from jaxdl.data import image_folder, scene15
from jaxdl.data.digits import digits
from jaxdl.data.imagenet import preprocess
from jaxdl.transfer.config import TransferConfig


class Data(NamedTuple):
    """{"train"/"test": (images, labels)}, the class names, the data's identity for caches, its one-line summary."""

    splits: dict
    classes: list[str]
    key: str
    summary: str


def load(config: TransferConfig, out: Path) -> Data:
    """The digits (first `limit`, split half/half per class with the seed) or the folder `data` (first per_class); an
    unreadable image left out is named in the summary and all are listed in OUT/unreadable.txt."""
    if config.data != "digits":
        splits, prepared = parallel.primary_first(lambda: scene15.load(config.data, size=config.size))  # one process prepares
        splits = scene15.limited(splits, config.per_class)
        counts = {split: len(splits[split][1]) for split in ("train", "test")}
        key = f"{Path(config.data).resolve().name}:{prepared.fingerprint}:{config.per_class and list(config.per_class)}"
        return Data(splits, prepared.classes, key, image_folder.summary(prepared, config.data, counts, out / "unreadable.txt"))
    images, labels = digits()
    count = config.limit or len(images)
    inputs = np.stack([preprocess(image, config.size) for image in images[:count]])
    x_train, x_test, y_train, y_test = train_test_split(inputs, labels[:count], train_size=0.5,
                                                        random_state=config.seed, stratify=labels[:count])
    return Data({"train": (x_train, y_train), "test": (x_test, y_test)}, [str(d) for d in range(10)],
                f"digits:{count}:{config.seed}", f"digits: {len(y_train)} train / {len(y_test)} test images")
