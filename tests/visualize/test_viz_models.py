"""Model support for attributions: running to a named layer then from it is the full forward, for every family;
the ReLU is a field, so a guided ReLU gives the same forward with the same variables."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxdl import models
from jaxdl.errors import JaxdlError
from jaxdl.models.small import SmallCNN
from jaxdl.visualize.guided import guided_relu

CASES = [  # (model, input size, layers to split at: mid-network, after the spatial part, in the head)
    (models.create("alexnet", num_classes=7), 67, ("pool2", "avgpool", "relu6")),
    (models.create("vgg11_bn", num_classes=7), 32, ("pool3", "relu7")),
    (models.create("resnet18", num_classes=7), 35, ("maxpool", "layer3", "avgpool")),
    (models.create("squeezenet1_0", num_classes=7), 67, ("pool4", "fire9", "relu10")),
    (models.create("squeezenet1_1", num_classes=7), 51, ("fire5",)),
    (SmallCNN(7), 32, ("pool1", "features")),
]


@pytest.fixture(params=CASES, ids=[type(m).__name__ + str(s) for m, s, _ in CASES])
def network(request):
    model, size, layers = request.param
    x = jax.random.normal(jax.random.key(1), (2, size, size, 3))
    return model, random_variables(model, x), x, layers


def random_variables(model, x) -> dict:
    """Variables of the init's shapes drawn by numpy (no per-shape compilation as in `model.init`): kernels
    N(0, 1/fan_in), BatchNorm variances in [0.5, 1.5], everything else N(0, 0.1)."""
    rng = np.random.default_rng(0)

    def draw(path, leaf):
        name = jax.tree_util.keystr(path)
        if "var" in name:
            return rng.uniform(0.5, 1.5, leaf.shape).astype(np.float32)
        scale = 1 / np.sqrt(np.prod(leaf.shape[:-1])) if "kernel" in name else 0.1
        return (scale * rng.standard_normal(leaf.shape)).astype(np.float32)

    return jax.tree_util.tree_map_with_path(draw, jax.eval_shape(model.init, jax.random.key(0), x))


def test_running_to_a_layer_then_from_it_is_the_full_forward(network):
    """Op by op (no jit), so both sides run the same kernels: equal to the bit. A guided ReLU changes no output."""
    model, variables, x, layers = network
    full = model.apply(variables, x)
    for layer in layers:
        rest = model.apply(variables, model.apply(variables, x, layer=layer), start=layer)
        np.testing.assert_array_equal(rest, full, err_msg=layer)
    np.testing.assert_array_equal(model.clone(relu=guided_relu).apply(variables, x), full)


def test_start_errors_name_the_layers():
    model = SmallCNN(3)
    variables = random_variables(model, jnp.zeros((1, 32, 32, 1)))
    with pytest.raises(JaxdlError, match="unknown layer 'fire9'; choose one of: conv1, pool1, conv2"):
        model.apply(variables, jnp.zeros((1, 16, 16, 32)), start="fire9")
    with pytest.raises(JaxdlError, match="layer 'pool1' does not come after start 'conv2'"):
        model.apply(variables, jnp.zeros((1, 16, 16, 64)), start="conv2", layer="pool1")


def test_guided_relu_backward_passes_positive_gradients_where_the_input_was_positive():
    x = jnp.array([-1.0, 0.0, 2.0, 3.0])
    _, pullback = jax.vjp(guided_relu, x)
    np.testing.assert_array_equal(pullback(jnp.array([5.0, 5.0, -4.0, 6.0]))[0], [0.0, 0.0, 0.0, 6.0])
