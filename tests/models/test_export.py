"""Exported graphs: on GPU and TPU, XLA's own convolution and max-pooling and their gradients; on the CPU, jaxdl's
rewrites; an unknown platform name is one clear error."""

import jax
import jax.numpy as jnp
import pytest

from jaxdl import models
from jaxdl.errors import JaxdlError
from jaxdl.export import export


@pytest.fixture(scope="module")
def squeezenet():
    model = models.create("squeezenet1_1", num_classes=10)
    x = jnp.zeros((2, 64, 64, 3))
    return model, model.init(jax.random.key(0), x), x


def input_gradient(model, variables):
    return jax.grad(lambda x: model.apply(variables, x).sum())


def ops(exported: jax.export.Exported) -> dict[str, int]:
    text = exported.mlir_module()
    return {op: text.count(f"stablehlo.{op}") for op in ("convolution", "pad", "dot_general", "reduce_window", "select_and_scatter")}


@pytest.mark.parametrize("platform", ["cuda", "tpu", "rocm"])
def test_accelerator_graphs_hold_xlas_own_convolution_and_pooling(squeezenet, platform):
    model, variables, x = squeezenet
    forward = ops(export(lambda x: model.apply(variables, x), x, platforms=[platform]))
    backward = ops(export(input_gradient(model, variables), x, platforms=[platform]))
    # SqueezeNet 1.1: 26 convolutions (1x1 ones too), 3 ceil-mode max-pools; the gradient adds each convolution's input
    # gradient and a select-and-scatter per pool (JAX's own GPU lowering of it pads the pooled input: one pad each).
    # No other pad and no matrix product: those are the CPU rewrites.
    pads = 0 if platform == "tpu" else 3
    assert forward == {"convolution": 26, "pad": 0, "dot_general": 0, "reduce_window": 3, "select_and_scatter": 0}
    assert backward == {"convolution": 52, "pad": pads, "dot_general": 0, "reduce_window": 3, "select_and_scatter": 3}


def test_cpu_graph_holds_the_rewrites_and_a_two_platform_graph_both(squeezenet):
    model, variables, x = squeezenet
    cpu = ops(export(input_gradient(model, variables), x, platforms=["cpu"]))
    assert cpu["dot_general"] > 0 and cpu["pad"] > 0 and cpu["select_and_scatter"] == 0
    both = ops(export(input_gradient(model, variables), x, platforms=["cpu", "cuda"]))
    assert both["select_and_scatter"] >= 3 and both["dot_general"] >= cpu["dot_general"]  # each branch in a conditional


def test_an_exported_cpu_graph_runs_and_equals_the_model(squeezenet):
    model, variables, x = squeezenet
    x = jax.random.uniform(jax.random.key(1), x.shape)
    exported = export(lambda v, x: model.apply(v, x), variables, x)
    assert jnp.allclose(exported.call(variables, x), model.apply(variables, x), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("platforms,message", [(["gpu"], "platform 'gpu': choose among cpu, cuda, rocm, tpu"),
                                               (["cpu", "cudaa"], "platform 'cudaa': choose among cpu, cuda, rocm, tpu"),
                                               ([], "platform 'list empty': choose among cpu, cuda, rocm, tpu")])
def test_an_unknown_platform_is_one_clear_error(squeezenet, platforms, message):
    model, variables, x = squeezenet
    with pytest.raises(JaxdlError) as caught:
        export(lambda x: model.apply(variables, x), x, platforms=platforms)
    assert str(caught.value) == message
