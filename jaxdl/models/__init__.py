"""The ImageNet model zoo, by torchvision name.

Every ImageNet model is a flax.linen Module called as
`model.apply(variables, x, train=False, layer=None)` on NHWC float32 images:
`layer=None` gives the logits, `layer="pool5"` stops there and returns that activation.
Families are imported on first use, so `import jaxdl.models.layers` stays light.
"""

import functools
import importlib
from types import ModuleType

import flax.linen as nn

from jaxdl.errors import JaxdlError

FAMILIES = ("alexnet", "vgg", "resnet", "squeezenet")


@functools.cache
def _families() -> tuple[ModuleType, ...]:
    return tuple(importlib.import_module(f"jaxdl.models.{name}") for name in FAMILIES)


def archs() -> tuple[str, ...]:
    """Every architecture name `create` accepts."""
    return tuple(name for fam in _families() for name in fam.ARCHS)


def family(arch: str) -> ModuleType:
    """The module (alexnet, vgg, resnet, squeezenet) that defines `arch`."""
    for fam in _families():
        if arch in fam.ARCHS:
            return fam
    raise JaxdlError(f"unknown architecture {arch!r}; choose one of: {', '.join(sorted(archs()))}")


def create(arch: str, num_classes: int = 1000, **options) -> nn.Module:
    """A Flax module with torchvision's architecture `arch` (options: e.g. pooling='avg')."""
    return family(arch).ARCHS[arch](num_classes=num_classes, **options)


def layer_names(arch: str, **options) -> tuple[str, ...]:
    """The named layers of `arch` that can be extracted, in forward order."""
    return create(arch, **options).layer_names()
