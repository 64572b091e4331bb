"""torchvision `alexnet` state_dict keys -> jaxdl.models.alexnet variables."""

from jaxdl.models.alexnet import ARCHS, DROPOUT_BEFORE
from jaxdl.weights.keymaps import classic
from jaxdl.weights.rules import Rule


def torch_rules(arch: str) -> list[Rule]:
    """torchvision `alexnet` state_dict keys (features.N.*, classifier.N.*) -> Flax variables."""
    return classic.torch_rules(ARCHS[arch]().layer_names(), DROPOUT_BEFORE, (256, 6, 6))
