"""torchvision state_dict -> Flax variables, checked key by key and shape by shape.

A family's key map (jaxdl/weights/keymaps/) lists every torch key with its Flax path and transform;
the model's own `init` (abstract, via jax.eval_shape) says which shapes must come out.
The number of classes is read from the classifier, so a fine-tuned 15-class
checkpoint converts as well as the 1000-class ImageNet one.
"""

from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from flax import traverse_util

from jaxdl import models
from jaxdl.errors import WeightsError
from jaxdl.keys import prng_key
from jaxdl.weights.keymaps import torch_rules
from jaxdl.weights.rules import Rule
from jaxdl.weights.sources import Source, label, read_state_dict

INIT_SIZE = 224  # spatial size used to build the abstract variables; parameter shapes do not depend on it


def _few(keys: set[str], count: int = 4) -> str:
    """Up to `count` keys, sorted, for an error message."""
    shown = sorted(keys)[:count]
    return ", ".join(shown) + (f" … ({len(keys)} in all)" if len(keys) > count else "")


def _lookalike(keys: set[str], arch: str) -> str | None:
    """Another registered architecture whose state_dict has exactly these keys, if any."""
    return next((a for a in models.archs() if a != arch and {r.torch for r in torch_rules(a)} == keys), None)


def check_keys(arch: str, rules: Sequence[Rule], state: dict, name: str) -> None:
    """Raise a WeightsError unless the state_dict has exactly the keys of `arch`."""
    expected, got = {r.torch for r in rules}, set(state)
    if got == expected:
        return
    other = _lookalike(got, arch)
    if other:
        raise WeightsError(f"{name}: not a {arch} state_dict; it looks like a state_dict of {other}")
    problems = [f"{len(s)} {what} keys ({_few(s)})" for s, what in ((expected - got, "missing"), (got - expected, "unexpected")) if s]
    raise WeightsError(f"{name}: does not match {arch}: " + "; ".join(problems))


def classifier(rules: Sequence[Rule]) -> Rule:
    """The rule of the classifier's weight: the last `.weight` (a Linear, or SqueezeNet's 1x1 conv)."""
    return [r for r in rules if r.torch.endswith(".weight")][-1]


def num_classes(rules: Sequence[Rule], state: dict) -> int:
    """Output size of the classifier in a state_dict (first axis of its torch weight)."""
    return int(state[classifier(rules).torch].shape[0])


def classes_of(arch: str, variables: dict) -> int:
    """Output size of the classifier in converted variables (last axis of its Flax kernel)."""
    node = variables
    for key in classifier(torch_rules(arch)).flax:
        node = node[key]
    return int(node.shape[-1])


def abstract_variables(arch: str, classes: int, **options) -> dict[tuple[str, ...], jax.ShapeDtypeStruct]:
    """Flattened shapes/dtypes of the model's variables, computed without allocating them."""
    model = models.create(arch, num_classes=classes, **options)
    x = jax.ShapeDtypeStruct((1, INIT_SIZE, INIT_SIZE, 3), jnp.float32)
    return traverse_util.flatten_dict(jax.eval_shape(model.init, prng_key(0), x))


def convert_one(rule: Rule, array: np.ndarray, expected: jax.ShapeDtypeStruct, name: str) -> np.ndarray:
    """One torch array in Flax layout and dtype; a WeightsError (key, got, expected) if it does not fit."""
    try:
        value = np.asarray(rule.transform(array), dtype=expected.dtype)
    except ValueError:  # a layout transform (reshape) that cannot apply to this shape
        value = None
    if value is None or value.shape != expected.shape:
        raise WeightsError(
            f"{name}: wrong shape for {rule.torch}: got {tuple(array.shape)} (torch layout), "
            f"expected {tuple(expected.shape)} in Flax layout ({'/'.join(rule.flax)})"
        )
    return value


def convert_state_dict(arch: str, state: dict[str, np.ndarray], name: str = "state_dict", **options) -> dict:
    """Checked conversion of a numpy state_dict to Flax variables {"params": …, "batch_stats": …}."""
    rules = torch_rules(arch)
    check_keys(arch, rules, state, name)
    shapes = abstract_variables(arch, num_classes(rules, state), **options)
    if set(shapes) != {r.flax for r in rules}:  # a family bug, not a user error
        raise RuntimeError(f"the {arch} key map does not cover its model: {set(shapes) ^ {r.flax for r in rules}}")
    flat = {r.flax: jnp.asarray(convert_one(r, state[r.torch], shapes[r.flax], name)) for r in rules}
    return traverse_util.unflatten_dict(flat)


def from_torchvision(arch: str, source: Source, **model_options) -> dict:
    """Flax variables of `arch` from a torchvision state_dict (.pth/.pt, .safetensors, .npz or mapping)."""
    models.family(arch)  # an unknown arch fails before a large file is read
    return convert_state_dict(arch, read_state_dict(source), label(source), **model_options)
