"""A network as an ordered list of named steps, so that any named activation can be extracted.

A model's `__call__` builds `[(name, fn), ...]` (each `fn` creating/calling its Flax
submodules lazily) and hands it to `run_until`: with `layer="pool5"` nothing after
pool5 is computed, which keeps feature extraction and input gradients cheap.
"""

from collections.abc import Callable, Sequence

import jax.numpy as jnp

from jaxdl.errors import JaxdlError

Step = tuple[str, Callable[[jnp.ndarray], jnp.ndarray]]


def check_layer(layer: str | None, names: Sequence[str]) -> None:
    """Raise a JaxdlError naming the valid choices when `layer` is not one of `names` (None is fine)."""
    if layer is not None and layer not in names:
        raise JaxdlError(f"unknown layer {layer!r}; choose one of: {', '.join(names)}")


def run_until(x: jnp.ndarray, steps: Sequence[Step], layer: str | None = None) -> jnp.ndarray:
    """Apply the steps in order; return the activation named `layer` (None: the last step's output)."""
    check_layer(layer, [name for name, _ in steps])
    for name, fn in steps:
        x = fn(x)
        if name == layer:
            break
    return x
