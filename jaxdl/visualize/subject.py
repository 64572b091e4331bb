"""The network under study: a model, its variables, the normalisation in front of it and its class names.

The course normalises images outside the model and works in normalised space; attacks from the
literature work in pixel space [0, 1] with the normalisation inside the attacked function. A Subject
carries the mean/std so that both spaces are explicit: `to_normalized` / `to_pixels` convert, and
`logits_of_pixels` is the network with the normalisation inside.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from jaxdl import models
from jaxdl.data.imagenet import MEAN, STD, class_names
from jaxdl.errors import DataError
from jaxdl.pretrained import variables_for
from jaxdl.visualize.inputs import Inputs, load_inputs

DIGITS = "digits"  # the `arch` of the embedded digits CNN


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


def digits_subject(seed: int = 0, cache_dir: str | None = None, epochs: int | None = None, progress: bool = True) -> Subject:
    """The embedded SmallCNN trained on scikit-learn's digits (32x32 grey, identity normalisation); `epochs` None: 15."""
    from jaxdl.visualize.digits import EPOCHS, digits_cnn

    model, variables, _ = digits_cnn(seed, cache_dir, epochs or EPOCHS, progress)
    return Subject(model, variables, jnp.zeros(1), jnp.ones(1), tuple(str(i) for i in range(10)), "digits SmallCNN")


def subject_named(arch: str, weights: str | Path = "random", seed: int = 0, progress: bool = True) -> Subject:
    """The embedded digits CNN ("digits", trained with a progress bar if not cached) or the ImageNet network `arch`."""
    return digits_subject(seed, progress=progress) if arch == DIGITS else imagenet_subject(arch, weights, seed)


def subject_and_inputs(arch: str, weights: str | Path = "imagenet", sources: Sequence[str | Path] = (), size: int = 224,
                       limit: int | None = None, seed: int = 0, progress: bool = True) -> tuple[Subject, Inputs]:
    """The network `arch` names ("digits": the embedded digits CNN) and its pixel-space images, the first `limit`:
    `sources` (image files or one .npz; greyed at 32x32 for the digits CNN), else the digits' test images."""
    from jaxdl.visualize.digits import digit_splits

    if arch == DIGITS:
        if sources:
            loaded = load_inputs(sources, size=32)
            inputs = Inputs(loaded.pixels.mean(-1, keepdims=True), loaded.labels, loaded.names)
        else:
            _, x_test, _, y_test = digit_splits(seed)
            inputs = Inputs(x_test, y_test, tuple(f"digit[{i}]" for i in range(len(x_test))))
    else:
        if not sources:
            raise DataError(f"image files or an .npz (INPUTS; in jaxdl run: visualize.inputs) are needed with the ImageNet "
                            f"network {arch!r}")
        inputs = load_inputs(sources, size=size)
    if limit is not None:
        labels = None if inputs.labels is None else inputs.labels[:limit]
        inputs = Inputs(inputs.pixels[:limit], labels, inputs.names[:limit])
    return subject_named(arch, weights, seed, progress), inputs
