"""A small digit CNN (32x32 inputs): the classifier that scores GAN samples and the visualization practical's digits network.

conv(32, 3x3) + ReLU + max-pool 2 -> conv(64, 3x3) + ReLU + max-pool 2 -> fc(128) + ReLU ("features") -> fc(classes).
"features" is the space where the Fréchet distance between real and generated images is measured.
"""

from functools import partial

import flax.linen as nn

from jaxdl.models.conv import Conv
from jaxdl.models.max_pool import max_pool
from jaxdl.models.named import NamedNetwork, Step


class SmallCNN(NamedNetwork):
    """`apply(variables, x, train=False, layer=None, start=None)`: x NHWC float32 (32x32, any channel count)."""

    num_classes: int = 10

    @nn.nowrap
    def steps(self, train: bool) -> list[Step]:
        """conv1, pool1, conv2, pool2, features, logits (each conv and fc1 followed by its ReLU)."""
        pool = partial(max_pool, window=2, stride=2)
        return [
            ("conv1", lambda h: self.relu(Conv(32, (3, 3), padding=1, name="conv1", **self.typed)(h))),
            ("pool1", pool),
            ("conv2", lambda h: self.relu(Conv(64, (3, 3), padding=1, name="conv2", **self.typed)(h))),
            ("pool2", pool),
            ("features", lambda h: self.relu(nn.Dense(128, name="fc1", **self.typed)(h.reshape(h.shape[0], -1)))),
            ("logits", lambda h: nn.Dense(self.num_classes, name="fc2", **self.typed)(h)),
        ]
