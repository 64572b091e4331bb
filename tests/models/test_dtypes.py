"""Every dtype: float64 end to end equals torchvision in float64 (one network of each family), float32 images stay
float32 under JAX_ENABLE_X64, bfloat16 computes in bfloat16, and a dtype no model can take is one clear error."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
import torchvision
from parity import randomize_bn_stats, to_nhwc, to_torch

from jaxdl import models
from jaxdl.errors import JaxdlError
from jaxdl.models.dann import DANN
from jaxdl.models.dcgan import Discriminator, Generator
from jaxdl.models.small import SmallCNN
from jaxdl.weights import from_torchvision

FAMILIES = {"alexnet": 127, "vgg11_bn": 35, "resnet18": 35, "squeezenet1_0": 35, "squeezenet1_1": 35}  # odd sizes


@pytest.mark.parametrize("arch", FAMILIES)
def test_float64_end_to_end_equals_torchvision_in_float64(arch):
    torch.manual_seed(0)
    reference = getattr(torchvision.models, arch)(weights=None)
    randomize_bn_stats(reference, 1)
    reference = reference.double().eval()
    x = np.random.default_rng(0).standard_normal((2, FAMILIES[arch], FAMILIES[arch], 3))
    with torch.no_grad():
        expected = to_nhwc(reference(to_torch(x)))
    with jax.enable_x64(True):
        variables = jax.tree.map(lambda a: np.asarray(a, np.float64), from_torchvision(arch, reference.state_dict()))
        out = models.create(arch).apply(variables, x)
        gradient = jax.grad(lambda x: models.create(arch).apply(variables, x).sum())(x)
    assert out.dtype == jnp.float64 and gradient.dtype == jnp.float64
    tensor = to_torch(x).requires_grad_(True)
    reference(tensor).sum().backward()
    assert relative_error(out, expected) <= 1e-10
    assert relative_error(gradient, to_nhwc(tensor.grad)) <= 1e-10


def relative_error(ours: jax.Array, theirs: np.ndarray) -> float:
    """max |ours - theirs| / max |theirs|, theirs not all zero."""
    scale = float(np.abs(theirs).max())
    assert scale > 0, "the reference is zero: nothing is compared"
    return float(np.abs(np.asarray(ours) - theirs).max()) / scale


NETWORKS = {  # (module, input, extra call arguments)
    "resnet18": (lambda **t: models.create("resnet18", num_classes=10, **t), (1, 35, 35, 3), ()),
    "squeezenet1_0": (lambda **t: models.create("squeezenet1_0", num_classes=10, **t), (1, 35, 35, 3), ()),
    "dann": (lambda **t: DANN(**t), (2, 32, 32, 3), (0.5,)),
    "generator": (lambda **t: Generator(num_classes=10, **t), (2, 100), (jnp.array([1, 2]),)),
    "discriminator": (lambda **t: Discriminator(**t), (2, 32, 32, 1), ()),
    "digits_cnn": (lambda **t: SmallCNN(10, **t), (2, 32, 32, 1), ()),
}


@pytest.mark.parametrize("name", NETWORKS)
def test_x64_keeps_float32_images_in_float32_and_float64_ones_in_float64(name):
    make, shape, extra = NETWORKS[name]
    with jax.enable_x64(True):
        for dtype in (jnp.float32, jnp.float64):
            x = jax.random.uniform(jax.random.key(0), shape, dtype)
            model = make(param_dtype=dtype)
            variables = jax.jit(model.init)(jax.random.key(1), x, *extra)  # jitted: one compilation, not one per op
            outputs = jax.tree.leaves(jax.jit(model.apply)(variables, x, *extra))
            assert {o.dtype for o in outputs if jnp.issubdtype(o.dtype, jnp.floating)} == {jnp.dtype(dtype)}, dtype
            total = lambda x, model=model, variables=variables: sum(o.sum() for o in jax.tree.leaves(model.apply(variables, x, *extra)))
            gradient = jax.jit(jax.grad(total))(x)
            assert gradient.dtype == dtype


@pytest.mark.parametrize("name", NETWORKS)
def test_bfloat16_computation_with_float32_parameters(name):
    make, shape, extra = NETWORKS[name]
    x = jax.random.uniform(jax.random.key(0), shape)
    model = make(dtype=jnp.bfloat16)
    variables = jax.jit(model.init)(jax.random.key(1), x, *extra)
    assert {leaf.dtype for leaf in jax.tree.leaves(variables["params"])} == {jnp.dtype(jnp.float32)}
    low = [o for o in jax.tree.leaves(jax.jit(model.apply)(variables, x, *extra)) if o.dtype != jnp.int32]
    high = jax.tree.leaves(jax.jit(make().apply)(variables, x, *extra))
    for a, b in zip(low, high):
        assert a.dtype == jnp.bfloat16
        assert float(jnp.abs(a.astype(jnp.float32) - b).max()) <= 0.05 * float(jnp.abs(b).max()) + 1e-3


@pytest.mark.parametrize("dtype,message", [
    ("int8", "dtype='int8': jaxdl models compute in a floating type; choose one of float32, float64, bfloat16, float16"),
    ("complex64", "dtype='complex64': jaxdl models compute in a floating type; choose one of float32, float64, bfloat16, float16"),
    ("float64", "dtype=float64 needs 64-bit JAX: set JAX_ENABLE_X64=1 (or jax.config.update('jax_enable_x64', True))"),
])
def test_a_dtype_no_model_can_take_is_one_clear_error(dtype, message):
    for make in (lambda: models.create("squeezenet1_1", dtype=dtype), lambda: DANN(dtype=dtype), lambda: Generator(dtype=dtype)):
        model = make()
        shape = (1, 100) if isinstance(model, Generator) else (1, 32, 32, 3)
        with pytest.raises(JaxdlError) as caught:
            model.init(jax.random.key(0), jnp.zeros(shape))
        assert str(caught.value) == message
    with pytest.raises(JaxdlError) as caught:
        models.create("resnet18", param_dtype="int32").init(jax.random.key(0), jnp.zeros((1, 32, 32, 3)))
    assert str(caught.value).startswith("param_dtype='int32': jaxdl models compute in a floating type")
