"""torchvision `squeezenet1_*` state_dict keys -> jaxdl.models.squeezenet variables."""

from jaxdl.models.squeezenet import ARCHS
from jaxdl.weights.rules import Rule, conv_rules, nested


def torch_rules(arch: str) -> list[Rule]:
    """torchvision `arch` state_dict keys -> Flax variables: `features.i` is step i, `classifier.1` is conv10."""
    rules = conv_rules("features.0", "conv1")
    for i, name in enumerate(ARCHS[arch]().layer_names()):
        if name.startswith("fire"):
            parts = [r for part in ("squeeze", "expand1x1", "expand3x3") for r in conv_rules(f"features.{i}.{part}", part)]
            rules += nested((name,), parts)
    return rules + conv_rules("classifier.1", "conv10")
