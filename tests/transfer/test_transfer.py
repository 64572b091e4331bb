"""SVM transfer: accuracy floors on real digits, the C trend, the layer x C table, clear errors, feature cache."""

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tiny_cnn import tiny_setup

from jaxdl.cli import main
from jaxdl.errors import DataError, JaxdlError
from jaxdl.features import cached, cached_layers, extract
from jaxdl.transfer.cache import feature_folder
from jaxdl.transfer.svm import l2_normalized, layer_sweep, svm_sweep


@pytest.fixture(scope="module")
def digits():
    """sklearn's 1,797 real 8x8 digits, split half/half with a fixed seed."""
    x, y = load_digits(return_X_y=True)
    return train_test_split(x.reshape(-1, 8, 8, 1), y, train_size=0.5, random_state=0, stratify=y)


def test_l2_normalized_flattens_to_unit_rows():
    x = np.random.default_rng(0).normal(size=(5, 2, 3, 4))
    out = l2_normalized(x)
    assert out.shape == (5, 24)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(out[0], x[0].ravel() / np.linalg.norm(x[0]), rtol=1e-6)


def test_svm_sweep_on_real_digits(digits):
    x_train, x_test, y_train, y_test = digits
    rows = svm_sweep(x_train, y_train, x_test, y_test, [0.001, 1.0])
    assert [r["C"] for r in rows] == [0.001, 1.0]
    small, one = rows
    assert one["test_acc"] >= 0.94 and one["train_acc"] >= 0.96  # measured 0.952 / 0.973
    assert small["train_acc"] < one["train_acc"] - 0.05  # strong regularisation underfits (measured 0.865)


def test_layer_sweep_rows_and_one_extraction_per_layer(digits):
    x_train, x_test, y_train, y_test = digits
    model, variables, _ = tiny_setup()
    images = {"train": np.repeat(x_train, 3, axis=-1) / 16, "test": np.repeat(x_test, 3, axis=-1) / 16}
    calls = []

    def features_for(layer):
        calls.append(layer)
        return tuple(extract(model, variables, images[s], layer, pool="avg", progress=False) for s in ("train", "test"))

    rows = layer_sweep(features_for, ["conv1", "pool1"], y_train, y_test, [0.1, 10.0])
    assert calls == ["conv1", "pool1"]
    assert [(r["layer"], r["C"]) for r in rows] == [("conv1", 0.1), ("conv1", 10.0), ("pool1", 0.1), ("pool1", 10.0)]
    assert set(rows[0]) == {"layer", "l2", "C", "train_acc", "test_acc", "fit_s"}
    assert all(0.1 < r["test_acc"] <= 1 for r in rows)  # 4 random channels averaged: weak but above chance


def test_svm_sweep_errors():
    x, y = np.ones((4, 3)), np.array([0, 1, 0, 1])
    with pytest.raises(DataError, match="train split: 4 feature rows but 3 labels"):
        svm_sweep(x, y[:3], x, y, [1.0])
    with pytest.raises(DataError, match="at least two classes"):
        svm_sweep(x, np.zeros(4), x, y, [1.0])
    with pytest.raises(JaxdlError, match="no C values"):
        svm_sweep(x, y, x, y, [])


def test_cached_computes_once(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return np.arange(6.0).reshape(2, 3)

    first = cached(tmp_path / "f" / "squeezenet1_0-fire9-train.npy", compute)
    again = cached(tmp_path / "f" / "squeezenet1_0-fire9-train.npy", compute)
    assert len(calls) == 1 and np.array_equal(first, again)
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == ["squeezenet1_0-fire9-train.npy"]


def test_cached_layers_hit_partial_hit_and_one_pass(tmp_path):
    calls = []

    def compute(missing):
        calls.append(list(missing))
        return {layer: np.full((2, 3), float(len(layer))) for layer in missing}

    paths = lambda layers: {layer: tmp_path / f"{layer}-train.npy" for layer in layers}
    first = cached_layers(paths(["fire5", "conv10"]), compute)
    assert calls == [["fire5", "conv10"]]  # both missing: one call, i.e. one pass
    again = cached_layers(paths(["fire5", "conv10"]), compute)
    assert calls == [["fire5", "conv10"]] and all(np.array_equal(first[k], again[k]) for k in first)  # hit
    more = cached_layers(paths(["fire5", "fire9", "conv10"]), compute)
    assert calls[-1] == ["fire9"] and list(more) == ["fire5", "fire9", "conv10"]  # partial hit: only the new layer
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conv10-train.npy", "fire5-train.npy", "fire9-train.npy"]


def test_feature_cache_folder_changes_with_every_setting(tmp_path):
    weights = tmp_path / "w.safetensors"
    weights.write_bytes(b"one")
    base = dict(data_key="scenes:abc:None", arch="squeezenet1_0", weights=str(weights), pool="avg", size=224)
    folder = lambda **change: feature_folder(tmp_path, **{**base, **change})
    original = folder()
    assert folder() == original and original.name.startswith("scenes-squeezenet1_0-w-avg-224-")
    changed = [folder(data_key="scenes:abd:None"), folder(data_key="scenes:abc:[10, 6]"), folder(arch="squeezenet1_1"),
               folder(pool="max"), folder(size=112)]
    weights.write_bytes(b"other weights")  # same name, new file
    changed.append(folder())
    names = [path.name for path in changed]
    assert len(set(names)) == len(names) and original.name not in names  # each changed setting: another folder
    assert {path.parent for path in changed} == {tmp_path / "features"}


def test_l2_and_raw_sweeps_on_separable_data_of_varying_scale():
    """Three classes told apart by direction only, each sample scaled by 0.001..10: with L2 normalisation the linear
    SVM separates them at every C, raw features lose the small-scale samples; both rows of each C are there."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 20))
    y = np.repeat(np.arange(3), 80)
    x = (centres[y] + 0.3 * rng.normal(size=(240, 20))) * 10 ** rng.uniform(-3, 1, size=(240, 1))
    train, test = np.arange(240) % 2 == 0, np.arange(240) % 2 == 1
    rows = layer_sweep(lambda layer: (x[train], x[test]), ["raw"], y[train], y[test], [0.01, 1.0], l2s=(True, False))
    acc = {(r["l2"], r["C"]): r["test_acc"] for r in rows}
    assert list(acc) == [(True, 0.01), (True, 1.0), (False, 0.01), (False, 1.0)]
    assert min(acc[(True, 0.01)], acc[(True, 1.0)]) >= 0.98  # measured 1.0, 1.0
    assert 0.6 <= acc[(False, 0.01)] <= 0.9 and acc[(False, 1.0)] <= 0.95  # measured 0.783, 0.875


def write_jpegs(folder, count, seed):
    """`count` random grayscale 40x48 JPEGs in `folder`."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    for i in range(count):
        Image.fromarray(rng.integers(0, 256, (40, 48), dtype=np.uint8)).save(folder / f"{i}.jpg")


@pytest.mark.slow
def test_transfer_command_writes_table_and_reuses_cached_features(tmp_path, monkeypatch, capsys):
    for split, count in (("train", 4), ("test", 2)):
        for c, name in enumerate(("coast", "forest")):
            write_jpegs(tmp_path / "scenes" / split / name, count, seed=c)
    (tmp_path / "scenes" / "train" / "coast" / "broken.jpg").write_bytes(b"\xff\xd8 not really a JPEG")
    monkeypatch.setenv("JAXDL_DATA_DIR", str(tmp_path / "tfds"))
    argv = ["transfer", "--data", str(tmp_path / "scenes"), "--arch", "squeezenet1_1", "--weights", "squeezenet1_1=random"]
    argv += ["--layers", "fire2,fire3", "--C", "0.1,10", "--size", "64", "--summary", "", "--compare", "", "--head", "none"]
    argv += ["--out", str(tmp_path / "out")]
    with pytest.warns(UserWarning, match="broken.jpg: left out, not a readable image"):
        assert main(argv) == 0
    table = (tmp_path / "out" / "svm.md").read_text()
    assert table.splitlines()[0] == "| layer | l2 | C | train_acc | test_acc | fit_s |" and len(table.splitlines()) == 6
    (folder,) = (tmp_path / "out" / "features").iterdir()
    assert folder.name.startswith("scenes-squeezenet1_1-random-avg-64-")
    assert sorted(p.name for p in folder.iterdir()) == ["fire2-test.npy", "fire2-train.npy", "fire3-test.npy", "fire3-train.npy"]
    assert np.load(folder / "fire2-test.npy").shape == (4, 128)
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {"accuracy_vs_C.png", "confusion.png", "per_class.md", "per_class.csv"}
    stamps = [p.stat().st_mtime_ns for p in folder.iterdir()]
    assert main(argv) == 0  # second run: features read back, not extracted
    assert [p.stat().st_mtime_ns for p in folder.iterdir()] == stamps
    listing = tmp_path / "out" / "unreadable.txt"  # the summary line names what was left out, and where all are listed
    assert f"2 classes, 8 train / 4 test images; 1 unreadable image(s) left out: broken.jpg (all listed in {listing})" \
        in capsys.readouterr().out
    assert listing.read_text() == f"{tmp_path / 'scenes' / 'train' / 'coast' / 'broken.jpg'}\n"


def test_transfer_command_rejects_unknown_layer(tmp_path, monkeypatch, capsys):
    for split in ("train", "test"):
        for c, name in enumerate(("a", "b")):
            write_jpegs(tmp_path / "scenes" / split / name, 1, seed=c)
    monkeypatch.setenv("JAXDL_DATA_DIR", str(tmp_path / "tfds"))
    argv = ["transfer", "--data", str(tmp_path / "scenes"), "--arch", "squeezenet1_1", "--layers", "relu7"]
    assert main(argv + ["--out", str(tmp_path / "out")]) == 2
    assert "unknown layer 'relu7'; choose one of: conv1," in capsys.readouterr().err
