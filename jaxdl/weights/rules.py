"""How one torchvision state_dict entry becomes one Flax variable.

A family's key map is a list of `Rule`s; the generic converter checks that the
state_dict has exactly those keys and that every converted shape fits the model.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Rule:
    """torch key -> Flax path (collection first), with the array transform between them."""

    torch: str
    flax: tuple[str, ...]
    transform: Callable[[np.ndarray], np.ndarray] = np.asarray


def conv_kernel(w: np.ndarray) -> np.ndarray:
    """Conv2d weight OIHW -> Flax HWIO."""
    return np.transpose(w, (2, 3, 1, 0))


def linear_kernel(w: np.ndarray) -> np.ndarray:
    """Linear weight (out, in) -> Flax Dense kernel (in, out)."""
    return np.transpose(w)


def flattened_linear_kernel(channels: int, height: int, width: int) -> Callable[[np.ndarray], np.ndarray]:
    """Linear after a flatten: torch flattens NCHW, Flax NHWC; permute the inputs once here."""

    def transform(w: np.ndarray) -> np.ndarray:
        out = w.shape[0]
        return w.reshape(out, channels, height, width).transpose(2, 3, 1, 0).reshape(height * width * channels, out)

    return transform


def conv_rules(torch_prefix: str, flax_name: str, bias: bool = True) -> list[Rule]:
    """Rules of one nn.Conv2d."""
    rules = [Rule(f"{torch_prefix}.weight", ("params", flax_name, "kernel"), conv_kernel)]
    if bias:
        rules.append(Rule(f"{torch_prefix}.bias", ("params", flax_name, "bias")))
    return rules


def linear_rules(torch_prefix: str, flax_name: str, kernel: Callable[[np.ndarray], np.ndarray] = linear_kernel) -> list[Rule]:
    """Rules of one nn.Linear."""
    return [
        Rule(f"{torch_prefix}.weight", ("params", flax_name, "kernel"), kernel),
        Rule(f"{torch_prefix}.bias", ("params", flax_name, "bias")),
    ]


def batchnorm_rules(torch_prefix: str, flax_name: str) -> list[Rule]:
    """Rules of one nn.BatchNorm2d: affine parameters and running statistics."""
    return [
        Rule(f"{torch_prefix}.weight", ("params", flax_name, "scale")),
        Rule(f"{torch_prefix}.bias", ("params", flax_name, "bias")),
        Rule(f"{torch_prefix}.running_mean", ("batch_stats", flax_name, "mean")),
        Rule(f"{torch_prefix}.running_var", ("batch_stats", flax_name, "var")),
    ]


def nested(module_path: tuple[str, ...], rules: list[Rule]) -> list[Rule]:
    """The same rules for a submodule nested under `module_path` (e.g. ("layer1", "0")); collection stays first."""
    return [replace(rule, flax=(rule.flax[0], *module_path, *rule.flax[1:])) for rule in rules]
