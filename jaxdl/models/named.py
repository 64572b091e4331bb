"""A network as an ordered list of named steps, so that any named activation can be extracted or fed back in.

A model's `__call__` builds `[(name, fn), ...]` (each `fn` creating/calling its Flax
submodules lazily) and hands it to `run_until`: with `layer="pool5"` nothing after
pool5 is computed, which keeps feature extraction and input gradients cheap; with
`start="fire9"` the input is fire9's activation and only the steps after it run (same
parameters), so the gradient w.r.t. an intermediate activation (Grad-CAM) is a plain `jax.grad`.
"""

import dataclasses
from collections.abc import Callable, Sequence

import flax.linen as nn
import jax.numpy as jnp

from jaxdl.errors import JaxdlError
from jaxdl.models.dtypes import Dtype, layer_dtypes

Step = tuple[str, Callable[[jnp.ndarray], jnp.ndarray]]
Activation = Callable[[jnp.ndarray], jnp.ndarray]  # e.g. nn.relu


def check_layer(layer: str | None, names: Sequence[str]) -> None:
    """Raise a JaxdlError naming the valid choices when `layer` is not one of `names` (None is fine)."""
    if layer is not None and layer not in names:
        raise JaxdlError(f"unknown layer {layer!r}; choose one of: {', '.join(names)}")


def run_until(x: jnp.ndarray, steps: Sequence[Step], layer: str | tuple[str, ...] | None = None,
              start: str | None = None) -> jnp.ndarray | dict[str, jnp.ndarray]:
    """Apply the steps after `start` (None: all) in order; return the activation named `layer` (None: the last one).

    With `start`, `x` is the activation named `start` (as `layer=start` returned it).
    A tuple of names gives {name: activation} of them all from one pass (see `collect`)."""
    names = [name for name, _ in steps]
    check_layer(start, names)
    first = 0 if start is None else names.index(start) + 1
    if isinstance(layer, tuple):
        return collect(x, steps[first:], layer)
    check_layer(layer, names)
    if layer is not None and names.index(layer) < first:
        raise JaxdlError(f"layer {layer!r} does not come after start {start!r}")
    for name, fn in steps[first:]:
        x = fn(x)
        if name == layer:
            break
    return x


def collect(x: jnp.ndarray, steps: Sequence[Step], layers: tuple[str, ...]) -> dict[str, jnp.ndarray]:
    """{name: activation} of every layer in `layers`, from one pass that stops at the last of them."""
    names = [name for name, _ in steps]
    for layer in layers:
        check_layer(layer, names)
    if not layers:
        raise JaxdlError("no layers to collect")
    wanted, out = set(layers), {}
    for name, fn in steps:
        x = fn(x)
        if name in wanted:
            out[name] = x
            if len(out) == len(wanted):
                break
    return out


def module_step(name: str, factory: Callable[..., nn.Module]) -> Step:
    """A step that builds the Flax submodule `factory(name=name)` when it runs (inside the model's __call__)."""
    return name, lambda x: factory(name=name)(x)


class NamedNetwork(nn.Module):
    """Base of the named models: a subclass lists its layers in `steps(train)`; naming, stopping and starting follow.

    `relu` is every ReLU of the network (e.g. guided backprop's): `clone(relu=...)` uses the same variables.
    `dtype` is the computation's (None: the inputs' and parameters'), `param_dtype` the parameters', as Flax layers."""

    relu: Activation = dataclasses.field(default=nn.relu, kw_only=True)
    dtype: Dtype | None = dataclasses.field(default=None, kw_only=True)
    param_dtype: Dtype = dataclasses.field(default=jnp.float32, kw_only=True)

    @property
    def typed(self) -> dict:
        """The dtype keywords of every Flax layer of the network (Conv, Dense, BatchNorm), checked."""
        return layer_dtypes(self)

    @nn.nowrap
    def steps(self, train: bool) -> list[Step]:
        """The named layers in forward order (submodules are built lazily when a step runs)."""
        raise NotImplementedError

    @nn.nowrap
    def layer_names(self) -> tuple[str, ...]:
        """Every layer `__call__(..., layer=name)` can stop at (and `start=name` continue from), in forward order."""
        return tuple(name for name, _ in self.steps(train=False))

    @nn.compact
    def __call__(self, x: jnp.ndarray, train: bool = False, layer: str | tuple[str, ...] | None = None,
                 start: str | None = None) -> jnp.ndarray:
        """Logits of an NHWC batch (or of the activation named `start`), or the activation named `layer`."""
        return run_until(x, self.steps(train), layer, start)
