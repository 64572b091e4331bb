"""IDX reading, MNIST-format folders, verified download (loopback HTTP and file://), TFDS cache order, real MNIST."""

import functools
import gzip
import hashlib
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest
from locations import SHARED

from jaxdl.data import idx
from jaxdl.download import sha256_of
from jaxdl.errors import DataError

SHARED = SHARED


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write a uint8 array in IDX format (gzipped if the name ends in .gz)."""
    header = bytes([0, 0, 0x08, array.ndim]) + np.array(array.shape, ">i4").tobytes()
    (gzip.open if path.suffix == ".gz" else open)(path, "wb").write(header + array.astype(np.uint8).tobytes())


def make_dir(root: Path, n: int = 7, gz: bool = True) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (n, 28, 28)), rng.integers(0, 10, n)
    suffix = ".gz" if gz else ""
    write_idx(root / f"t10k-images-idx3-ubyte{suffix}", images)
    write_idx(root / f"t10k-labels-idx1-ubyte{suffix}", labels)
    return images, labels


@pytest.mark.parametrize("gz", [True, False])
def test_load_idx_dir_roundtrip(tmp_path, gz):
    images, labels = make_dir(tmp_path, gz=gz)
    got_images, got_labels = idx.load_idx_dir(tmp_path, "test")
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    assert got_images.dtype == np.uint8 and got_labels.dtype == np.int64


def test_idx_errors(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(DataError, match="not an IDX file"):
        idx.read_idx(tmp_path / "bad")
    with pytest.raises(DataError, match="no train-images-idx3-ubyte"):
        idx.load_idx_dir(tmp_path, "train")
    with pytest.raises(DataError, match="split must be one of"):
        idx.load_idx_dir(tmp_path, "val")
    make_dir(tmp_path, gz=False)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(3))
    with pytest.raises(DataError, match="do not pair up"):
        idx.load_idx_dir(tmp_path, "test")


def test_tfds_cache_keeps_index_order(tmp_path):
    (tmp_path / "src").mkdir()
    images, labels = make_dir(tmp_path / "src", n=20)
    got_images, got_labels = idx.idx_dataset(tmp_path / "src", "test", directory=tmp_path / "tfds")
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)


@pytest.fixture
def served(tmp_path):
    """Fake 'mnist' files served over loopback HTTP, with their sha256 patched into idx.SHA256."""
    files = tmp_path / "mirror"
    files.mkdir()
    for name in idx.SHA256["mnist"]:
        (files / name).write_bytes(name.encode() * 10)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(files))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield files, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_download_verifies_and_falls_back(tmp_path, served, monkeypatch):
    files, url = served
    monkeypatch.setitem(idx.SHA256, "mnist", {n: hashlib.sha256((files / n).read_bytes()).hexdigest() for n in idx.SHA256["mnist"]})
    root = idx.download("mnist", tmp_path / "out", mirrors=("http://127.0.0.1:9/dead/", url))
    assert sorted(p.name for p in root.iterdir()) == sorted(idx.SHA256["mnist"])
    root = idx.download("mnist", tmp_path / "out2", mirrors=(files.as_uri() + "/",))
    assert (root / "t10k-images-idx3-ubyte.gz").read_bytes() == (files / "t10k-images-idx3-ubyte.gz").read_bytes()


def test_download_rejects_wrong_hash(tmp_path, served):
    _, url = served
    with pytest.raises(DataError, match="sha256 mismatch"):
        idx.download("mnist", tmp_path / "out", mirrors=(url,))
    assert not any((tmp_path / "out").iterdir())  # nothing unverified is left behind
    with pytest.raises(DataError, match="unknown IDX dataset"):
        idx.download("emnist", tmp_path)


@pytest.mark.realdata
def test_real_mnist_test_set():
    root = SHARED / "data" / "mnist"
    if not root.is_dir():
        pytest.skip(f"{root} absent (real MNIST test set lives in ../shared)")
    assert sha256_of(root / "t10k-images-idx3-ubyte.gz") == idx.SHA256["mnist"]["t10k-images-idx3-ubyte.gz"]
    images, labels = idx.load_idx_dir(root, "test")
    assert images.shape == (10000, 28, 28) and labels[:5].tolist() == [7, 2, 1, 0, 4]
    assert np.bincount(labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
