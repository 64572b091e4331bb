"""SIFT bag of words: descriptor shape and photometric invariance, pyramid layout, assignment and kernels
against brute force, a texture data set well above chance, the stage caches, one-line errors, real 15-Scene."""

import re
from pathlib import Path

import jax
import numpy as np
import pytest
from locations import SHARED
from PIL import Image
from scipy.ndimage import gaussian_filter
from sklearn.metrics import pairwise_distances_argmin

from jaxdl.cli import main
from jaxdl.errors import JaxdlError
from jaxdl.transfer import bow, kernels, pyramid, sift, words

SCENE15 = SHARED / "data" / "15scene"


@pytest.fixture(scope="module")
def dense():
    return sift.dense_sift_fn()


def texture(rng: np.random.Generator, size: int = 56) -> np.ndarray:
    """A gray [0, 1] image of smooth random blobs (every patch has contrast)."""
    return np.clip(0.5 + 4 * gaussian_filter(rng.normal(size=(size, size + 8)), 2), 0, 1).astype(np.float32)


def test_descriptor_shape_norms_and_photometric_invariance(dense):
    image = 0.2 + 0.5 * texture(np.random.default_rng(0))  # in [0.2, 0.7]: brighter and darker versions stay in [0, 1]
    out = sift.dense_sift(dense, image)
    assert out.shape == (6 * 7, 128) and sift.grid_shape(56, 64, 8, 16) == (6, 7)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)  # Lowe: unit norm after the 0.2 clip
    assert out.min() >= 0 and out.max() < 0.3  # clipped at 0.2, then renormalised
    brighter, contrast = sift.dense_sift(dense, image + 0.25), sift.dense_sift(dense, 0.5 * image)
    assert np.abs(brighter - out).max() < 1e-5  # gradients ignore a global offset (measured 1e-7)
    assert np.abs(contrast - out).max() < 1e-5  # and normalisation removes a global gain
    assert not sift.dense_sift(dense, np.full((32, 32), 0.4, np.float32)).any()  # flat: zero, not NaN
    assert sift.dense_sift(dense, 0.1 * image).any(axis=1).all() and not sift.dense_sift(dense, 0.1 * image, contrast=0.5).any()


def test_descriptors_see_orientation(dense):
    """Vertical stripes put their gradient energy in the horizontal orientations (bins 0 and 4), horizontal ones in 2 and 6."""
    x = np.arange(48)
    vertical = (0.5 + 0.4 * np.sin(x / 2.0))[None, :].repeat(48, 0).astype(np.float32)
    per_bin = lambda image: sift.dense_sift(dense, image).reshape(-1, 16, 8).sum(axis=(0, 1))  # noqa: E731
    v, h = per_bin(vertical), per_bin(np.ascontiguousarray(vertical.T))
    assert v[[0, 4]].sum() > 0.95 * v.sum() and h[[2, 6]].sum() > 0.95 * h.sum()


def test_pyramid_cells_levels_and_norms():
    assert pyramid.level_weights(2) == [0.25, 0.25, 0.5] and pyramid.level_weights(0) == [1.0]
    assert pyramid.cells(32, 32, 8, 16).tolist() == [5, 6, 7, 9, 10, 11, 13, 14, 15]  # centres 8, 16, 24 of 32: cells 1-3
    counts = np.random.default_rng(0).integers(0, 5, (3, 4, 4, 6)).astype(np.float32)
    full = pyramid.pyramid(counts, 2)
    assert full.shape == (3, 6 * 21)
    np.testing.assert_allclose(full[:, :6], 0.25 * counts.sum(axis=(1, 2)))
    np.testing.assert_allclose(full[:, 6:12], 0.25 * counts[:, :2, :2].sum(axis=(1, 2)))  # level 1, top-left cell
    np.testing.assert_allclose(full[:, -6:], 0.5 * counts[:, 3, 3])
    np.testing.assert_allclose(pyramid.pyramid(counts, 0), counts.sum(axis=(1, 2)))
    hellinger = pyramid.normalized(full, "hellinger")
    np.testing.assert_allclose((hellinger**2).sum(axis=1), 1.0, rtol=1e-5)


def test_assignment_and_kernels_match_brute_force():
    rng = np.random.default_rng(0)
    descriptors, centres = rng.random((300, 128), dtype=np.float32), rng.random((40, 128), dtype=np.float32)
    fn = words.nearest_fn()
    hard, ones = words.assign(fn, descriptors, centres, "hard", chunk=128)
    assert (hard[:, 0] == pairwise_distances_argmin(descriptors, centres)).all() and (ones == 1).all()
    soft, weights = words.assign(fn, sift.to_bytes(descriptors / 4), centres / 4, "soft", chunk=128)
    assert soft.shape == (300, 5) and (soft[:, 0] == hard[:, 0]).mean() > 0.97  # uint8 rounding may flip near ties
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)
    assert (np.diff(weights, axis=1) <= 1e-7).all()  # nearer words weigh more
    a, b = rng.random((37, 50), dtype=np.float32), rng.random((9, 50), dtype=np.float32)
    np.testing.assert_allclose(kernels.intersection(jax.jit(kernels.intersection_block), a, b), np.minimum(a[:, None], b[None]).sum(-1), rtol=1e-5)
    gram, cross = kernels.kernel_matrices(a, b, "chi2")
    assert gram.shape == (37, 37) and cross.shape == (9, 37) and np.allclose(np.diag(gram), 1.0) and (cross < 1).all()


def write_textures(root: Path, per_class: int, seed: int) -> None:
    """Three texture classes of small noisy PNGs: oriented stripes (random angle), checkerboards (random
    period and phase), Gaussian blobs, each with pixel noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[:56, :56]
    for split in ("train", "test"):
        for name in ("stripes", "checkers", "blobs"):
            (root / split / name).mkdir(parents=True)
            for i in range(per_class):
                if name == "stripes":
                    angle, period = rng.uniform(0, np.pi), rng.uniform(6, 10)
                    image = 0.5 + 0.3 * np.sin(2 * np.pi * (x * np.cos(angle) + y * np.sin(angle)) / period)
                elif name == "checkers":
                    period, dy, dx = rng.uniform(10, 16), *rng.uniform(0, 16, 2)
                    image = 0.5 + 0.3 * np.sign(np.sin(np.pi * (x + dx) / period) * np.sin(np.pi * (y + dy) / period))
                else:
                    image = texture(rng)[:, :56]
                image = np.clip(image + rng.normal(0, 0.05, image.shape), 0, 1)
                Image.fromarray((255 * image).astype(np.uint8)).save(root / split / name / f"{i}.png")


def test_textures_well_above_chance_and_stages_cached(tmp_path, monkeypatch, capsys):
    write_textures(tmp_path / "tex", 10, seed=0)
    monkeypatch.setenv("JAXDL_DATA_DIR", str(tmp_path / "tfds"))
    argv = ["transfer", "--method", "bow", "--data", str(tmp_path / "tex"), "--out", str(tmp_path / "out")]
    argv += ["--vocab", "24", "--sample", "1000", "--C", "1,10", "--pyramid", "0"]
    assert main(argv) == 0
    rows = (tmp_path / "out" / "bow.csv").read_text().splitlines()
    assert rows[0].startswith("method,feature_dim,extract_s,svm_fit_s,test_acc,C,") and len(rows) == 3
    accuracy = max(float(row.split(",")[4]) for row in rows[1:])
    assert accuracy >= 0.8, accuracy  # 3 classes, chance 1/3 (measured 1.0)
    cache = sorted(p.name for p in (tmp_path / "out" / "bow_cache").iterdir())
    assert re.fullmatch(r"tex-[0-9a-f]{10}-sift-s8-p16-c0-m300-k24-n1000-seed0-hard-test.npy", cache[0]) and len(cache) == 5

    def recomputed(*args, **kwargs):
        raise AssertionError("a cached stage was computed again")

    monkeypatch.setattr(bow, "split_descriptors", recomputed)
    monkeypatch.setattr(words, "vocabulary", recomputed)
    soft = ["--assign", "soft", "--pyramid", "2", "--kernel", "intersection", "--norm", "l1"]
    assert main(argv + soft) == 0  # new histograms, from cached descriptors and vocabulary
    assert len(list((tmp_path / "out" / "bow_cache").iterdir())) == 7
    assert "BoW-SIFT + spatial pyramid (intersection kernel) | 504 |" in capsys.readouterr().out
    rows = (tmp_path / "out" / "bow.csv").read_text().splitlines()[1:]
    assert max(float(row.split(",")[4]) for row in rows) >= 0.8  # measured 1.0


def test_options_check_names_the_bad_option():
    with pytest.raises(JaxdlError, match="^unknown normalisation 'l3'; choose one of: l1, l2, hellinger$"):
        bow.BowOptions(norm="l3").check()
    with pytest.raises(JaxdlError, match="^unknown kernel 'rbf'; choose one of: linear, intersection, chi2$"):
        bow.BowOptions(kernel="rbf").check()
    with pytest.raises(JaxdlError, match="^unknown assignment 'fuzzy'; choose one of: hard, soft$"):
        bow.BowOptions(assign="fuzzy").check()


@pytest.mark.parametrize(
    "options, message",
    [
        (["--pyramid", "3"], "pyramid levels must be between 0 and 2, got 3"),
        (["--patch", "12"], "dense SIFT needs step >= 1 and a patch that is a multiple of 8 pixels, got step 8, patch 12"),
        (["--vocab", "50", "--sample", "10"], "vocabulary of 50 words from 10 sampled descriptors: need 2 <= vocab <= sample"),
    ],
)
def test_bad_options_are_one_line(tmp_path, capsys, options, message):
    assert main(["transfer", "--method", "bow", "--data", str(tmp_path), *options]) == 2
    assert capsys.readouterr().err == f"jaxdl transfer: error: {message}\n"


@pytest.mark.realdata
@pytest.mark.skipif(not SCENE15.is_dir(), reason=f"15-Scene not found at {SCENE15} (present in CI next to the repo)")
def test_real_scenes_descriptors(dense):
    """Real 15-Scene images: Lazebnik's grid (961 patches at 256x256, long side capped at 300), flat sky gives zero
    (low-contrast) descriptors, textures none, and a global gain and offset leave the others unchanged."""
    first = lambda name: bow.gray(sorted((SCENE15 / "train" / name).glob("*.jpg"))[0].read_bytes(), 300)  # noqa: E731
    forest, highway, livingroom = first("forest"), first("highway"), first("livingroom")
    assert livingroom.shape == (204, 300)  # 220x323 on disk
    scenes = (("forest", forest), ("highway", highway), ("livingroom", livingroom))
    out = {name: sift.dense_sift(dense, image, contrast=0.005) for name, image in scenes}
    assert out["forest"].shape == (961, 128) and out["livingroom"].shape == (24 * 36, 128)
    zero = {name: float((~d.any(axis=1)).mean()) for name, d in out.items()}
    assert zero["forest"] == 0 and 0.2 < zero["highway"] < 0.5  # measured 0.0 and 0.352 (sky)
    darker = sift.dense_sift(dense, 0.8 * highway + 0.1, contrast=0.005)
    both = out["highway"].any(axis=1) & darker.any(axis=1)
    assert both.mean() > 0.55 and np.abs(darker - out["highway"])[both].max() < 1e-4  # measured 0.589 (sky is zero)
