"""Grad-CAM (Selvaraju et al. 2017) at any named layer: ReLU(sum_k w_k A_k), w_k = spatial mean of d logit_c / d A_k.

The gradient w.r.t. the activation A is a plain `jax.grad`: the model runs to `layer` (`layer=`) and
from there on (`start=`) with the same variables. The map is upsampled bilinearly to the input size
(half-pixel centres, as torch's `interpolate(mode="bilinear", align_corners=False)`).
"""

from functools import partial

import flax.linen as nn
import jax

from jaxdl.errors import JaxdlError
from jaxdl.visualize.gradient import selected


@partial(jax.jit, static_argnames=("model", "layer", "upsample"))
def gradcam(model: nn.Module, variables: dict, images: jax.Array, classes: jax.Array, layer: str,
            upsample: bool = True) -> tuple[jax.Array, jax.Array]:
    """(Grad-CAM maps N,H,W at the input size, or at the layer's size without `upsample`; selected logits N)."""
    activation = model.apply(variables, images, train=False, layer=layer)
    if activation.ndim != 4:
        raise JaxdlError(f"Grad-CAM needs a spatial layer (N,H,W,C); {layer!r} gives shape {activation.shape}")

    def total(a: jax.Array) -> tuple[jax.Array, jax.Array]:
        scores = selected(model.apply(variables, a, train=False, start=layer), classes)
        return scores.sum(), scores

    grads, scores = jax.grad(total, has_aux=True)(activation)
    cam = jax.nn.relu((grads.mean(axis=(1, 2), keepdims=True) * activation).sum(axis=-1))
    if upsample:
        cam = jax.image.resize(cam, (*images.shape[:3],), "bilinear")
    return cam, scores


def last_spatial_layer(model: nn.Module, variables: dict, images: jax.Array) -> str:
    """The last named layer whose activation is still a map larger than 1x1 (shapes only: nothing is computed)."""
    for layer in reversed(model.layer_names()):
        shape = jax.eval_shape(partial(model.apply, train=False, layer=layer), variables, images).shape
        if len(shape) == 4 and shape[1] * shape[2] > 1:
            return layer
    raise JaxdlError("the network has no spatial layer for Grad-CAM")
