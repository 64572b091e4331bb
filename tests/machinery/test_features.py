"""Feature extraction: same numbers as one big apply, one compilation, stops at the layer, shards over devices."""

import json
import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from locations import REPO
from parity import assert_close
from tiny_cnn import tiny_setup

from jaxdl import models
from jaxdl.errors import JaxdlError
from jaxdl.features import batch_size_for, extract, forward


class LazyImages:
    """A data set that only builds the images a slice asks for (what extract needs from a sequence)."""

    def __init__(self, images):
        self.images, self.requested = images, []

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index: slice):
        self.requested.append((index.start, index.stop))
        return self.images[index]


def test_padded_batches_match_one_apply_and_compile_once():
    model, variables, images = tiny_setup(num_images=10)
    forward.clear_cache()
    expected = np.asarray(model.apply(variables, images, layer="conv1"))
    got = extract(model, variables, images, "conv1", batch_size=4, progress=False)  # batches 4, 4, 2+2 padding
    assert got.shape == (10, 8, 8, 4)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    extract(model, variables, images[:7], "conv1", batch_size=4, progress=False)  # another call, another tail
    other = jax.tree.map(lambda a: a + 1, variables)  # new parameters (another epoch) are arguments, not constants
    extract(type(model)(model.num_classes), other, images[:9], "conv1", batch_size=4, progress=False)  # an equal model
    assert forward._cache_size() == 1


def test_logits_and_lazy_sequences():
    model, variables, images = tiny_setup(num_images=5)
    lazy = LazyImages(images)
    got = extract(model, variables, lazy, None, batch_size=2, progress=False)
    np.testing.assert_allclose(got, np.asarray(model.apply(variables, images)), atol=1e-6)
    assert lazy.requested == [(0, 2), (2, 4), (4, 6)]


def test_spatial_pooling_on_device():
    model, variables, images = tiny_setup(num_images=3)
    conv1 = np.asarray(model.apply(variables, images, layer="conv1"))
    for pool, reduce in (("avg", np.mean), ("max", np.max)):
        got = extract(model, variables, images, "conv1", pool=pool, progress=False)
        np.testing.assert_allclose(got, reduce(conv1, axis=(1, 2)), atol=1e-6)
    assert extract(model, variables, images, "pool1", pool="max", progress=False).shape == (3, 4)  # vectors stay


def test_stops_at_the_layer_without_later_parameters():
    model, variables, images = tiny_setup(num_images=3)
    without_fc = {"params": {"conv1": variables["params"]["conv1"]}}
    got = extract(model, without_fc, images, "pool1", progress=False)
    assert got.shape == (3, 4)
    with pytest.raises(Exception, match="fc"):
        extract(model, without_fc, images, "fc", progress=False)


def random_variables(model, size: int, without: tuple[str, ...] = ()) -> dict:
    """Variables shaped by `jax.eval_shape(model.init)` (nothing compiled), random normal, minus the `without` params;
    batch-norm variances are positive."""
    shapes = jax.eval_shape(model.init, jax.random.key(0), jax.ShapeDtypeStruct((1, size, size, 3), jnp.float32))
    rng = np.random.default_rng(0)
    fill = lambda path, leaf: (np.abs if path[-1].key == "var" else np.asarray)(
        rng.normal(0, 0.05, leaf.shape).astype(np.float32)
    )
    variables = jax.tree_util.tree_map_with_path(fill, shapes)
    variables["params"] = {k: v for k, v in variables["params"].items() if k not in without}
    return variables


def test_vgg16_pool4_needs_no_fc_parameters():
    model = models.create("vgg16")
    variables = random_variables(model, 32, without=("fc6", "fc7", "fc8"))
    images = np.random.default_rng(1).normal(size=(3, 32, 32, 3)).astype(np.float32)
    got = extract(model, variables, images, "pool4", batch_size=2, progress=False)
    assert got.shape == (3, 2, 2, 512)
    assert_close(got, np.asarray(model.apply(variables, images, layer="pool4")), rel=1e-5)  # float32 summation order


@pytest.mark.parametrize(("arch", "layer", "shape"), [("resnet18", "layer3", (4, 4, 256)), ("squeezenet1_1", "fire5", (7, 7, 256))])
def test_real_architectures_match_one_apply(arch, layer, shape):
    model = models.create(arch)
    variables = random_variables(model, 64)
    images = np.random.default_rng(2).normal(size=(5, 64, 64, 3)).astype(np.float32)
    got = extract(model, variables, images, layer, batch_size=4, progress=False)
    assert got.shape == (5, *shape)
    assert_close(got, np.asarray(model.apply(variables, images, layer=layer)), rel=1e-5)


def test_bad_layer_and_inputs_are_clear_errors():
    model, variables, images = tiny_setup(num_images=2)
    with pytest.raises(JaxdlError, match=r"unknown layer 'fc7'; choose one of: conv1, pool1, fc"):
        extract(model, variables, images, "fc7")
    with pytest.raises(JaxdlError, match=r"unknown pool 'mean'; choose one of: avg, max"):
        extract(model, variables, images, "conv1", pool="mean")
    with pytest.raises(JaxdlError, match="no images"):
        extract(model, variables, images[:0], "conv1")
    with pytest.raises(JaxdlError, match=r"NHWC .* got shape \(2, 8, 8\)"):
        extract(model, variables, images[..., 0], "conv1")


@pytest.mark.parametrize(
    ("requested", "num_images", "devices", "expected"), [(64, 1000, 1, 64), (64, 10, 1, 10), (6, 100, 4, 8), (64, 10, 4, 12)]
)
def test_batch_size_is_a_multiple_of_the_devices(requested, num_images, devices, expected):
    assert batch_size_for(requested, num_images, devices) == expected


MULTI_DEVICE = """
import json, sys
import jax, numpy as np
from jaxdl import parallel
from jaxdl.features import extract, forward
from tiny_cnn import tiny_setup
model, variables, images = tiny_setup(num_images=10)
features = extract(model, variables, images, "conv1", batch_size=6, progress=False)
compilations = forward._cache_size()
mesh = parallel.data_mesh()
out = forward(parallel.put_replicated(variables, mesh), parallel.put_batch(images[:8], mesh), model, "conv1", None)
np.save(sys.argv[1], features)
print(json.dumps({"devices": jax.device_count(), "sharded_over": len(out.sharding.device_set),
                  "shard_rows": sorted(s.data.shape[0] for s in out.addressable_shards),
                  "compilations": compilations}))
"""


def test_four_devices_give_the_same_features_sharded(tmp_path):
    model, variables, images = tiny_setup(num_images=10)
    single = extract(model, variables, images, "conv1", batch_size=6, progress=False)
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=4", JAX_PLATFORMS="cpu")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "tests" / "support"), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", MULTI_DEVICE, str(tmp_path / "f.npy")], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"devices": 4, "sharded_over": 4, "shard_rows": [2, 2, 2, 2], "compilations": 1}
    np.testing.assert_allclose(np.load(tmp_path / "f.npy"), single, atol=1e-6)


def test_one_pass_gives_every_layer_as_one_pass_per_layer():
    model, variables, images = tiny_setup(num_images=7)
    forward.clear_cache()
    got = extract(model, variables, images, layers=["pool1", "conv1"], batch_size=3, progress=False)
    assert list(got) == ["pool1", "conv1"]
    for layer in ("conv1", "pool1"):
        np.testing.assert_array_equal(got[layer], extract(model, variables, images, layer, batch_size=3, progress=False))
    assert forward._cache_size() == 3  # (pool1, conv1), conv1 and pool1
    without_fc = {"params": {"conv1": variables["params"]["conv1"]}}  # the pass stops at the deepest layer asked for
    assert extract(model, without_fc, images, layers=["conv1", "pool1"], progress=False)["pool1"].shape == (7, 4)
    with pytest.raises(JaxdlError, match="unknown layer 'fc7'"):
        extract(model, variables, images, layers=["conv1", "fc7"])
    with pytest.raises(JaxdlError, match="no layers to extract"):
        extract(model, variables, images, layers=[])


def test_one_pass_on_squeezenet_matches_single_layers_pooled():
    model = models.create("squeezenet1_1")
    variables = random_variables(model, 64)
    images = np.random.default_rng(3).normal(size=(3, 64, 64, 3)).astype(np.float32)
    got = extract(model, variables, images, layers=["fire3", "fire5", "conv10"], pool="avg", progress=False)
    assert {k: v.shape for k, v in got.items()} == {"fire3": (3, 128), "fire5": (3, 256), "conv10": (3, 1000)}
    for layer, features in got.items():
        assert_close(features, extract(model, variables, images, layer, pool="avg", progress=False), rel=1e-6)
