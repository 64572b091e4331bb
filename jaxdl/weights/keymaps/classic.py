"""The key map AlexNet and VGG share: torchvision's `features.i` is step i, classifier indices count the Dropouts."""

from collections.abc import Sequence

from jaxdl.models.classic import FCS
from jaxdl.weights.rules import Rule, batchnorm_rules, conv_rules, flattened_linear_kernel, linear_kernel, linear_rules


def torch_rules(names: Sequence[str], dropout_before: Sequence[str], pooled: tuple[int, int, int]) -> list[Rule]:
    """torchvision key map from layer names: features.i = step i; classifier indices count the Dropouts.

    `pooled` is the (C, H, W) that fc6 sees flattened (torch flattens NCHW, we NHWC).
    """
    split = names.index("avgpool")
    rules: list[Rule] = []
    for i, name in enumerate(names[:split]):
        if name.startswith("conv"):
            rules += conv_rules(f"features.{i}", name)
        elif name.startswith("bn"):
            rules += batchnorm_rules(f"features.{i}", name)
    index = 0
    for name in names[split + 1 :]:
        index += name in dropout_before
        if name in FCS:
            kernel = flattened_linear_kernel(*pooled) if name == FCS[0] else linear_kernel
            rules += linear_rules(f"classifier.{index}", name, kernel)
        index += 1
    return rules
