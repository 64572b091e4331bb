"""The transfer practical's one feature cache: OUT/features/<readable settings>-<hash of every setting the features
depend on>/LAYER-SPLIT.npy, shared by the layer x C sweep and the network comparison, so a rerun (other C values, one
more layer, another head) extracts only what is missing, all missing layers of a split in one pass."""

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from jaxdl import models
from jaxdl.features import cached_layers, extract
from jaxdl.pretrained import variables_for


def weights_identity(weights: str) -> str:
    """'imagenet' / 'random' as they are; a weights file by its path, size and modification time (a new file, a new cache)."""
    path = Path(weights).expanduser()
    if not path.exists():
        return weights
    stat = path.stat()
    return f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


def feature_folder(out: Path, data_key: str, arch: str, weights: str, pool: str, size: int) -> Path:
    """OUT/features/<data, arch, weights, pool, size>-<hash of the data's identity and those settings>."""
    settings = [data_key, arch, weights_identity(weights), pool, size]
    digest = hashlib.sha256(repr(settings).encode()).hexdigest()[:10]
    name = "-".join([data_key.split(":")[0], arch, Path(weights).stem, pool, str(size), digest])
    return Path(out) / "features" / name


def layer_features(arch: str, weights: str, layers: tuple[str, ...], splits: dict, folder: Path, pool: str,
                   batch_size: int, seed: int, progress: bool) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{layer: (train, test)} features of `arch`: cached layers read back, the missing ones of each split from one
    pass; the weights are loaded only when something is missing."""
    model = models.create(arch)
    loaded: dict = {}
    per_split = {}
    for split, (images, _) in splits.items():
        def compute(missing: list[str], images: Sequence = images) -> dict:
            if not loaded:
                loaded["variables"] = variables_for(model, arch, weights, seed)
            return extract(model, loaded["variables"], images, batch_size=batch_size, progress=progress,
                           pool=None if pool == "none" else pool, layers=missing)
        per_split[split] = cached_layers({layer: folder / f"{layer}-{split}.npy" for layer in layers}, compute)
    return {layer: (per_split["train"][layer], per_split["test"][layer]) for layer in layers}
