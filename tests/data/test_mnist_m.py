"""MNIST-M blending, photo folders, the published MNIST-M layout, domain input checks, real MNIST-M alignment."""


import numpy as np
import pytest
from locations import SHARED
from PIL import Image
from test_idx import write_idx

from jaxdl.dann import domains
from jaxdl.dann.experiment import prepare
from jaxdl.data.digits import digits, embedded_photos
from jaxdl.data.mnist_m import blend, load_photos, load_published
from jaxdl.errors import DataError

SHARED = SHARED


def test_blend_is_abs_patch_minus_digit():
    photo = np.full((40, 50, 3), [200, 30, 100], np.uint8)  # a flat photo: every patch is the same colour
    digits_ = np.zeros((2, 32, 32), np.uint8)
    digits_[1, 10:20, 10:20] = 255
    out = blend(digits_, [photo], seed=3)
    assert out.shape == (2, 32, 32, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out[0], photo[:32, :32])
    np.testing.assert_array_equal(out[1, 15, 15], [55, 225, 155])
    np.testing.assert_array_equal(blend(digits_, [photo], seed=3), out)


def test_blend_is_seeded_and_uses_photos():
    images = digits()[0][:20]
    photos = embedded_photos()
    assert len(photos) == 9
    a, b, c = blend(images, photos, 0), blend(images, photos, 0), blend(images, photos, 1)
    np.testing.assert_array_equal(a, b)
    assert np.abs(a.astype(int) - c).mean() > 10


def test_photo_folder_errors(tmp_path):
    with pytest.raises(DataError, match="holds no images"):
        load_photos(tmp_path)
    with pytest.raises(DataError, match="does not exist"):
        load_photos(tmp_path / "missing")
    Image.fromarray(np.zeros((20, 20, 3), np.uint8)).save(tmp_path / "tiny.png")
    with pytest.raises(DataError, match="smaller than the 32x32 patch"):
        blend(np.zeros((1, 28, 28), np.uint8), load_photos(tmp_path))


def test_published_layout(tmp_path):
    (tmp_path / "mnist_m_test").mkdir()
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (3, 32, 32, 3), dtype=np.uint8)
    for i, image in enumerate(images):
        Image.fromarray(image).save(tmp_path / "mnist_m_test" / f"{i:08d}.png")
    (tmp_path / "mnist_m_test_labels.txt").write_text("00000000.png 7\n00000001.png 2\n00000002.png 1\n")
    got, labels = load_published(tmp_path)
    np.testing.assert_array_equal(got, images)
    assert labels.tolist() == [7, 2, 1]
    with pytest.raises(DataError, match="no mnist_m_train_labels.txt"):
        load_published(tmp_path, "train")


def test_domain_checks(tmp_path):
    x, y = domains.as_domain(np.zeros((4, 28, 28), np.uint8), np.arange(4))
    assert x.shape == (4, 32, 32, 3) and x.dtype == np.float32
    with pytest.raises(DataError, match=r"labels must be 4 integers in \[0, 10\)"):
        domains.as_domain(np.zeros((4, 28, 28), np.uint8), np.array([0, 1, 2, 10]))
    with pytest.raises(DataError, match="no images"):
        domains.as_domain(np.zeros((0, 28, 28), np.uint8), np.zeros(0))
    with pytest.raises(DataError, match=r"N,H,W,\{1,3\}"):
        domains.as_domain(np.zeros((2, 28, 28, 4), np.uint8), np.zeros(2))
    with pytest.raises(DataError, match="differ in size or channels"):
        domains.check_pair(np.zeros((2, 32, 32, 3)), np.zeros((2, 28, 28, 3)))
    with pytest.raises(DataError, match="differ in size or channels"):
        domains.check_pair(np.zeros((2, 32, 32, 3)), np.zeros((2, 32, 32, 1)))
    with pytest.raises(DataError, match="needs a folder"):
        domains.load("idx")
    with pytest.raises(DataError, match=r"^bad data source 'svhn:/x'; expected digits, digits-m, idx:DIR, idx-m:DIR, mnist-m:DIR or "
                       r"images:DIR, optionally followed by \[start:stop\]$"):
        domains.load("svhn:/x")
    with pytest.raises(DataError, match="an image folder has no labels"):
        Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(tmp_path / "a.png")
        domains.load(f"images:{tmp_path}")
    images, labels = domains.load("digits[10:15]")
    assert images.shape == (5, 8, 8) and labels.tolist() == [0, 1, 2, 3, 4]


@pytest.mark.realdata
@pytest.mark.slow
def test_real_mnist_m_is_index_aligned_with_mnist():
    if not (SHARED / "data" / "mnist_m").is_dir():
        pytest.skip(f"{SHARED / 'data'} absent (real MNIST-M test set lives in ../shared)")
    images, labels = domains.load(f"mnist-m:{SHARED / 'data' / 'mnist_m'}[0:200]")
    mnist = domains.load(f"idx:{SHARED / 'data' / 'mnist'}[0:200]")
    assert images.shape == (200, 32, 32, 3)
    np.testing.assert_array_equal(labels, mnist[1])
    assert len(load_photos(SHARED / "data" / "bsds500")) == 200


def test_index_aligned_domains_must_be_disjoint():
    domains.check_disjoint("digits[0:900]", "digits-m[900:1797]")
    domains.check_disjoint("idx:/data/mnist", "idx-m:/data/fashion")  # different digits: any ranges
    for source, target in [("digits", "digits-m"), ("idx:/d[0:10]", "idx-m:/d[5:20]"), ("digits-m[100:]", "digits[0:101]")]:
        with pytest.raises(DataError, match="index-aligned and their ranges overlap"):
            domains.check_disjoint(source, target)
    with pytest.warns(UserWarning, match="if the IDX files are MNIST's"):
        domains.check_disjoint("idx:/d[0:6000]", "mnist-m:/m[5000:9001]")


def test_eval_split_is_the_papers_protocol(tmp_path, monkeypatch):
    """--split train --eval-split test: train on each domain's train range, evaluate on the whole test split."""
    monkeypatch.setenv("JAXDL_DATA_DIR", str(tmp_path / "tfds"))
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 12), ("t10k", 5)):
        write_idx(tmp_path / f"{prefix}-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte", rng.integers(0, 10, n, dtype=np.uint8))
    (src_train, src_test), (tgt_train, tgt_test) = prepare(f"idx:{tmp_path}[0:6]", f"idx-m:{tmp_path}[6:12]",
                                                           split="train", eval_split="test")
    assert [len(a[0]) for a in (src_train, src_test, tgt_train, tgt_test)] == [6, 5, 6, 5]
    assert domains.without_range(f"idx-m:{tmp_path}[6:12]") == f"idx-m:{tmp_path}"
