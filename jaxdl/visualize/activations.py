"""Activation maps of a named layer (the course: the 64/96 maps after the first convolution) as one grid image.

The activations themselves come from `jaxdl.features.extract(model, variables, images, layer)` (an unknown
layer is a one-line error naming the valid ones); this file only lays one image's maps out.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jaxdl.errors import DataError, JaxdlError
from jaxdl.figures import image_grid, save_png
from jaxdl.models.named import check_layer
from jaxdl.visualize.inputs import Inputs
from jaxdl.visualize.subject import Subject


@dataclass(frozen=True)
class ActivationSettings:
    """Which layer, which image, maps per row."""

    layer: str = "conv1"
    image: int = 0
    columns: int = 12


ACTIVATION_HELP = {"layer": "a named layer of the network", "image": "index of the image among INPUTS",
                   "columns": "maps per row of the grid"}


def activation_grid(activation: np.ndarray, columns: int = 12) -> np.ndarray:
    """One image's activation (H,W,C) as a uint8 grid of its C maps, each stretched to its own min..max."""
    maps = np.moveaxis(np.asarray(activation, np.float32), -1, 0)
    low, high = maps.min(axis=(1, 2), keepdims=True), maps.max(axis=(1, 2), keepdims=True)
    return image_grid((2 * (maps - low) / np.maximum(high - low, 1e-12) - 1)[..., None], columns)


def write_activations(subject: Subject, inputs: Inputs, settings: ActivationSettings, out: Path) -> tuple[Path, tuple]:
    """OUT/activations_LAYER_IMAGE.png (each map stretched to its own range); returns the path and the maps' shape."""
    check_layer(settings.layer, subject.model.layer_names())
    if not 0 <= settings.image < len(inputs.pixels):
        raise DataError(f"image index {settings.image} out of range: there are {len(inputs.pixels)} images")
    image = subject.to_normalized(inputs.pixels[settings.image:settings.image + 1])
    activation = subject.model.apply(subject.variables, image, layer=settings.layer)[0]
    if activation.ndim != 3:
        raise JaxdlError(f"layer {settings.layer!r} is not spatial (its activation has shape {activation.shape})")
    path = out / f"activations_{settings.layer}_{settings.image}.png"
    return save_png(activation_grid(activation, settings.columns), path, 1), tuple(activation.shape)
