"""ResNet-18/34/50/101/152 exactly as torchvision (v1.5: a Bottleneck strides on its 3x3 conv).

Named layers (torchvision's): conv1, bn1, relu, maxpool, layer1 ... layer4, avgpool, fc.
Flax parameters mirror torchvision's keys: `layer1.0.conv1` is params["layer1"]["0"]["conv1"],
`layer2.0.downsample.0/1` are ".../downsample_conv" and ".../downsample_bn".
"""

from collections.abc import Sequence
from functools import partial

import flax.linen as nn
import jax.numpy as jnp

from jaxdl.models.conv import Conv
from jaxdl.models.dtypes import Dtype
from jaxdl.models.max_pool import max_pool
from jaxdl.models.named import Activation, NamedNetwork, Step, module_step

# A block's conv chain as (kernel size, width as a multiple of `planes`); the first 3x3 conv strides.
Layout = tuple[tuple[int, int], ...]
BASIC: Layout = ((3, 1), (3, 1))
BOTTLENECK: Layout = ((1, 1), (3, 1), (1, 4))


def conv(features: int, kernel: int, stride: int, name: str | None = None, **typed: object) -> nn.Conv:
    """A bias-free conv with torch's symmetric padding kernel//2 and torchvision's Kaiming (fan_out) init
    (`typed`: its dtype and param_dtype)."""
    pad = (kernel // 2, kernel // 2)
    return Conv(
        features,
        (kernel, kernel),
        (stride, stride),
        padding=(pad, pad),
        use_bias=False,
        kernel_init=nn.initializers.variance_scaling(2.0, "fan_out", "normal"),
        name=name,
        **typed,
    )


def batch_norm(train: bool, name: str | None = None, **typed: object) -> nn.BatchNorm:
    """BatchNorm2d with torch's defaults (momentum 0.1 in torch = 0.9 in Flax, eps 1e-5)."""
    return nn.BatchNorm(use_running_average=not train, momentum=0.9, epsilon=1e-5, name=name, **typed)


class Block(nn.Module):
    """A residual block: conv-BN-ReLU chain (last without ReLU) + shortcut, then ReLU."""

    planes: int
    stride: int
    layout: Layout
    relu: Activation = nn.relu
    dtype: Dtype | None = None
    param_dtype: Dtype = jnp.float32

    @nn.compact
    def __call__(self, x: jnp.ndarray, train: bool = False) -> jnp.ndarray:
        strided = [kernel for kernel, _ in self.layout].index(3)
        typed = {"dtype": self.dtype, "param_dtype": self.param_dtype}
        y = x
        for i, (kernel, width) in enumerate(self.layout):
            y = conv(self.planes * width, kernel, self.stride if i == strided else 1, f"conv{i + 1}", **typed)(y)
            y = batch_norm(train, f"bn{i + 1}", **typed)(y)
            y = self.relu(y) if i < len(self.layout) - 1 else y
        if self.stride != 1 or x.shape[-1] != y.shape[-1]:  # torchvision's `downsample`
            x = batch_norm(train, "downsample_bn", **typed)(conv(y.shape[-1], 1, self.stride, "downsample_conv", **typed)(x))
        return self.relu(y + x)


class Stage(nn.Module):
    """torchvision's `layerN`: `blocks` residual blocks named "0", "1", ...; the first one strides."""

    planes: int
    blocks: int
    stride: int
    layout: Layout
    relu: Activation = nn.relu
    dtype: Dtype | None = None
    param_dtype: Dtype = jnp.float32

    @nn.compact
    def __call__(self, x: jnp.ndarray, train: bool = False) -> jnp.ndarray:
        for j in range(self.blocks):
            x = Block(self.planes, self.stride if j == 0 else 1, self.layout, self.relu, self.dtype, self.param_dtype,
                      name=str(j))(x, train)
        return x


class ResNet(NamedNetwork):
    """torchvision's ResNet on NHWC input; `layer=` returns that named activation and stops there."""

    stage_sizes: Sequence[int]
    layout: Layout
    num_classes: int = 1000

    @nn.nowrap
    def steps(self, train: bool) -> list[Step]:
        """The named layers in forward order (submodules are built lazily when a step runs)."""
        return [
            module_step("conv1", partial(conv, 64, 7, 2, **self.typed)),
            module_step("bn1", partial(batch_norm, train, **self.typed)),
            ("relu", self.relu),
            ("maxpool", partial(max_pool, window=3, stride=2, padding=1)),
            *[(f"layer{i}", partial(self._stage, i, train=train)) for i in range(1, 5)],
            ("avgpool", partial(jnp.mean, axis=(1, 2), keepdims=True)),
            ("fc", lambda y: nn.Dense(self.num_classes, name="fc", **self.typed)(y.reshape(y.shape[0], -1))),
        ]

    @nn.nowrap
    def _stage(self, i: int, x: jnp.ndarray, train: bool) -> jnp.ndarray:
        """torchvision's `layer{i}`: 64, 128, 256, 512 planes; every stage but the first strides 2."""
        stride = 1 if i == 1 else 2
        return Stage(64 * 2 ** (i - 1), self.stage_sizes[i - 1], stride, self.layout, self.relu, **self.typed,
                     name=f"layer{i}")(x, train)


resnet18 = partial(ResNet, stage_sizes=(2, 2, 2, 2), layout=BASIC)
resnet34 = partial(ResNet, stage_sizes=(3, 4, 6, 3), layout=BASIC)
resnet50 = partial(ResNet, stage_sizes=(3, 4, 6, 3), layout=BOTTLENECK)
resnet101 = partial(ResNet, stage_sizes=(3, 4, 23, 3), layout=BOTTLENECK)
resnet152 = partial(ResNet, stage_sizes=(3, 8, 36, 3), layout=BOTTLENECK)
ARCHS = {"resnet18": resnet18, "resnet34": resnet34, "resnet50": resnet50, "resnet101": resnet101, "resnet152": resnet152}
