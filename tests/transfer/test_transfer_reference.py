"""jaxdl's transfer pipeline against the PyTorch reference (scripts/transfer_reference_torch.py) on real 15-Scene
images with the real SqueezeNet 1.0: same features, same LinearSVC accuracy."""

import argparse
import sys

import numpy as np
import pytest
from locations import REPO, SHARED

from jaxdl import models, weights
from jaxdl.data.imagenet import Preprocessed
from jaxdl.features import extract
from jaxdl.transfer.svm import svm_sweep

SHARED = SHARED
SCENE15 = SHARED / "data" / "15scene"
SQUEEZENET = SHARED / "weights" / "squeezenet1_0-imagenet-dc.safetensors"


@pytest.mark.realdata
def test_jaxdl_matches_the_torch_reference_on_real_scene15():
    """4 train / 4 test images per class (sorted file order), fire9 + conv10, C=1: accuracies within 0.5 points."""
    if not (SCENE15.is_dir() and SQUEEZENET.is_file()):
        pytest.skip(f"needs {SCENE15} and {SQUEEZENET} (present in CI next to the repository)")
    pytest.importorskip("torchvision")
    sys.path.insert(0, str(REPO / "scripts"))
    import transfer_reference_torch as reference

    args = argparse.Namespace(
        root=SCENE15, arch="squeezenet1_0", weights=SQUEEZENET, layers="fire9,conv10", C="1", per_class="4,4", size=224,
        batch_size=60, threads=None,
    )
    torch_rows, torch_feats = reference.run(args)
    model, variables = models.create("squeezenet1_0"), weights.from_torchvision("squeezenet1_0", SQUEEZENET)
    splits = reference.split_files(SCENE15, [4, 4])
    feats = {
        split: extract(model, variables, Preprocessed([p.read_bytes() for p in files]), batch_size=60, progress=False, pool="avg",
                       layers=["fire9", "conv10"])
        for split, (files, _) in splits.items()
    }
    for split in splits:
        for layer in ("fire9", "conv10"):
            ref = torch_feats[split][layer]
            assert np.abs(feats[split][layer] - ref).max() <= 1e-4 * np.abs(ref).max(), (split, layer)
    for torch_row in torch_rows:
        layer = torch_row["layer"]
        (row,) = svm_sweep(feats["train"][layer], splits["train"][1], feats["test"][layer], splits["test"][1], [1.0])
        print(f"{layer} C=1: jaxdl {row['test_acc']:.4f}, torch {torch_row['test_acc']:.4f}")
        assert abs(row["test_acc"] - torch_row["test_acc"]) <= 0.005
        assert row["test_acc"] >= 0.5  # 15 classes: chance is 0.067
