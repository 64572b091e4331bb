"""The network under study: a model, its variables, the normalisation in front of it and its class names.

The course normalises images outside the model and works in normalised space; attacks from the
literature work in pixel space [0, 1] with the normalisation inside the attacked function. A Subject
carries the mean/std so that both spaces are explicit: `to_normalized` / `to_pixels` convert, and
`logits_of_pixels` is the network with the normalisation inside.
"""

from dataclasses import dataclass
from pathlib import Path

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from jaxdl import models
from jaxdl.data.imagenet import MEAN, STD, class_names
from jaxdl.pretrained import variables_for


@dataclass(frozen=True)
class Subject:
    """A classifier to visualise: `model.apply(variables, normalized_images, layer=...)`, NHWC."""

    model: nn.Module
    variables: dict
    mean: np.ndarray  # per channel, pixel space [0, 1] -> normalised space: (x - mean) / std
    std: np.ndarray
    class_names: tuple[str, ...]
    name: str

    def to_normalized(self, pixels: jax.Array) -> jax.Array:
        """Pixel-space images in [0, 1] -> the network's normalised input space."""
        return (pixels - self.mean) / self.std

    def to_pixels(self, normalized: jax.Array) -> jax.Array:
        """Normalised images -> pixel space (not clipped)."""
        return normalized * self.std + self.mean

    def logits(self, variables: dict, normalized: jax.Array) -> jax.Array:
        """Class scores of normalised images (variables passed explicitly so jitted callers never bake them in)."""
        return self.model.apply(variables, normalized, train=False)

    def logits_of_pixels(self, variables: dict, pixels: jax.Array) -> jax.Array:
        """Class scores of pixel-space images: the normalisation inside, as attacks in the literature assume."""
        return self.logits(variables, self.to_normalized(pixels))


def imagenet_subject(arch: str = "squeezenet1_0", weights: str | Path = "imagenet", seed: int = 0) -> Subject:
    """An ImageNet model of torchvision's `arch` with ImageNet mean/std and the 1,000 class names.

    `weights`: "imagenet", "random" (seeded init) or a weights file/folder (see jaxdl.weights.load)."""
    model = models.create(arch)
    variables = variables_for(model, arch, str(weights), seed)
    return Subject(model, variables, jnp.asarray(MEAN), jnp.asarray(STD), class_names(), f"{arch} ({Path(str(weights)).name})")


def digits_subject(seed: int = 0, cache_dir: str | None = None, epochs: int | None = None) -> Subject:
    """The embedded SmallCNN trained on scikit-learn's digits (32x32 grey, identity normalisation); `epochs` None: 15."""
    from jaxdl.visualize.digits import EPOCHS, digits_cnn

    model, variables, _ = digits_cnn(seed, cache_dir, epochs or EPOCHS)
    return Subject(model, variables, jnp.zeros(1), jnp.ones(1), tuple(str(i) for i in range(10)), "digits SmallCNN")
