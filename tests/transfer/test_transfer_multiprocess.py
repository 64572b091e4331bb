"""`jaxdl transfer --distributed` as 2 processes x 2 CPU devices: each process extracts its share of every batch, and
the SVM sees the features of a one-process run of as many devices (equal to 1e-6: 0.0 measured) on a tiny image folder
with a random SqueezeNet 1.1. (Against 1 device, whose convolutions see 4 times the rows, fire9 differs by ~2e-6.)"""

import csv
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from processes import started

pytestmark = [pytest.mark.multiprocess, pytest.mark.slow]


def image_folder(root: Path) -> Path:
    """ROOT/{train,test}/{a,b}/*.jpg: 7 train and 3 test random 40x48 images per class (14 and 6: the last batch of
    each split leaves process 1 a partly empty share)."""
    rng = np.random.default_rng(0)
    for split, count in (("train", 7), ("test", 3)):
        for name in ("a", "b"):
            (root / split / name).mkdir(parents=True)
            for i in range(count):
                Image.fromarray(rng.integers(0, 256, (40, 48), dtype=np.uint8)).save(root / split / name / f"{i}.jpg")
    return root


def test_two_processes_extract_the_features_of_one(tmp_path: Path) -> None:
    data = image_folder(tmp_path / "scenes")
    args = ["-m", "jaxdl.cli", "--no-progress", "transfer", "--data", str(data), "--arch", "squeezenet1_1", "--weights",
            "squeezenet1_1=random", "--layers", "fire3,fire9", "--C", "0.1,10", "--size", "64", "--batch-size", "8",
            "--summary", "", "--compare", "", "--head", "none"]
    with ExitStack() as stack:
        groups = {name: stack.enter_context(started([*args, "--out", str(tmp_path / name), *flags], processes, devices,
                                                    {"JAXDL_DATA_DIR": str(tmp_path / name / "tfds")}))
                  for name, processes, devices, flags in (("2x2", 2, 2, ["--distributed"]), ("1x4", 1, 4, []))}
        for group in groups.values():
            done = group.wait(timeout=120)
            assert all(p.returncode == 0 for p in done), "\n".join(p.stderr[-2000:] for p in done)
    (two,), (one,) = (list((tmp_path / name / "features").iterdir()) for name in groups)
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir()) == ["fire3-test.npy", "fire3-train.npy", "fire9-test.npy", "fire9-train.npy"]
    gaps = {name: float(np.abs(np.load(two / name).astype(np.float64) - np.load(one / name)).max()) for name in names}
    assert np.load(two / "fire9-train.npy").shape == (14, 512) and max(gaps.values()) < 1e-6, gaps
    tables = [[{k: row[k] for k in ("layer", "C", "train_acc", "test_acc")} for row in csv.DictReader((tmp_path / name / "svm.csv").open())]
              for name in groups]
    assert tables[0] == tables[1] and len(tables[0]) == 4
