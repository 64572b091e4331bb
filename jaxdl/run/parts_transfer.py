"""The transfer-learning part: model summaries, the layer x C table, a network comparison and a neural head.

The data are the embedded digits (8x8, upsampled to RGB) or, with `data = FOLDER`, an image folder such as
15-Scene; features are cached per layer under the part's folder, so an interrupted run extracts nothing twice.
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from jaxdl import models
from jaxdl.data import image_folder, scene15
from jaxdl.data.digits import digits
from jaxdl.data.imagenet import preprocess
from jaxdl.features import cached_layers, extract
from jaxdl.pretrained import random_note, variables_for, weights_for
from jaxdl.run.runner import Result, settings_key
from jaxdl.run.settings import TransferPart
from jaxdl.summary import layer_table
from jaxdl.transfer.head import head_sweep
from jaxdl.transfer.results import accuracy_vs_c
from jaxdl.transfer.svm import layer_sweep, svm_sweep

Splits = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # x_train, y_train, x_test, y_test


def data_splits(settings: TransferPart, folder: Path) -> tuple[Splits, str]:
    """The digits (first `limit`, split half/half per class with the seed) or the folder `data` (first per_class), and
    the data's summary line (naming unreadable images left out, all listed in FOLDER/unreadable.txt)."""
    if settings.data != "digits":
        splits, prepared = scene15.load(settings.data, size=settings.size)
        splits = scene15.limited(splits, settings.per_class)
        counts = {split: len(splits[split][1]) for split in ("train", "test")}
        return (*splits["train"], *splits["test"]), image_folder.summary(prepared, settings.data, counts, folder / "unreadable.txt")
    images, labels = digits()
    count = settings.limit or len(images)
    inputs = np.stack([preprocess(image, settings.size) for image in images[:count]])
    x_train, x_test, y_train, y_test = train_test_split(inputs, labels[:count], train_size=0.5,
                                                        random_state=settings.seed, stratify=labels[:count])
    return (x_train, y_train, x_test, y_test), f"digits: {len(y_train)} train / {len(y_test)} test images"


def features(arch: str, layers: Sequence[str], splits: Splits, settings: TransferPart, folder: Path, progress: bool) -> dict:
    """{layer: (train, test)} average-pooled features of `arch`, read from FOLDER/features/<hash> or extracted in one pass."""
    weights = weights_for(arch, settings.weights)
    model = models.create(arch)
    cache = folder / "features" / settings_key({k: getattr(settings, k) for k in ("data", "size", "limit", "per_class", "seed")}
                                               | {"arch": arch, "weights": weights})
    variables = None
    per_split = {}
    for split, images in (("train", splits[0]), ("test", splits[2])):
        def compute(missing: list[str], images: np.ndarray = images) -> dict:
            nonlocal variables
            variables = variables or variables_for(model, arch, weights, settings.seed)
            return extract(model, variables, images, pool="avg", layers=missing, progress=progress)
        per_split[split] = cached_layers({layer: cache / f"{layer}-{split}.npy" for layer in layers}, compute)
    return {layer: (per_split["train"][layer], per_split["test"][layer]) for layer in layers}


def network_comparison(splits: Splits, settings: TransferPart, folder: Path, progress: bool) -> list[dict]:
    """For each "arch:layer" of `compare`, the best test accuracy over C (L2-normalised features)."""
    rows = []
    for entry in settings.compare:
        arch, layer = entry.split(":")
        train, test = features(arch, [layer], splits, settings, folder, progress)[layer]
        best = max(svm_sweep(train, splits[1], test, splits[3], settings.C), key=lambda row: row["test_acc"])
        rows.append({"network": arch, "weights": Path(weights_for(arch, settings.weights)).stem, "layer": layer,
                     "dim": train.shape[1], "best C": best["C"], "test_acc": best["test_acc"]})
    return rows


def transfer_part(settings: TransferPart, folder: Path, progress: bool) -> Result:
    """Summaries of the course's networks, then CNN features -> linear SVM over layers x C, networks, and a neural head."""
    result = Result()
    nets = dict.fromkeys([settings.arch, *(entry.split(":")[0] for entry in settings.compare)])
    if note := random_note([arch for arch in nets if weights_for(arch, settings.weights) == "random"]):
        print(f"transfer: {note}", flush=True)
        result.notes.append(note)
    for arch in settings.summary:
        table = layer_table(arch, 224)
        result.tables.append((f"{arch} layers on a 224x224 input: {table[-1]['parameters']:,} parameters", table))
    splits, data = data_splits(settings, folder)
    arch, layers = settings.arch, settings.layers
    print(f"transfer: {data}", flush=True)
    result.notes.append(f"data: {data} at {settings.size}x{settings.size}; {arch} weights: {weights_for(arch, settings.weights)}")
    by_layer = features(arch, layers, splits, settings, folder, progress)
    rows = layer_sweep(by_layer.__getitem__, layers, splits[1], splits[3], settings.C)
    result.tables.append((f"{arch}: layer x C, linear SVM on L2-normalised average-pooled features", rows))
    accuracy_vs_c(rows, folder / "accuracy_vs_C.png", f"{settings.data}: {arch}")
    result.figures.append(("test accuracy against C per layer", "accuracy_vs_C.png"))
    result.tables.append(("network comparison (best C per network)", network_comparison(splits, settings, folder, progress)))
    head = head_sweep(by_layer.__getitem__, layers[-1:], splits[1], splits[3], settings.head, settings.seed, progress)
    result.tables.append((f"neural head ({settings.head}, early stopping on part of the training split)", head))
    return result
