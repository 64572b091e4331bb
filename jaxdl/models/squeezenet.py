"""SqueezeNet 1.0 and 1.1 exactly as torchvision, with the course's (Caffe) layer names.

Named layers: conv1, relu1, pool1, fire2 ... fire9 with the max-pools named by position
(1.0: pool1, pool4, pool8; 1.1: pool1, pool3, pool5), then conv10, relu10, avgpool10;
the logits are avgpool10 flattened. All max-pools use torch's ceil_mode=True.
"""

from functools import partial

import flax.linen as nn
import jax.numpy as jnp

from jaxdl.models.conv import Conv
from jaxdl.models.dtypes import Dtype
from jaxdl.models.max_pool import max_pool
from jaxdl.models.named import Activation, NamedNetwork, Step, module_step, run_until

# Per version: conv1 (channels, kernel) and the stack after relu1: a pool name, or (fire name, squeeze, expand).
VERSIONS = {
    "1_0": (
        (96, 7),
        ("pool1", ("fire2", 16, 64), ("fire3", 16, 64), ("fire4", 32, 128), "pool4",
         ("fire5", 32, 128), ("fire6", 48, 192), ("fire7", 48, 192), ("fire8", 64, 256), "pool8",
         ("fire9", 64, 256)),
    ),
    "1_1": (
        (64, 3),
        ("pool1", ("fire2", 16, 64), ("fire3", 16, 64), "pool3", ("fire4", 32, 128), ("fire5", 32, 128), "pool5",
         ("fire6", 48, 192), ("fire7", 48, 192), ("fire8", 64, 256), ("fire9", 64, 256)),
    ),
}  # fmt: skip

# torchvision's init: Kaiming uniform for every conv but conv10, which is N(0, 0.01); biases 0.
kaiming_uniform = nn.initializers.variance_scaling(2.0, "fan_in", "uniform")


def conv(
    features: int, kernel: int, name: str | None = None, stride: int = 1, padding: int = 0,
    init: nn.initializers.Initializer = kaiming_uniform, **typed: object,
) -> nn.Conv:
    """A conv with bias and explicit symmetric padding, as torch.nn.Conv2d (`typed`: its dtype and param_dtype)."""
    return Conv(features, (kernel, kernel), (stride, stride), ((padding, padding),) * 2, kernel_init=init, name=name, **typed)


class Fire(nn.Module):
    """Squeeze 1x1 + ReLU, then expand 1x1 and 3x3 (each + ReLU) concatenated on channels."""

    squeeze: int
    expand: int
    relu: Activation = nn.relu
    dtype: Dtype | None = None
    param_dtype: Dtype = jnp.float32

    @nn.compact
    def __call__(self, x: jnp.ndarray) -> jnp.ndarray:
        typed = {"dtype": self.dtype, "param_dtype": self.param_dtype}
        s = self.relu(conv(self.squeeze, 1, "squeeze", **typed)(x))
        e1 = self.relu(conv(self.expand, 1, "expand1x1", **typed)(s))
        e3 = self.relu(conv(self.expand, 3, "expand3x3", padding=1, **typed)(s))
        return jnp.concatenate([e1, e3], axis=-1)


class SqueezeNet(NamedNetwork):
    """torchvision's SqueezeNet on NHWC input; `layer=` returns that named activation and stops there."""

    version: str
    num_classes: int = 1000
    dropout: float = 0.5

    @nn.nowrap
    def steps(self, train: bool) -> list[Step]:
        """The named layers in forward order; step i is torchvision's `features.i` up to fire9."""
        (channels, kernel), body = VERSIONS[self.version]
        steps = [module_step("conv1", partial(conv, channels, kernel, stride=2, **self.typed)), ("relu1", self.relu)]
        for entry in body:
            pool = (entry, partial(max_pool, window=3, stride=2, ceil_mode=True))
            steps.append(pool if isinstance(entry, str) else module_step(entry[0], partial(Fire, *entry[1:], self.relu, **self.typed)))
        return steps + [
            ("conv10", partial(self._classifier, train=train)),
            ("relu10", self.relu),
            ("avgpool10", partial(jnp.mean, axis=(1, 2), keepdims=True)),
        ]

    @nn.nowrap
    def _classifier(self, x: jnp.ndarray, train: bool) -> jnp.ndarray:
        """torchvision's Dropout + final 1x1 conv (initialised N(0, 0.01))."""
        x = nn.Dropout(self.dropout, deterministic=not train)(x)
        return conv(self.num_classes, 1, "conv10", init=nn.initializers.normal(0.01), **self.typed)(x)

    @nn.compact
    def __call__(self, x: jnp.ndarray, train: bool = False, layer: str | tuple[str, ...] | None = None,
                 start: str | None = None) -> jnp.ndarray:
        """Logits (avgpool10 flattened) of an NHWC batch (or of the activation named `start`), or the activation `layer`."""
        out = run_until(x, self.steps(train), layer, start)
        return out.reshape(out.shape[0], -1) if layer is None else out


squeezenet1_0 = partial(SqueezeNet, version="1_0")
squeezenet1_1 = partial(SqueezeNet, version="1_1")
ARCHS = {"squeezenet1_0": squeezenet1_0, "squeezenet1_1": squeezenet1_1}
