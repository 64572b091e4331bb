"""MNIST-format IDX files (MNIST, Fashion-MNIST, any IDX pair): read, download from mirrors with sha256, cache with TFDS.

A folder holds `{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`; the Debian package
dataset-fashion-mnist and the original MNIST distribution both use these names.
"""

import gzip
import hashlib
from pathlib import Path

import numpy as np

from jaxdl.data.cache import cached
from jaxdl.download import download_file, sha256_of
from jaxdl.errors import DataError

_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
SPLITS = {"train": "train", "test": "t10k"}
KINDS = ("images-idx3", "labels-idx1")

# Mirrors tried in order; sha256 of the .gz files (the same values TFDS and torchvision verify).
MIRRORS = {
    "mnist": ("https://storage.googleapis.com/cvdf-datasets/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"),
    "fashion_mnist": ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
}
SHA256 = {
    "mnist": {
        "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    },
    "fashion_mnist": {
        "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    },
}


def read_idx(path: str | Path) -> np.ndarray:
    """The array stored in one IDX file (gzipped or not): magic 0,0,dtype,ndim then big-endian int32 dims."""
    path = Path(path)
    raw = (gzip.open if path.suffix == ".gz" else open)(path, "rb").read()
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] not in _DTYPES:
        raise DataError(f"{path}: not an IDX file (bad magic number {raw[:4].hex()})")
    ndim = raw[3]
    shape = tuple(int(d) for d in np.frombuffer(raw, ">i4", ndim, offset=4))
    dtype = np.dtype(_DTYPES[raw[2]])
    offset = 4 + 4 * ndim
    if len(raw) - offset != int(np.prod(shape)) * dtype.itemsize:
        raise DataError(f"{path}: {len(raw) - offset} data bytes, shape {shape} needs {int(np.prod(shape)) * dtype.itemsize}")
    return np.frombuffer(raw, dtype, offset=offset).reshape(shape).astype(dtype.newbyteorder("="))


def idx_path(root: str | Path, split: str, kind: str) -> Path:
    """The file of `split` ('train'/'test') and `kind` in `root`, gzipped or not."""
    if split not in SPLITS:
        raise DataError(f"split must be one of {sorted(SPLITS)}, got {split!r}")
    stem = Path(root) / f"{SPLITS[split]}-{kind}-ubyte"
    for candidate in (stem.with_name(stem.name + ".gz"), stem):
        if candidate.is_file():
            return candidate
    raise DataError(f"{root}: no {stem.name}[.gz] for split {split!r}")


def load_idx_dir(root: str | Path, split: str = "test") -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 N,H,W, labels int64 N) of one split of an MNIST-format folder, checked for consistency."""
    images, labels = (read_idx(idx_path(root, split, kind)) for kind in KINDS)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DataError(f"{root} {split}: images {images.shape} and labels {labels.shape} do not pair up")
    return images.astype(np.uint8), labels.astype(np.int64)


def download(dataset: str, root: str | Path, mirrors: tuple[str, ...] | None = None) -> Path:
    """Fetch the four IDX files of `dataset` ('mnist'/'fashion_mnist') into `root`, trying each mirror; verified files are kept."""
    if dataset not in SHA256:
        raise DataError(f"unknown IDX dataset {dataset!r}; known: {sorted(SHA256)}")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for name, expected in SHA256[dataset].items():
        target = root / name
        if target.is_file() and sha256_of(target) == expected:
            continue
        errors = []
        for mirror in mirrors or MIRRORS[dataset]:
            try:
                download_file(mirror + name, target, expected, error=DataError)
                break
            except DataError as err:
                errors.append(f"{mirror}: {err}")
        else:
            raise DataError(f"could not download {name}: " + "; ".join(errors))
    return root


def idx_dataset(root: str | Path, split: str = "test", directory: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Like load_idx_dir, but prepared once as a TFDS dataset named after the folder and read from that cache."""
    root = Path(root).resolve()
    name = f"idx_{root.name}_{split}_{hashlib.sha256(str(root).encode()).hexdigest()[:8]}"
    shape = read_idx(idx_path(root, split, KINDS[0])).shape[1:]
    return cached(name, lambda: load_idx_dir(root, split), shape, directory)
