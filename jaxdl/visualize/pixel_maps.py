"""One map per pixel (N,H,W) from each attribution method, for the metrics that rank pixels (faithfulness, sanity).

The methods are the practical's own functions (saliency, SmoothGrad, integrated gradients, Grad-CAM, guided
backprop) with the subject's variables, which the sanity check swaps for randomised ones. Per-channel attributions
become one value per pixel: integrated gradients sum over the channels (their contributions to the logit add up),
guided gradients take the largest magnitude (as the saliency map of a plain gradient). "random" is a uniform map.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from jaxdl.errors import JaxdlError
from jaxdl.visualize.attribution_outputs import SaliencySettings, saliency_method
from jaxdl.visualize.gradcam import gradcam
from jaxdl.visualize.gradient import in_batches
from jaxdl.visualize.subject import Subject

METHODS = ("vanilla", "smoothgrad", "ig", "gradcam", "guided", "random")


@dataclass(frozen=True)
class MapSettings:
    """The methods' parameters: SmoothGrad's samples and noise, integrated gradients' steps and rule, Grad-CAM's layer."""

    samples: int = 8
    noise: float = 0.15
    steps: int = 16
    rule: str = "gausslegendre"
    layer: str = ""


def check_methods(methods: Sequence[str]) -> tuple[str, ...]:
    """The methods, checked against METHODS (one error naming the choices)."""
    for method in methods:
        if method not in METHODS:
            raise JaxdlError(f"unknown attribution method {method!r}; choose from: {', '.join(METHODS)}")
    if not methods:
        raise JaxdlError(f"no attribution method given; choose from: {', '.join(METHODS)}")
    return tuple(methods)


def per_pixel(method: str, attributions: np.ndarray) -> np.ndarray:
    """N,H,W maps: integrated gradients summed over channels, guided gradients' largest magnitude, others as they are."""
    if attributions.ndim == 3:
        return attributions
    return attributions.sum(axis=-1) if method == "ig" else np.abs(attributions).max(axis=-1)


def pixel_maps(subject: Subject, variables: dict, method: str, images: np.ndarray, classes: np.ndarray,
               names: Sequence[str], settings: MapSettings, batch_size: int = 16, seed: int = 0,
               progress: bool = True) -> np.ndarray:
    """`method`'s N,H,W maps of normalised `images` for `classes` with the network's `variables`."""
    if method == "random":
        return np.random.default_rng(seed).random(images.shape[:3], np.float32)
    if method == "gradcam":
        function = partial(gradcam, subject.model, variables, layer=settings.layer)
    else:
        chosen = SaliencySettings(method=method, samples=settings.samples, noise=settings.noise, steps=settings.steps,
                                  rule=settings.rule)
        function = saliency_method(replace(subject, variables=variables), chosen, seed)
    maps = in_batches(function, images, classes, names, batch_size, progress, method)
    return per_pixel(method, maps)
