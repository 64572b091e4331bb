"""torchvision `vgg*` state_dict keys -> jaxdl.models.vgg variables."""

from jaxdl.models.vgg import ARCHS, DROPOUT_BEFORE
from jaxdl.weights.keymaps import classic
from jaxdl.weights.rules import Rule


def torch_rules(arch: str) -> list[Rule]:
    """torchvision `vgg*` state_dict keys (features.N.*, classifier.N.*) -> Flax variables."""
    return classic.torch_rules(ARCHS[arch]().layer_names(), DROPOUT_BEFORE, (512, 7, 7))
