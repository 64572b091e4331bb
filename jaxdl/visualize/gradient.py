"""What every attribution method shares: the selected class logits, their input gradient, batching, the dead-class warning.

The course differentiates the class score (the logit, not the loss) w.r.t. the normalised image. The
gradient of the summed selected logits of a batch is each image's own gradient (eval mode: images do
not interact), so one `jax.grad` serves the whole batch.
"""

import warnings
from collections.abc import Callable, Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
from tqdm.auto import tqdm

from jaxdl.features import padded_batches

Method = Callable[[jax.Array, jax.Array], tuple[jax.Array, jax.Array]]  # (images, classes) -> (maps, scores)


def selected(logits: jax.Array, classes: jax.Array) -> jax.Array:
    """logits[i, classes[i]] for every image i."""
    return jnp.take_along_axis(logits, classes[:, None], axis=1)[:, 0]


def class_score_grad(logits: Callable, variables: dict, images: jax.Array, classes: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(d logit_c / d image for each image, all logits) of `logits(variables, images)`: one vjp of the batch with
    one-hot cotangents (images are independent, so each gets its own gradient)."""
    scores, pullback = jax.vjp(lambda x: logits(variables, x), images)
    (grads,) = pullback(jax.nn.one_hot(classes, scores.shape[-1], dtype=scores.dtype))
    return grads, scores


def input_gradient(model: nn.Module, variables: dict, images: jax.Array, classes: jax.Array) -> tuple[jax.Array, jax.Array]:
    """(d logit_c / d image for each image, the selected logits) of an eval-mode model."""
    grads, scores = class_score_grad(lambda v, x: model.apply(v, x, train=False), variables, images, classes)
    return grads, selected(scores, classes)


def warn_zero_scores(scores: np.ndarray, classes: np.ndarray, names: Sequence[str]) -> None:
    """Warn for each image whose requested class logit is exactly 0: behind a final ReLU (SqueezeNet) its gradient is 0 too."""
    for name, score, cls in zip(names, np.asarray(scores), np.asarray(classes)):
        if score == 0:
            warnings.warn(f"{name}: the logit of class {int(cls)} is exactly 0 (the network's last ReLU cuts its "
                          "whole class map), so its gradient and attribution map are all zeros", stacklevel=2)


def in_batches(method: Method, images: np.ndarray, classes: np.ndarray, names: Sequence[str], batch_size: int = 16,
               progress: bool = True, desc: str = "attribution") -> np.ndarray:
    """`method` over all images in fixed-size padded batches (one compilation); warns about zero logits; returns the maps."""
    size = min(batch_size, len(images))
    maps, scores = [], []
    for rows, batch in tqdm(list(padded_batches(images, size)), desc=desc, disable=not progress):
        count = rows.stop - rows.start
        wanted = np.zeros(size, np.int32)
        wanted[:count] = classes[rows]
        out, score = method(jnp.asarray(batch), jnp.asarray(wanted))
        maps.append(np.asarray(out)[:count])
        scores.append(np.asarray(score)[:count])
    warn_zero_scores(np.concatenate(scores), classes, names)
    return np.concatenate(maps)
