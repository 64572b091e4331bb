"""The DANN network for MNIST-like digits (Ganin & Lempitsky 2015): features, label classifier, domain classifier.

Features: conv 5x5 32 -> ReLU -> pool 2 -> conv 5x5 48 -> ReLU -> pool 2 (32x32x3 input -> 5x5x48).
Label classifier 100-100-10; domain classifier 100-1 (one logit), fed through the gradient reversal layer.
"""

import flax.linen as nn
import jax.numpy as jnp

from jaxdl.dann.grl import gradient_reversal
from jaxdl.models.layers import max_pool


class DANN(nn.Module):
    """apply(variables, x, lam) -> (class logits N,10, domain logits N, features N,1200); x NHWC in [0,1]."""

    num_classes: int = 10

    @nn.compact
    def __call__(self, x: jnp.ndarray, lam: jnp.ndarray | float = 1.0):
        h = max_pool(nn.relu(nn.Conv(32, (5, 5), padding="VALID", name="conv1")(x)), 2, 2)
        h = max_pool(nn.relu(nn.Conv(48, (5, 5), padding="VALID", name="conv2")(h)), 2, 2)
        features = h.reshape(h.shape[0], -1)
        c = nn.relu(nn.Dense(100, name="fc1")(features))
        c = nn.relu(nn.Dense(100, name="fc2")(c))
        logits = nn.Dense(self.num_classes, name="fc3")(c)
        d = nn.relu(nn.Dense(100, name="dom_fc1")(gradient_reversal(features, lam)))
        return logits, nn.Dense(1, name="dom_fc2")(d)[:, 0], features
