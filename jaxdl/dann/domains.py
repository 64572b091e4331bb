"""Digit domains as the network sees them (float32 N,32,32,3), named by data-source specs, with input checks.

The course's inputs: 28x28 digits resized to 32x32 (`resize`: "pil" = PIL bilinear on uint8, "torch" = bilinear on
floats as torch's F.interpolate, align_corners=False), then scaled (`scale`: "centered" = (x - 0.5) / 0.5 in [-1, 1]
as the course's Normalize((0.5,), (0.5,)), or "unit" = [0, 1]).

Domains are the labelled specs of jaxdl.data.sources: `digits`, `digits-m`, `idx:DIR`, `idx-m:DIR` (blended with
--photos), `mnist-m:DIR` (published files), optionally sliced as `SPEC[START:STOP]` to keep index ranges of
index-aligned domains disjoint.
"""

import warnings
from pathlib import Path

import jax
import numpy as np

from jaxdl.data import mnist_m, sources
from jaxdl.data.mnist_m import SIZE
from jaxdl.errors import DataError

SCALES = ("centered", "unit")
RESIZES = ("pil", "torch")


def to_float(images: np.ndarray, resize: str = "pil") -> np.ndarray:
    """uint8 N,H,W[,C] images -> float32 in [0, 1] at SIZE x SIZE, resized by PIL (uint8) or as torch (floats)."""
    if resize not in RESIZES:
        raise DataError(f"resize must be one of {RESIZES}, got {resize!r}")
    if resize == "pil" or images.shape[1:3] == (SIZE, SIZE):
        return mnist_m.resize(images, SIZE).astype(np.float32) / 255.0
    x = images.astype(np.float32) / 255.0  # jax's linear = torch's bilinear (align_corners=False, no antialias) to 2e-7
    return np.asarray(jax.image.resize(x, (len(x), SIZE, SIZE, *x.shape[3:]), "linear", antialias=False))


def as_domain(images: np.ndarray, labels: np.ndarray, num_classes: int = 10, name: str = "domain", scale: str = "centered",
              resize: str = "pil") -> tuple[np.ndarray, np.ndarray]:
    """uint8 gray or RGB images -> float32 N,32,32,3 (gray channel repeated) in [-1,1] or [0,1]; labels checked."""
    if scale not in SCALES:
        raise DataError(f"scale must be one of {SCALES}, got {scale!r}")
    if len(images) == 0:
        raise DataError(f"{name}: no images")
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] not in (1, 3)):
        raise DataError(f"{name}: images must be N,H,W or N,H,W,{{1,3}}, got shape {images.shape}")
    labels = np.asarray(labels, np.int64)
    if labels.shape != (len(images),) or labels.min() < 0 or labels.max() >= num_classes:
        raise DataError(f"{name}: labels must be {len(images)} integers in [0, {num_classes}), got shape {labels.shape} range "
                        f"[{labels.min()}, {labels.max()}]")
    x = to_float(images, resize)
    x = (x - 0.5) / 0.5 if scale == "centered" else x
    x = x[..., None] if x.ndim == 3 else x
    return np.repeat(x, 3, axis=-1) if x.shape[-1] == 1 else x, labels


def check_pair(source: np.ndarray, target: np.ndarray) -> None:
    """Both domains must have the same image size and channel count (the network's input is shared)."""
    if source.shape[1:] != target.shape[1:]:
        raise DataError(f"source images {source.shape[1:]} and target images {target.shape[1:]} differ in size or channels")


def without_range(spec: str) -> str:
    """The spec with its [start:stop] range dropped: the whole domain."""
    return sources.parse(spec).whole


def check_disjoint(source_spec: str, target_spec: str) -> None:
    """Index-aligned domains must not share indices, or the target holds the source's own digits.

    `X` and `X-m` built from the same digits: error. IDX digits and the published MNIST-M (aligned with MNIST): warning.
    """
    a, b = sources.parse(source_spec), sources.parse(target_spec)
    digits_of = {"digits-m": "digits", "idx-m": "idx"}  # which digits a domain is made of
    (ka, pa), (kb, pb) = ((digits_of.get(m.kind, m.kind), Path(m.path or ".").resolve()) for m in (a, b))
    same, published = (ka, pa) == (kb, pb), {ka, kb} == {"idx", "mnist-m"}
    a0, a1, b0, b1 = a.start, a.stop, b.start, b.stop
    overlap = (a1 is None or (b0 or 0) < a1) and (b1 is None or (a0 or 0) < b1)
    message = (f"{source_spec!r} and {target_spec!r} are index-aligned and their ranges overlap: the target would contain "
               "the source's own digits; give them disjoint [start:stop] ranges")
    if overlap and same:
        raise DataError(message)
    if overlap and published:
        warnings.warn(message + " (if the IDX files are MNIST's)", stacklevel=2)


def load(spec: str, photos: str | Path | None = None, seed: int = 0, split: str = "test") -> tuple[np.ndarray, np.ndarray]:
    """(images uint8, labels) of a labelled data-source spec (jaxdl.data.sources), sliced if it ends with [start:stop]."""
    if sources.parse(spec).kind == "images":
        raise DataError(f"domain {spec!r}: an image folder has no labels; a domain is digits, digits-m, idx:DIR, idx-m:DIR or mnist-m:DIR")
    return sources.load(spec, split, photos, seed)
