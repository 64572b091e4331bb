"""Every jaxdl network under every JAX transformation, equal to the same network with XLA's own convolution and pooling.

The reference ("plain") is the network with `lax.platform_dependent` taking its default branch: `lax.conv_general_dilated`
and `lax.reduce_window` with JAX's own derivatives, i.e. what `nn.Conv` and `nn.max_pool` compute. Ours is what runs on
this CPU: the XLA:CPU rewrites of jaxdl/models/conv.py and max_pool.py with their custom_jvp rules. Each transformation is
taken of a smooth scalar (the softplus of the outputs, summed, so that Hessians are not zero) along a few directions of
the input (`u` coordinates) where a full Jacobian or Hessian would be large. Every layer kind and shape family meets every
transformation in FULL's networks; the deeper variants of the same families are checked in forward and reverse mode
(ResNet-101 and -152, the same Bottleneck blocks as ResNet-50, in make test-long).
"""

from collections.abc import Callable
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from jaxdl import models
from jaxdl.models.dann import DANN
from jaxdl.models.dcgan import Discriminator, Generator
from jaxdl.models.small import SmallCNN

DIRECTIONS = 3  # the input coordinates u of jacfwd, jacrev and hessian
IMAGENET = {arch: 64 if arch == "alexnet" else 32 for arch in models.archs()}  # smallest sizes each family takes
FULL = ("alexnet", "vgg11_bn", "resnet18", "squeezenet1_0", "squeezenet1_1")  # every layer kind and padding/stride case
QUICK_COMPILE = {"xla_backend_optimization_level": 0, "xla_llvm_disable_expensive_passes": True}


def plain_branches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every `lax.platform_dependent` take its default branch: XLA's own convolution and pooling."""
    monkeypatch.setattr(lax, "platform_dependent", lambda *args, default, **_: default(*args))


def imagenet(arch: str) -> tuple[Callable, dict, jax.Array]:
    """(apply(variables, x) -> logits, variables, one image) of an ImageNet network with 10 classes."""
    size = IMAGENET[arch]
    model = models.create(arch, num_classes=10)
    x = jax.random.uniform(jax.random.key(1), (1, size, size, 3), minval=-2, maxval=2)
    return model.apply, model.init(jax.random.key(0), x), x


def dann() -> tuple[Callable, dict, jax.Array]:
    """DANN's class logits and domain logit (through the gradient reversal layer)."""
    model, x = DANN(), jax.random.uniform(jax.random.key(1), (1, 32, 32, 3), minval=-1, maxval=1)
    apply = lambda v, x: jnp.concatenate([model.apply(v, x, 0.7)[0], model.apply(v, x, 0.7)[1][:, None]], axis=1)
    return apply, model.init(jax.random.key(0), x), x


def generator(classes: int) -> tuple[Callable, dict, jax.Array]:
    """The DCGAN generator's images, projected on 10 fixed directions; the input is z."""
    model, z = Generator(num_classes=classes), jax.random.normal(jax.random.key(1), (1, 100))
    labels = jnp.array([3]) if classes else None
    projection = jax.random.normal(jax.random.key(2), (32 * 32, 10))
    apply = lambda v, z: model.apply(v, z, labels).reshape(z.shape[0], -1) @ projection
    return apply, model.init(jax.random.key(0), z, labels), z


def discriminator(classes: int) -> tuple[Callable, dict, jax.Array]:
    """The DCGAN discriminator's logit."""
    model, x = Discriminator(num_classes=classes), jax.random.uniform(jax.random.key(1), (1, 32, 32, 1), minval=-1, maxval=1)
    labels = jnp.array([3]) if classes else None
    return lambda v, x: model.apply(v, x, labels)[:, None], model.init(jax.random.key(0), x, labels), x


def digits() -> tuple[Callable, dict, jax.Array]:
    """The digits CNN of the visualization practical and the GAN scores."""
    model, x = SmallCNN(10), jax.random.uniform(jax.random.key(1), (1, 32, 32, 1))
    return model.apply, model.init(jax.random.key(0), x), x


SMALL = {"dann": dann, "dcgan_generator": partial(generator, 0), "cdcgan_generator": partial(generator, 10),
         "dcgan_discriminator": partial(discriminator, 0), "cdcgan_discriminator": partial(discriminator, 10), "digits_cnn": digits}


def first_order(apply: Callable, variables: dict, x: jax.Array) -> dict[str, jax.Array]:
    """Forward and reverse mode at x: a jvp in the input and in the parameters, and the gradient of the scalar."""
    direction = jax.random.normal(jax.random.key(7), x.shape)
    out = lambda v, x: apply(v, x).reshape(-1)
    return {"jvp": jax.jvp(lambda x: out(variables, x), (x,), (direction,))[1],
            "jvp_params": jax.jvp(lambda v: out(v, x), (variables,), (variables,))[1],
            "grad": jax.grad(lambda v, x: jax.nn.softplus(apply(v, x)).sum(), argnums=(0, 1))(variables, x)}


def transformations(apply: Callable, variables: dict, x: jax.Array, per_example_params: bool = False) -> dict[str, jax.Array]:
    """Every transformation of the network at x: jvp and linearize (input and parameters), jacfwd and jacrev (outputs by
    u), hessian (of the scalar by u), a Hessian-vector product, per-example gradients by vmap, and a checkpointed gradient."""
    keys = jax.random.split(jax.random.key(7), DIRECTIONS + 1)
    directions = [jax.random.normal(key, x.shape) for key in keys[:DIRECTIONS]]
    batch = jnp.concatenate([x, x + 0.5 * directions[0]])
    out = lambda v, x: apply(v, x).reshape(-1)
    scalar = lambda v, x: jax.nn.softplus(apply(v, x)).sum()
    along = lambda f: lambda u: f(variables, x + sum(ui * d for ui, d in zip(u, directions)))
    u0 = jnp.zeros(DIRECTIONS)
    per_example = jax.grad(lambda v, x: scalar(v, x[None]), argnums=0 if per_example_params else 1)
    return {
        "jvp": jax.jvp(lambda x: out(variables, x), (x,), (directions[0],))[1],
        "jvp_params": jax.jvp(lambda v: out(v, x), (variables,), (variables,))[1],
        "linearize": jax.linearize(lambda x: out(variables, x), x)[1](directions[1]),
        "jacfwd": jax.jacfwd(along(out))(u0),
        "jacrev": jax.jacrev(along(out))(u0),
        "hessian": jax.hessian(along(scalar))(u0),
        "hvp": jax.jvp(jax.grad(lambda x: scalar(variables, x)), (x,), (directions[2],))[1],
        "per_example": jax.vmap(per_example, in_axes=(None, 0))(variables, batch),
        "checkpoint": jax.grad(jax.checkpoint(lambda x: scalar(variables, x)))(x),
    }


def compiled(battery: Callable, apply: Callable, variables: dict, x: jax.Array) -> dict[str, jax.Array]:
    """`battery` of the network, jitted and compiled with XLA's cheaper optimisation (values as with the default; the
    deepest ResNets compile 2.5x faster)."""
    lowered = jax.jit(partial(battery, apply)).lower(variables, x)
    return lowered.compile(compiler_options=QUICK_COMPILE)(variables, x)


def assert_equal_to_plain(monkeypatch: pytest.MonkeyPatch, battery: Callable, apply: Callable, variables: dict, x: jax.Array) -> None:
    """`battery`'s transformations of ours equal the plain network's to 1e-5 of the largest element of each (float32)."""
    ours = compiled(battery, apply, variables, x)
    plain_branches(monkeypatch)
    theirs = compiled(battery, apply, variables, x)
    for name in ours:
        for a, b in zip(jax.tree.leaves(ours[name]), jax.tree.leaves(theirs[name])):
            scale = float(jnp.max(jnp.abs(b)))
            assert scale > 0, f"{name}: the plain network's result is zero, nothing is compared"
            error = float(jnp.max(jnp.abs(a - b))) / scale
            assert error <= 1e-5, f"{name}: max abs difference {error:.1e} x the largest element"


@pytest.mark.parametrize("arch", FULL)
def test_every_transformation_of_each_imagenet_family_equals_plain_flax(monkeypatch, arch):
    assert_equal_to_plain(monkeypatch, transformations, *imagenet(arch))


DEEPEST = ("resnet101", "resnet152")  # ResNet-50's Bottleneck blocks, more of them: make test-long (about 1 min)


@pytest.mark.slow
@pytest.mark.parametrize("arch", [pytest.param(arch, marks=pytest.mark.long) if arch in DEEPEST else arch
                                  for arch in IMAGENET if arch not in FULL])
def test_forward_and_reverse_mode_of_every_other_imagenet_network_equal_plain_flax(monkeypatch, arch):
    assert_equal_to_plain(monkeypatch, first_order, *imagenet(arch))


@pytest.mark.parametrize("name", SMALL)
def test_every_transformation_of_the_digits_dann_and_gan_networks_equals_plain_flax(monkeypatch, name):
    assert_equal_to_plain(monkeypatch, partial(transformations, per_example_params=True), *SMALL[name]())


def test_forward_mode_reaches_every_custom_rule():
    # The failure this file guards against: a custom_vjp anywhere in a model makes jvp raise.
    apply, variables, x = imagenet("squeezenet1_1")
    tangent = jax.jvp(lambda x: apply(variables, x), (x,), (jnp.ones_like(x),))[1]
    assert tangent.shape == (1, 10) and bool(jnp.all(jnp.isfinite(tangent)))


@pytest.mark.parametrize("shape,window,stride,padding,ceil_mode", [((2, 9, 9, 3), 3, 2, 0, True), ((2, 8, 8, 3), 3, 2, 1, False),
                                                                   ((2, 8, 6, 3), 2, 2, 0, False)])
def test_max_pool_forward_mode_sends_each_tangent_from_the_first_maximum_as_torch(shape, window, stride, padding, ceil_mode):
    # Ties on purpose: the jvp equals the vjp's transpose, and both pick the first maximum of each window (row-major).
    from jaxdl.models.max_pool import max_pool

    x = jnp.round(jax.random.normal(jax.random.key(0), shape))  # many ties
    pool = lambda x: max_pool(x, window, stride, padding, ceil_mode)
    jacobian_fwd = jax.jacfwd(pool)(x).reshape(-1, x.size)
    jacobian_rev = jax.jacrev(pool)(x).reshape(-1, x.size)
    np.testing.assert_array_equal(jacobian_fwd, jacobian_rev)
    assert bool(jnp.all(jacobian_fwd.sum(axis=1) == 1)), "each output's tangent comes from exactly one input"
