"""The DANN network for MNIST-like digits (Ganin & Lempitsky 2015): features, label classifier, domain classifier.

Features: conv 5x5 32 -> ReLU -> pool 2 -> conv 5x5 48 -> ReLU -> pool 2 (32x32x3 input -> 5x5x48).
Label classifier 100-100-10; domain classifier 100-1 (one logit), fed through the gradient reversal layer with the
features, or with what `condition` makes of (features, class logits): CDAN's multilinear map (jaxdl.dann.cdan).
Initialisation `init_scheme="torch"` is PyTorch's default for Conv2d/Linear (the course's), `"flax"` Flax's default.
"""

from collections.abc import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxdl.models.conv import Conv
from jaxdl.models.dtypes import Dtype, layer_dtypes
from jaxdl.models.grl import gradient_reversal
from jaxdl.models.max_pool import max_pool

INITS = ("torch", "flax")


def torch_init(fan_in: int) -> dict:
    """PyTorch's default Conv2d/Linear init: kaiming_uniform(a=sqrt(5)) weights and biases, both U(±1/sqrt(fan_in))."""
    bound = fan_in ** -0.5
    return {"kernel_init": nn.initializers.variance_scaling(1 / 3, "fan_in", "uniform"),  # U(±sqrt(3 * (1/3) / fan_in))
            "bias_init": lambda key, shape, dtype=jnp.float32: jax.random.uniform(key, shape, dtype, -bound, bound)}


class DANN(nn.Module):
    """apply(variables, x, lam) -> (class logits N,10, domain logits N, features N,1200); x NHWC.

    `init_scheme`: "torch" (uniform weights and biases, bound 1/sqrt(fan_in)) or "flax" (LeCun normal weights, zero biases).
    """

    num_classes: int = 10
    init_scheme: str = "torch"
    dtype: Dtype | None = None  # of the computation (None: the inputs' and parameters'), as Flax layers
    param_dtype: Dtype = jnp.float32
    condition: Callable[[jnp.ndarray, jnp.ndarray], jnp.ndarray] | None = None  # domain input from (features, logits)

    def _inits(self, fan_in: int) -> dict:
        """Initialiser keyword arguments of a layer with `fan_in` inputs per output."""
        if self.init_scheme not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {self.init_scheme!r}")
        return torch_init(fan_in) if self.init_scheme == "torch" else {}

    @nn.compact
    def __call__(self, x: jnp.ndarray, lam: jnp.ndarray | float = 1.0):
        typed = layer_dtypes(self)
        conv = lambda n, fan_in, name: Conv(n, (5, 5), padding="VALID", name=name, **self._inits(25 * fan_in), **typed)
        dense = lambda n, fan_in, name: nn.Dense(n, name=name, **self._inits(fan_in), **typed)
        h = max_pool(nn.relu(conv(32, x.shape[-1], "conv1")(x)), 2, 2)
        h = max_pool(nn.relu(conv(48, 32, "conv2")(h)), 2, 2)
        features = h.reshape(h.shape[0], -1)
        c = nn.relu(dense(100, features.shape[-1], "fc1")(features))
        c = nn.relu(dense(100, 100, "fc2")(c))
        logits = dense(self.num_classes, 100, "fc3")(c)
        seen = features if self.condition is None else self.condition(features, logits)
        d = nn.relu(dense(100, seen.shape[-1], "dom_fc1")(gradient_reversal(seen, lam)))
        return logits, dense(1, 100, "dom_fc2")(d)[:, 0], features
