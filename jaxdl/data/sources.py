"""Data-source specs, the one way DANN and the GANs name their data: parsed here, read here, TFDS-cached.

    digits          scikit-learn's 1,797 8x8 digits (embedded)
    digits-m        those digits blended with colour photos, as MNIST-M (embedded photos, or `photos`)
    idx:DIR         an MNIST-format folder (MNIST, Fashion-MNIST), prepared once as a TFDS data set
    idx-m:DIR       its digits blended with colour photos
    mnist-m:DIR     the published MNIST-M files
    images:DIR      every image under DIR (recursively; no labels), e.g. CelebA

Any spec may end with `[start:stop]` (either bound optional) to keep a range of indices, e.g. to keep
index-aligned domains (MNIST and MNIST-M, digits and digits-M) disjoint.
"""

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm.auto import tqdm

from jaxdl.data.digits import digits, embedded_photos
from jaxdl.data.idx import idx_dataset
from jaxdl.data.image_folder import EXTENSIONS
from jaxdl.data.mnist_m import blended_dataset, load_photos, load_published
from jaxdl.errors import DataError

KINDS = ("digits", "digits-m", "idx", "idx-m", "mnist-m", "images")
WITH_FOLDER = ("idx", "idx-m", "mnist-m", "images")
FORMS = "digits, digits-m, idx:DIR, idx-m:DIR, mnist-m:DIR or images:DIR, optionally followed by [start:stop]"
_SPEC = re.compile(r"^(?P<kind>[a-z-]+)(?::(?P<path>.+?))?(?:\[(?P<start>\d*):(?P<stop>\d*)\])?$")

Images = np.ndarray | list[np.ndarray]  # uint8 N,H,W[,C]; a list when the sizes differ (image folders)


@dataclass(frozen=True)
class Spec:
    """A parsed data-source spec: kind, folder (None for the embedded sets), index range [start:stop]."""

    kind: str
    path: str | None = None
    start: int | None = None
    stop: int | None = None

    @property
    def whole(self) -> str:
        """The spec of the whole source, without its range."""
        return self.kind + (f":{self.path}" if self.path else "")


def parse(spec: str) -> Spec:
    """The parts of a spec; a DataError naming the accepted forms when it is not one."""
    match = _SPEC.match(spec)
    if not match or match["kind"] not in KINDS:
        raise DataError(f"bad data source {spec!r}; expected {FORMS}")
    kind, path = match["kind"], match["path"]
    if kind in WITH_FOLDER and not path:
        raise DataError(f"data source {spec!r} needs a folder: {kind}:DIR")
    if kind not in WITH_FOLDER and path:
        raise DataError(f"data source {spec!r}: {kind} is embedded and takes no folder")
    start, stop = (int(match[k]) if match[k] else None for k in ("start", "stop"))
    return Spec(kind, path, start, stop)


def read_rgb(path: Path) -> np.ndarray | None:
    """The image file as uint8 RGB, or None (with a warning naming it) when it does not decode."""
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))
    except OSError as error:  # PIL's UnidentifiedImageError and truncated files are OSErrors
        warnings.warn(f"{path}: left out, not a readable image ({error})", stacklevel=2)
        return None


def folder_images(root: str | Path) -> list[np.ndarray]:
    """Every readable image file under `root` (recursively, sorted by path) as uint8 RGB: CelebA is one flat folder of JPEGs."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise DataError(f"{root}: no such image folder")
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in EXTENSIONS)
    images = [read_rgb(p) for p in tqdm(files, desc=f"reading {root.name}", leave=False, mininterval=1.0)]
    images = [image for image in images if image is not None]
    if not images:
        raise DataError(f"{root}: no readable image files ({', '.join(sorted(EXTENSIONS))})")
    return images


def load(spec: str | Spec, split: str = "test", photos: str | Path | None = None, seed: int = 0) -> tuple[Images, np.ndarray | None]:
    """(uint8 images, int64 labels or None for image folders) of a spec, sliced to its range.

    `split` ("train"/"test") picks the IDX/MNIST-M files; `photos` (a folder) and `seed` make the -m blends."""
    s = parse(spec) if isinstance(spec, str) else spec
    blend_with = (lambda: embedded_photos() if photos is None else load_photos(photos))  # noqa: E731
    if s.kind == "digits":
        images, labels = digits()
    elif s.kind == "digits-m":
        images, labels = blended_dataset("digits", *digits(), blend_with(), seed)
    elif s.kind == "idx":
        images, labels = idx_dataset(s.path, split)
    elif s.kind == "idx-m":
        images, labels = blended_dataset(Path(s.path).name + f"_{split}", *idx_dataset(s.path, split), blend_with(), seed)
    elif s.kind == "mnist-m":
        images, labels = load_published(s.path, split)
    else:
        images, labels = folder_images(s.path), None
    rows = slice(s.start, s.stop)
    return images[rows], None if labels is None else labels[rows]
