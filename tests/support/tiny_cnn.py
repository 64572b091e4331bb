"""A tiny network following the ImageNet model contract, for fast tests of feature extraction and transfer."""

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from jaxdl.models.named import run_until


class TinyCNN(nn.Module):
    """conv1 -> pool1 (global mean) -> fc, each step named like the course's layers."""

    num_classes: int = 3

    def layer_names(self) -> tuple[str, ...]:
        return ("conv1", "pool1", "fc")

    @nn.compact
    def __call__(self, x, train: bool = False, layer: str | None = None):
        steps = [
            ("conv1", lambda h: nn.relu(nn.Conv(4, (3, 3), padding=1, name="conv1")(h))),
            ("pool1", lambda h: h.mean(axis=(1, 2))),
            ("fc", nn.Dense(self.num_classes, name="fc")),
        ]
        return run_until(x, steps, layer)


def tiny_setup(num_images: int = 10, size: int = 8):
    """(model, variables, images) with fixed seeds, so separate processes get the same numbers."""
    model = TinyCNN()
    images = np.random.default_rng(0).normal(size=(num_images, size, size, 3)).astype(np.float32)
    variables = model.init(jax.random.PRNGKey(0), jnp.asarray(images[:1]))
    return model, variables, images
