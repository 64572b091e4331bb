"""Per-layer summary of a model: output shape and parameter counts, the table students derive for VGG16.

Shapes come from `jax.eval_shape` (nothing is allocated or computed), stopping the model at
each named layer; a layer's parameters are the `params` subtree with that layer's name.
"""

from collections.abc import Mapping

import jax
import jax.numpy as jnp
import numpy as np

from jaxdl import models
from jaxdl.keys import prng_key


def parameter_counts(tree: Mapping) -> tuple[int, int]:
    """(weights, biases) in a params subtree: leaves named `bias` are biases, every other leaf a weight."""
    flat = jax.tree_util.tree_flatten_with_path(tree)[0]
    biases = sum(int(np.prod(leaf.shape)) for path, leaf in flat if path[-1].key == "bias")
    return sum(int(np.prod(leaf.shape)) for _, leaf in flat) - biases, biases


def _row(layer: str, shape: str, weights: int, biases: int) -> dict:
    """One table row."""
    return {"layer": layer, "output shape": shape, "weights": weights, "biases": biases, "parameters": weights + biases}


def layer_table(arch: str, size: int = 224, **options) -> list[dict]:
    """One row per named layer of `arch` on a size x size RGB input (shape without the batch axis), then a total row."""
    model = models.create(arch, **options)
    x = jax.ShapeDtypeStruct((1, size, size, 3), jnp.float32)
    variables = jax.eval_shape(model.init, prng_key(0), x)
    params = variables["params"]
    rows = []
    for name in model.layer_names():
        out = jax.eval_shape(lambda v, x, name=name: model.apply(v, x, layer=name), variables, x)
        rows.append(_row(name, "x".join(map(str, out.shape[1:])), *parameter_counts(params.get(name, {}))))
    return rows + [_row("total", "", *parameter_counts(params))]
