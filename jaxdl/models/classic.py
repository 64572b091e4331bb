"""What AlexNet and VGG share: torchvision's `features -> avgpool -> classifier` layout.

The layers are named steps (see named.py). Because `features.i` of the torchvision
state_dict is exactly step i, the key map (jaxdl/weights/keymaps/classic.py) follows from the layer names alone.
"""

from collections.abc import Sequence

import flax.linen as nn
import jax.numpy as jnp

from jaxdl.models.named import Activation, Step

FCS = ("fc6", "fc7", "fc8")


def fc_step(name: str, features: int, dropout: float, train: bool, typed: dict) -> Step:
    """torch.flatten + optional Dropout + Linear: one fully connected layer of the classifier (`typed`: its dtypes)."""

    def fc(x: jnp.ndarray) -> jnp.ndarray:
        x = x.reshape(x.shape[0], -1)
        if dropout:
            x = nn.Dropout(dropout, deterministic=not train)(x)
        return nn.Dense(features, name=name, **typed)(x)

    return name, fc


def classifier(num_classes: int, dropout_before: Sequence[str], train: bool, relu: Activation, typed: dict,
               rate: float = 0.5) -> list[Step]:
    """fc6, relu6, fc7, relu7, fc8 (4096, 4096, num_classes), with Dropout(rate) on the input of `dropout_before`."""
    widths = (4096, 4096, num_classes)
    steps: list[Step] = []
    for fc, width in zip(FCS, widths):
        steps.append(fc_step(fc, width, rate if fc in dropout_before else 0.0, train, typed))
        if fc != FCS[-1]:
            steps.append((fc.replace("fc", "relu"), relu))
    return steps
