"""Issue 9: dependencies point one way, one data-source parser, one options style, no recompilation hidden in closures."""

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass

import jax
import numpy as np
import pytest

from jaxdl import features
from jaxdl.cli import main
from jaxdl.data import sources
from jaxdl.errors import DataError
from jaxdl.gan.quality import classifier_outputs
from jaxdl.keys import prng_key
from jaxdl.models.small import SmallCNN
from jaxdl.options import add_fields, from_args

NETWORKS = """
import sys
import jaxdl.models as models
import jaxdl.models.dann, jaxdl.models.dcgan, jaxdl.models.grl, jaxdl.models.small
for arch in models.archs():
    models.create(arch)
print(sorted({m.split(".")[0] if not m.startswith("jaxdl.") else ".".join(m.split(".")[:2]) for m in sys.modules
              if m.split(".")[0] in ("orbax", "safetensors", "torch") or m.startswith(("jaxdl.weights", "jaxdl.dann", "jaxdl.gan"))}))
"""


def test_models_know_no_checkpoints_nor_practicals():
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    run = subprocess.run([sys.executable, "-c", NETWORKS], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "[]"  # no orbax, safetensors, torch, jaxdl.weights, jaxdl.dann nor jaxdl.gan


def test_data_source_specs():
    assert sources.parse("digits") == sources.Spec("digits")
    assert sources.parse("idx-m:/d/mnist[6:12]") == sources.Spec("idx-m", "/d/mnist", 6, 12)
    assert sources.parse("mnist-m:m[:9001]").whole == "mnist-m:m"
    for bad, message in [("svhn:/x", "bad data source 'svhn:/x'; expected digits, digits-m, idx:DIR"),
                         ("digits[0:x]", "bad data source 'digits[0:x]'"),
                         ("images", "data source 'images' needs a folder: images:DIR"),
                         ("digits:/x", "data source 'digits:/x': digits is embedded and takes no folder")]:
        with pytest.raises(DataError, match=f"^{re.escape(message)}"):
            sources.parse(bad)
    images, labels = sources.load("digits[1790:]")
    assert images.shape == (7, 8, 8) and labels.tolist() == list(sources.load("digits")[1][1790:])


@pytest.mark.parametrize("argv", [["gan", "--data", "svhn:/x"], ["dann", "--source", "svhn:/x"], ["dann", "--target", "idx"]])
def test_bad_data_source_is_one_line(argv, capsys, tmp_path):
    assert main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"jaxdl {argv[0]}: error: ") and "data source" in err


@dataclass(frozen=True)
class Config:
    """A stand-in for GanConfig / DannConfig."""

    data: str = "digits"
    root: str | None = None
    conditional: bool = False
    image_size: int | None = None
    lr: float = 2e-4


def test_dataclass_fields_are_the_options():
    parser = argparse.ArgumentParser()
    add_fields(parser, Config, {"lr": "learning rate"}, {"image_size": (32, 64)})
    assert from_args(Config, parser.parse_args([])) == Config()
    args = parser.parse_args(["--data", "idx:/m", "--conditional", "--image-size", "64", "--lr", "0.001", "--root", "r"])
    assert from_args(Config, args) == Config("idx:/m", "r", True, 64, 0.001)
    assert from_args(Config, Config(lr=1.0)) == Config(lr=1.0)
    with pytest.raises(SystemExit):
        parser.parse_args(["--image-size", "48"])


def test_gan_scorer_compiles_once_for_every_epoch():
    """The scorer's parameters are arguments: new samples and new parameters (another epoch) reuse the compilation."""
    model = SmallCNN(10)
    images = np.random.default_rng(0).uniform(-1, 1, (40, 32, 32, 1)).astype(np.float32)
    variables = jax.jit(model.init)(prng_key(0), images[:1])  # rbg keys: compiles ~4x faster than eager threefry init
    feats, predicted = classifier_outputs(variables, images, batch_size=16)
    compilations = features.forward._cache_size()
    reference = model.apply(variables, images, layer=("features", "logits"))  # one pass, both layers
    np.testing.assert_allclose(feats, reference["features"], atol=1e-5)
    np.testing.assert_array_equal(predicted, np.argmax(reference["logits"], axis=-1))
    other = jax.tree.map(lambda a: a * 1.5, variables)
    classifier_outputs(other, images[::-1].copy(), batch_size=16)
    assert features.forward._cache_size() == compilations
