"""torchvision key maps, one file per model family (as bonsai splits modeling and params).

`torch_rules(arch)` lists every torchvision state_dict key of `arch` with its Flax path and
layout transform; the models themselves know nothing of torch or of checkpoints.
"""

import importlib

from jaxdl import models
from jaxdl.weights.rules import Rule


def torch_rules(arch: str) -> list[Rule]:
    """The key map of `arch`, from the key-map file named after its model family."""
    family = models.family(arch).__name__.rsplit(".", 1)[-1]
    return importlib.import_module(f"jaxdl.weights.keymaps.{family}").torch_rules(arch)
