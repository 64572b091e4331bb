"""VGG and AlexNet against torchvision: parameter counts, key maps, shapes, eval/train parity, options."""

import copy
import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torchvision
from flax import traverse_util
from parity import assert_close, randomize_bn_stats, to_nhwc, to_torch, torch_layers, torch_outputs

from jaxdl import models
from jaxdl.errors import JaxdlError
from jaxdl.weights import from_torchvision
from jaxdl.weights.keymaps import torch_rules

ARCHS = ("alexnet", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn")
PARAMS = {  # torchvision's documented parameter counts
    "alexnet": 61_100_840,
    "vgg11": 132_863_336,
    "vgg11_bn": 132_868_840,
    "vgg13": 133_047_848,
    "vgg13_bn": 133_053_736,
    "vgg16": 138_357_544,
    "vgg16_bn": 138_365_992,
    "vgg19": 143_667_240,
    "vgg19_bn": 143_678_248,
}
CHECKED = {"alexnet": ("relu2", "pool5", "fc6"), "vgg": ("relu3_2", "pool4", "fc6")}  # besides the logits


def torchvision_model(arch: str, **kwargs) -> torch.nn.Module:
    return getattr(torchvision.models, arch)(weights=None, **kwargs)


@functools.lru_cache(maxsize=1)  # one big model in memory; consecutive tests of an arch share it
def reference(arch: str) -> tuple[torch.nn.Module, dict]:
    """torchvision's `arch` (eval mode) with random weights and random BN stats, and its converted variables."""
    torch.manual_seed(0)
    model = torchvision_model(arch).eval()
    randomize_bn_stats(model, seed=0)
    return model, from_torchvision(arch, model.state_dict())


def with_pooling(arch: str, model: torch.nn.Module, pooling: str, lp_p: float) -> torch.nn.Module:
    """The same torch network, sharing its weights, with the max-pools swapped like jaxdl's `pooling=` option."""
    if pooling == "max":
        return model
    with torch.device("meta"):
        swapped = torchvision_model(arch)
    swapped.load_state_dict(model.state_dict(), assign=True)
    for i, module in enumerate(swapped.features):
        if isinstance(module, torch.nn.MaxPool2d):
            k, s = module.kernel_size, module.stride
            swapped.features[i] = torch.nn.AvgPool2d(k, s) if pooling == "avg" else torch.nn.LPPool2d(lp_p, k, s)
    return swapped.eval()


def images(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def nhwc_shape(shape: torch.Size) -> tuple[int, ...]:
    return (shape[0], *shape[2:], shape[1]) if len(shape) == 4 else tuple(shape)


def count(tree) -> int:
    return sum(int(np.prod(leaf.shape)) for leaf in jax.tree.leaves(tree))


@functools.cache
def abstract_variables(model) -> dict:
    return jax.eval_shape(model.init, jax.random.key(0), jnp.zeros((1, 224, 224, 3)))


@pytest.mark.parametrize("arch", ARCHS)
def test_parameters_and_key_map_equal_torchvision(arch):
    with torch.device("meta"):  # shapes only: nothing is allocated or computed
        torch_net = torchvision_model(arch)
    state = {k: v for k, v in torch_net.state_dict().items() if not k.endswith("num_batches_tracked")}
    variables = abstract_variables(models.create(arch))
    assert count(variables["params"]) == sum(p.numel() for p in torch_net.parameters()) == PARAMS[arch]
    assert count(variables) == sum(v.numel() for v in state.values())
    rules = torch_rules(arch)
    assert [r.torch for r in rules] == list(state)
    assert {r.flax for r in rules} == set(traverse_util.flatten_dict(variables))


def torchvision_shapes(arch: str, shape: tuple[int, ...], num_classes: int) -> tuple[list[type], list[tuple]]:
    """Types and NHWC output shapes of torchvision's layers, in our layer order (meta device: nothing computed)."""
    with torch.device("meta"):
        torch_net = torchvision_model(arch, num_classes=num_classes).eval()
        modules = list(torch_layers(arch, torch_net).values())
        shapes = [()] * len(modules)
        for i, module in enumerate(modules):
            module.register_forward_hook(lambda _m, _i, out, i=i: shapes.__setitem__(i, nhwc_shape(out.shape)))
        torch_net(torch.empty(shape[0], shape[3], *shape[1:3]))
    return [type(m) for m in modules], shapes


def jax_shape(model, shape: tuple[int, ...], layer: str | None) -> tuple[int, ...]:
    """Output shape of `model.apply(..., layer=layer)` on a batch of `shape`, traced abstractly."""
    forward = lambda v, x: model.apply(v, x, layer=layer)  # noqa: E731
    return jax.eval_shape(forward, abstract_variables(model), jax.ShapeDtypeStruct(shape, jnp.float32)).shape


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("hw", [(224, 224), (197, 233), (67, 67)])
def test_output_shapes_equal_torchvision(arch, hw):
    model = models.create(arch, num_classes=10)
    _, shapes = torchvision_shapes(arch, (2, *hw, 3), num_classes=10)
    want = dict(zip(model.layer_names(), shapes))
    for layer in ("pool5", "avgpool", "fc8"):
        assert jax_shape(model, (2, *hw, 3), layer) == want[layer], layer


@pytest.mark.parametrize("arch", ["alexnet", "vgg11_bn"])
def test_every_layer_name_and_shape_follow_torchvision(arch):
    model = models.create(arch)
    types, shapes = torchvision_shapes(arch, (1, 99, 131, 3), num_classes=1000)
    names = model.layer_names()
    assert len(names) == len(types)
    kinds = {"conv": torch.nn.Conv2d, "bn": torch.nn.BatchNorm2d, "relu": torch.nn.ReLU, "pool": torch.nn.MaxPool2d}
    kinds |= {"fc": torch.nn.Linear, "avgpool": torch.nn.AdaptiveAvgPool2d}
    for name, kind, shape in zip(names, types, shapes):
        assert kind is kinds[name.rstrip("0123456789_")], name
        assert jax_shape(model, (1, 99, 131, 3), name) == shape, name


def test_layer_names_are_the_course_names():
    assert models.layer_names("alexnet") == (
        "conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "conv3", "relu3", "conv4", "relu4",
        "conv5", "relu5", "pool5", "avgpool", "fc6", "relu6", "fc7", "relu7", "fc8",
    )  # fmt: skip
    vgg16 = models.layer_names("vgg16")
    assert vgg16[:5] == ("conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1")
    assert vgg16[-9:] == ("conv5_3", "relu5_3", "pool5", "avgpool", "fc6", "relu6", "fc7", "relu7", "fc8")
    assert len(vgg16) == 13 * 2 + 5 + 1 + 5
    assert models.layer_names("vgg11_bn")[:4] == ("conv1_1", "bn1_1", "relu1_1", "pool1")


def check_parity(arch: str, shapes: list[tuple[int, ...]], pooling: str = "max", lp_p: float = 2) -> None:
    """Logits and CHECKED layers of jaxdl vs torchvision on the same random weights (assert_close: 1e-4 x max)."""
    torch_net, variables = reference(arch)
    torch_net = with_pooling(arch, torch_net, pooling, lp_p)
    model = models.create(arch, pooling=pooling, lp_p=lp_p)
    checked = CHECKED["alexnet" if arch == "alexnet" else "vgg"]
    hooked = {n: m for n, m in torch_layers(arch, torch_net).items() if n in checked}
    for shape in shapes:
        x = images(shape)
        logits, seen = torch_outputs(torch_net, x, hooked)
        assert_close(model.apply(variables, x), logits)
        for layer in checked:
            assert_close(model.apply(variables, x, layer=layer), seen[layer])


# Tests that use reference(arch) are grouped by arch, in this order, so the cached model is reused.
@pytest.mark.parametrize("arch", ["vgg16", "alexnet"])
def test_parity_at_224_and_two_odd_sizes(arch):
    check_parity(arch, [(1, 224, 224, 3), (1, 197, 233, 3), (2, 67, 67, 3)])


def test_dropout_only_in_train_mode():
    model = models.create("alexnet")
    _, variables = reference("alexnet")
    x = images((2, 67, 67, 3))
    eval_out = model.apply(variables, x)
    assert np.array_equal(eval_out, model.apply(variables, x))
    a, b = (model.apply(variables, x, train=True, rngs={"dropout": jax.random.key(k)}) for k in (1, 2))
    assert not np.allclose(a, b) and not np.allclose(a, eval_out)


@pytest.mark.parametrize(
    "arch,pooling,lp_p", [("alexnet", "avg", 2), ("alexnet", "lp", 2), ("vgg11_bn", "avg", 2), ("vgg11_bn", "lp", 1), ("vgg11_bn", "lp", 2)]
)
def test_pooling_options_match_torch_with_swapped_pools(arch, pooling, lp_p):
    check_parity(arch, [(2, 99, 99, 3)], pooling, lp_p)


def test_train_mode_batchnorm_matches_torch_train_mode():
    torch_net, variables = reference("vgg11_bn")
    features = copy.deepcopy(torch_net.features).train()  # a copy: the cached model stays as it is
    x = images((2, 64, 48, 3))
    with torch.no_grad():
        want = to_nhwc(features(to_torch(x)))  # also updates the copy's running stats (momentum 0.1)
    got, updated = models.create("vgg11_bn").apply(variables, x, train=True, layer="pool5", mutable=["batch_stats"])
    assert_close(got, want)
    assert len(updated["batch_stats"]) == 8
    for name, stats in updated["batch_stats"].items():
        torch_bn = features[models.layer_names("vgg11_bn").index(name)]
        assert not np.allclose(stats["mean"], variables["batch_stats"][name]["mean"])
        assert_close(stats["mean"], torch_bn.running_mean.numpy(), rel=1e-5)
        # torch updates running_var with the unbiased batch variance, Flax with the biased one: ~1/n apart
        assert_close(stats["var"], torch_bn.running_var.numpy(), rel=2e-2)


@pytest.mark.parametrize(
    "arch", ["vgg11_bn", "vgg16_bn", *(pytest.param(a, marks=pytest.mark.slow) for a in ("vgg11", "vgg13", "vgg13_bn", "vgg19", "vgg19_bn"))]
)
def test_parity_at_224_and_a_small_odd_size(arch):
    check_parity(arch, [(1, 224, 224, 3), (2, 67, 67, 3)])


def test_layer_stops_early_without_later_parameters():
    only_conv1 = {"params": {"conv1": {"kernel": jnp.ones((11, 11, 3, 64)), "bias": jnp.zeros(64)}}}
    pool1 = models.create("alexnet").apply(only_conv1, images((1, 67, 67, 3)), layer="pool1")
    assert pool1.shape == (1, 7, 7, 64)


def test_bad_layer_and_pooling_raise_clear_errors():
    model = models.create("vgg11")
    with pytest.raises(JaxdlError, match=r"unknown layer 'relu8'; choose one of: conv1_1, relu1_1, pool1"):
        jax_shape(model, (1, 32, 32, 3), "relu8")
    with pytest.raises(JaxdlError, match=r"pooling='median', lp_p=2: choose pooling 'max', 'avg' or 'lp'"):
        models.layer_names("vgg16", pooling="median")
