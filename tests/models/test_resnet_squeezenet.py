"""ResNet and SqueezeNet against torchvision: parameter counts, key maps, shapes, eval/train parity, layers."""

from functools import partial

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

PARAMS = {  # torchvision's documented parameter counts
    "resnet18": 11_689_512,
    "resnet34": 21_797_672,
    "resnet50": 25_557_032,
    "resnet101": 44_549_160,
    "resnet152": 60_192_808,
    "squeezenet1_0": 1_248_424,
    "squeezenet1_1": 1_235_496,
}
ARCHS = tuple(PARAMS)
SLOW = ("resnet34", "resnet101", "resnet152")
SIZES = [(224, 224), (197, 233), (225, 225)]  # odd sizes change SqueezeNet's ceil_mode pools


def torch_model(arch: str, seed: int = 0, **kwargs) -> torch.nn.Module:
    """torchvision's `arch` with random weights and random BatchNorm statistics/affine, in eval mode."""
    torch.manual_seed(seed)
    model = getattr(torchvision.models, arch)(weights=None, **kwargs)
    randomize_bn_stats(model, seed)
    return model.eval()


def images(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def count(tree) -> int:
    return sum(int(np.prod(leaf.shape)) for leaf in jax.tree.leaves(tree))


def abstract_variables(model):
    return jax.eval_shape(model.init, jax.random.key(0), jnp.zeros((1, 224, 224, 3)))


@pytest.mark.parametrize("arch", ARCHS)
def test_parameters_and_key_map_equal_torchvision(arch):
    with torch.device("meta"):
        reference = getattr(torchvision.models, arch)(weights=None)
    state = {k: v for k, v in reference.state_dict().items() if not k.endswith("num_batches_tracked")}
    variables = abstract_variables(models.create(arch))
    assert count(variables["params"]) == sum(p.numel() for p in reference.parameters()) == PARAMS[arch]
    assert count(variables) == sum(v.numel() for v in state.values())
    rules = torch_rules(arch)
    assert [r.torch for r in rules] == list(state)
    assert {r.flax for r in rules} == set(traverse_util.flatten_dict(variables))


def torch_shapes(arch: str, hw: tuple[int, int]) -> tuple[tuple[int, ...], dict[str, tuple[int, ...]]]:
    """torchvision's logits shape and every named layer's NHWC shape for a 2 x hw batch (meta device: no compute)."""
    seen = {}
    with torch.device("meta"):
        reference = getattr(torchvision.models, arch)(weights=None, num_classes=10).eval()
        for name, module in torch_layers(arch, reference).items():
            module.register_forward_hook(lambda _m, _i, out, n=name: seen.__setitem__(n, nhwc_shape(out.shape)))
        logits = tuple(reference(torch.empty(2, 3, *hw)).shape)
    return logits, seen


def nhwc_shape(shape: torch.Size) -> tuple[int, ...]:
    return (shape[0], *shape[2:], shape[1]) if len(shape) == 4 else tuple(shape)


@pytest.mark.parametrize("arch", ["resnet18", "squeezenet1_0", "squeezenet1_1"])
def test_every_layer_shape_equals_torchvision(arch):
    """Deeper ResNets share ResNet-18's geometry (the parity test compares their layers at 224 and 197x233)."""
    model = models.create(arch, num_classes=10)
    variables = abstract_variables(model)
    for hw in SIZES:
        logits, layers = torch_shapes(arch, hw)
        x = jax.ShapeDtypeStruct((2, *hw, 3), jnp.float32)
        assert jax.eval_shape(model.apply, variables, x).shape == logits == (2, 10)
        for name in model.layer_names():
            got = jax.eval_shape(lambda v, x, name=name: model.apply(v, x, layer=name), variables, x).shape
            assert got == layers[name], (hw, name)


def test_squeezenet_layers_are_the_course_names_and_torch_modules():
    assert models.layer_names("squeezenet1_0") == (
        "conv1", "relu1", "pool1", "fire2", "fire3", "fire4", "pool4", "fire5", "fire6", "fire7", "fire8", "pool8",
        "fire9", "conv10", "relu10", "avgpool10",
    )  # fmt: skip
    assert models.layer_names("squeezenet1_1")[:9] == (
        "conv1", "relu1", "pool1", "fire2", "fire3", "pool3", "fire4", "fire5", "pool5",
    )  # fmt: skip
    assert models.layer_names("resnet50") == (
        "conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc",
    )  # fmt: skip
    kinds = {"conv": torch.nn.Conv2d, "relu": torch.nn.ReLU, "pool": torch.nn.MaxPool2d, "avgpool": torch.nn.AdaptiveAvgPool2d}
    kinds["fire"] = torchvision.models.squeezenet.Fire
    for arch in ("squeezenet1_0", "squeezenet1_1"):
        with torch.device("meta"):
            layers = torch_layers(arch, getattr(torchvision.models, arch)(weights=None))
        for name, module in layers.items():
            assert isinstance(module, kinds[name.rstrip("0123456789")]), (arch, name)
            assert not isinstance(module, torch.nn.MaxPool2d) or module.ceil_mode


def checked_layers(arch: str) -> tuple[str, ...]:
    """Intermediate layers compared with torch hooks: pre-ReLU outputs, every SqueezeNet pool, mid-network blocks."""
    if arch.startswith("resnet"):
        return ("bn1", "maxpool", "layer1", "layer3", "layer4")
    pools = tuple(n for n in models.layer_names(arch) if n.startswith("pool"))
    return ("conv1", *pools, "fire5", "conv10")


def check_parity(arch: str, shape: tuple[int, ...]) -> list[float]:
    """Relative errors of the logits and `checked_layers` of jaxdl vs torchvision on the same random weights."""
    reference = torch_model(arch)
    variables = from_torchvision(arch, reference.state_dict())
    model = models.create(arch)
    layers = checked_layers(arch)
    x = images(shape)
    all_layers = torch_layers(arch, reference)
    logits, seen = torch_outputs(reference, x, {name: all_layers[name] for name in layers})
    errors = [assert_close(model.apply(variables, x), logits)]
    return errors + [assert_close(model.apply(variables, x, layer=name), seen[name]) for name in layers]


PARITY = [
    pytest.param(arch, shape, marks=[pytest.mark.slow] if arch in SLOW else [])
    for arch in ARCHS
    for shape in [(1, 224, 224, 3), (1, 197, 233, 3) if arch.startswith("resnet") else (2, 225, 225, 3)]
]


@pytest.mark.parametrize("arch,shape", PARITY)
def test_parity_with_torchvision(arch, shape):
    assert max(check_parity(arch, shape)) <= 1e-4


def test_train_mode_batchnorm_matches_torch_train_mode():
    reference = torch_model("resnet18").train()
    variables = from_torchvision("resnet18", reference.state_dict())
    x = images((2, 64, 48, 3))
    with torch.no_grad():
        want = to_nhwc(reference(to_torch(x)))
    train_apply = jax.jit(partial(models.create("resnet18").apply, train=True, mutable=["batch_stats"]))
    got, updated = train_apply(variables, x)
    assert_close(got, want)
    stats = updated["batch_stats"]["layer2"]["0"]["downsample_bn"]
    torch_bn = reference.layer2[0].downsample[1]
    assert_close(stats["mean"], torch_bn.running_mean.numpy(), rel=1e-5)
    # torch updates running_var with the unbiased batch variance, Flax with the biased one: ~1/n apart
    assert_close(stats["var"], torch_bn.running_var.numpy(), rel=2e-2)


def test_squeezenet_dropout_only_in_train_mode():
    model = models.create("squeezenet1_1", num_classes=5)
    x = images((2, 35, 35, 3))
    variables = from_torchvision("squeezenet1_1", torch_model("squeezenet1_1", num_classes=5).state_dict())
    apply = jax.jit(model.apply, static_argnames="train")
    eval_out = apply(variables, x)
    assert eval_out.shape == (2, 5)
    a, b = (apply(variables, x, train=True, rngs={"dropout": jax.random.key(k)}) for k in (1, 2))
    assert not np.allclose(a, b) and not np.allclose(a, eval_out)


@pytest.mark.parametrize("arch,stop,later", [("resnet18", "layer1", "layer2"), ("squeezenet1_0", "fire9", "conv10")])
def test_layer_stops_early_without_later_parameters(arch, stop, later):
    model = models.create(arch)
    variables = abstract_variables(model)
    without = {col: {k: v for k, v in tree.items() if k != later} for col, tree in variables.items()}
    x = jnp.zeros((1, 67, 67, 3))
    got = jax.eval_shape(lambda v: model.apply(v, x, layer=stop), without)
    assert got.shape == jax.eval_shape(lambda v: model.apply(v, x, layer=stop), variables).shape
    with pytest.raises(Exception, match=f'scope "/{later}'):
        jax.eval_shape(lambda v: model.apply(v, x), without)


def test_bad_layer_raises_clear_error():
    model = models.create("resnet18")
    variables = abstract_variables(model)
    with pytest.raises(JaxdlError, match=r"unknown layer 'pool5'; choose one of: conv1, bn1, relu, maxpool, layer1"):
        jax.eval_shape(lambda v: model.apply(v, jnp.zeros((1, 32, 32, 3)), layer="pool5"), variables)
