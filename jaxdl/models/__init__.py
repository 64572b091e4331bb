"""The ImageNet model zoo and the course networks, by torchvision name.

Every ImageNet model is a flax.linen Module called as
`model.apply(variables, x, train=False, layer=None)` on NHWC float32 images:
`layer=None` gives the logits, `layer="pool5"` stops there and returns that activation.
"""

from collections.abc import Callable

import flax.linen as nn

from jaxdl.errors import JaxdlError
from jaxdl.models import alexnet, resnet, squeezenet, vgg

FAMILIES = (alexnet, vgg, resnet, squeezenet)
ARCHS: dict[str, Callable[..., nn.Module]] = {name: f for family in FAMILIES for name, f in family.ARCHS.items()}


def family(arch: str):
    """The module (alexnet, vgg, resnet, squeezenet) that defines `arch`."""
    for fam in FAMILIES:
        if arch in fam.ARCHS:
            return fam
    raise JaxdlError(f"unknown architecture {arch!r}; choose one of: {', '.join(sorted(ARCHS))}")


def create(arch: str, num_classes: int = 1000, **options) -> nn.Module:
    """A Flax module with torchvision's architecture `arch` (options: e.g. pooling='avg')."""
    return family(arch).ARCHS[arch](num_classes=num_classes, **options)


def layer_names(arch: str, **options) -> tuple[str, ...]:
    """The named layers of `arch` that can be extracted, in forward order."""
    return create(arch, **options).layer_names()
