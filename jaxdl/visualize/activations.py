"""Activation maps of a named layer (the course: the 64/96 maps after the first convolution) as one grid image.

The activations themselves come from `jaxdl.features.extract(model, variables, images, layer)` (an unknown
layer is a one-line error naming the valid ones); this file only lays one image's maps out.
"""

import numpy as np

from jaxdl.figures import image_grid


def activation_grid(activation: np.ndarray, columns: int = 12) -> np.ndarray:
    """One image's activation (H,W,C) as a uint8 grid of its C maps, each stretched to its own min..max."""
    maps = np.moveaxis(np.asarray(activation, np.float32), -1, 0)
    low, high = maps.min(axis=(1, 2), keepdims=True), maps.max(axis=(1, 2), keepdims=True)
    return image_grid((2 * (maps - low) / np.maximum(high - low, 1e-12) - 1)[..., None], columns)
