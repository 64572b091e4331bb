"""A small digit CNN (32x32 inputs): the classifier that scores GAN samples.

conv(32, 3x3) + ReLU + max-pool 2 -> conv(64, 3x3) + ReLU + max-pool 2 -> fc(128) + ReLU ("features") -> fc(classes).
"features" is the space where the Fréchet distance between real and generated images is measured.
"""

import flax.linen as nn
import jax

from jaxdl.models.named import run_until

LAYERS = ("conv1", "pool1", "conv2", "pool2", "features", "logits")


class SmallCNN(nn.Module):
    """`apply(variables, x, train=False, layer=None)`: x NHWC float32 (32x32, any channel count)."""

    num_classes: int = 10

    def layer_names(self) -> tuple[str, ...]:
        """The extractable layers in forward order."""
        return LAYERS

    @nn.compact
    def __call__(self, x: jax.Array, train: bool = False, layer: str | None = None) -> jax.Array:
        pool = lambda h: nn.max_pool(h, (2, 2), (2, 2))  # noqa: E731 - one-line step
        steps = [
            ("conv1", lambda h: nn.relu(nn.Conv(32, (3, 3), padding=1, name="conv1")(h))),
            ("pool1", pool),
            ("conv2", lambda h: nn.relu(nn.Conv(64, (3, 3), padding=1, name="conv2")(h))),
            ("pool2", pool),
            ("features", lambda h: nn.relu(nn.Dense(128, name="fc1")(h.reshape(h.shape[0], -1)))),
            ("logits", nn.Dense(self.num_classes, name="fc2")),
        ]
        return run_until(x, steps, layer)
