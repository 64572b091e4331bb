"""DCGAN (Radford et al. 2016) generator and discriminator, 32x32 or 64x64, optionally conditional.

The course's 32x32 networks: G = convT(4ngf, k4 s1 p0) -> convT(2ngf) -> convT(ngf) -> convT(C) + tanh,
D = conv(ndf, k4 s2 p1) -> conv(2ndf) -> conv(4ndf) -> conv(1, k4 s1 p0); 64x64 adds one block each.
Conditional (cDCGAN), as the course's: the label enters as constant one-hot maps (0/1, no layer of their
own) concatenated to G's 4x4 features after its first block and to D's input image. Giving the label its
own first layer + BatchNorm instead makes it as strong as z from the start, and G then ignores z
(one image per class: measured within-class pixel std 0.03 vs 0.28 for real MNIST, same in PyTorch).
D returns logits (losses use log-sigmoids); `jax.nn.sigmoid` of them is D(x).
"""

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxdl.errors import JaxdlError
from jaxdl.models.conv import Conv
from jaxdl.models.dtypes import Dtype, layer_dtypes

DCGAN_INIT = nn.initializers.normal(0.02)


def _bn_scale_init(key: jax.Array, shape: tuple[int, ...], dtype: jnp.dtype = jnp.float32) -> jax.Array:
    """DCGAN BatchNorm weight init N(1, 0.02)."""
    return 1.0 + 0.02 * jax.random.normal(key, shape, dtype)


def _blocks(image_size: int) -> int:
    """Number of stride-2 blocks between 4x4 and the image (3 for 32x32, 4 for 64x64)."""
    if image_size not in (32, 64):
        raise JaxdlError(f"DCGAN image_size must be 32 or 64, got {image_size}")
    return 3 if image_size == 32 else 4


# Kernel rows/columns feeding output phase 0 (even) and 1 (odd) of a k4 s2 p1 transposed conv, for
# input windows [m-1, m] and [m, m+1]: y[2m] = x[m-1] w[3] + x[m] w[1], y[2m+1] = x[m] w[2] + x[m+1] w[0].
# As reversed strided slices (rows 3, 1 and 2, 0), not index arrays: no gather, and no integer index whose dtype
# follows JAX_ENABLE_X64.
_PHASE_TAPS = (slice(3, None, -2), slice(2, None, -2))


class ConvTranspose(nn.Module):
    """PyTorch ConvTranspose2d(k=4, bias=False) as DCGAN uses it: 1x1 -> 4x4 (s1, p0) or doubling (s2, p1).

    The kernel is flax's nn.ConvTranspose(transpose_kernel=True) layout (4, 4, out, in), but nothing is
    computed on a zero-inserted input: 1x1 -> 4x4 is a matmul, and doubling is one 3x3 convolution giving
    the four output phases (2x2 taps each) as channels, then interleaved (sub-pixel). On XLA:CPU the
    zero-inserted form's gradient was ~30x slower, four separate 2x2 convolutions 1.4-7x slower.
    """

    features: int
    stride: int
    dtype: Dtype | None = None
    param_dtype: Dtype = jnp.float32

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        kernel = self.param("kernel", DCGAN_INIT, (4, 4, self.features, x.shape[-1]), self.param_dtype)
        x, kernel = nn.dtypes.promote_dtype(x, kernel, dtype=self.dtype)
        n, h, w, _ = x.shape
        if self.stride == 1:
            if (h, w) != (1, 1):
                raise JaxdlError(f"the stride-1 DCGAN ConvTranspose takes a 1x1 input (z), got {h}x{w}")
            return jnp.einsum("ni,hwoi->nhwo", x[:, 0, 0], kernel)
        phases = [jnp.pad(kernel[_PHASE_TAPS[a]][:, _PHASE_TAPS[b]].transpose(0, 1, 3, 2),  # 2x2 HWIO at (a, b)
                          ((a, 1 - a), (b, 1 - b), (0, 0), (0, 0))) for a in (0, 1) for b in (0, 1)]
        taps = jnp.stack(phases, axis=3).reshape(3, 3, x.shape[-1], 4 * self.features)
        y = jax.lax.conv_general_dilated(x, taps, (1, 1), ((1, 1), (1, 1)), dimension_numbers=("NHWC", "HWIO", "NHWC"))
        return y.reshape(n, h, w, 2, 2, self.features).transpose(0, 1, 3, 2, 4, 5).reshape(n, 2 * h, 2 * w, self.features)


def conv_transpose(features: int, stride: int, padding: int, name: str, **typed: object) -> ConvTranspose:
    """PyTorch ConvTranspose2d(k=4, stride, padding, bias=False) for DCGAN's (1, 0) and (2, 1) (`typed`: its dtypes)."""
    if (stride, padding) not in ((1, 0), (2, 1)):
        raise JaxdlError(f"DCGAN ConvTranspose supports stride/padding 1/0 and 2/1, got {stride}/{padding}")
    return ConvTranspose(features, stride, name=name, **typed)


def conv(features: int, stride: int, padding: int, name: str, **typed: object) -> nn.Conv:
    """PyTorch Conv2d(k=4, stride, padding, bias=False) with DCGAN init."""
    return Conv(features, (4, 4), strides=(stride, stride), padding=((padding, padding), (padding, padding)),
                use_bias=False, kernel_init=DCGAN_INIT, name=name, **typed)


def batch_norm(train: bool, name: str, **typed: object) -> nn.BatchNorm:
    """BatchNorm with PyTorch's defaults (momentum 0.1 == 0.9 here, eps 1e-5) and DCGAN init."""
    return nn.BatchNorm(use_running_average=not train, momentum=0.9, epsilon=1e-5,
                        scale_init=_bn_scale_init, name=name, **typed)


def label_maps(labels: jax.Array, num_classes: int, like: jax.Array) -> jax.Array:
    """One-hot labels as constant maps (N, H, W, num_classes) of `like`'s spatial size, to concatenate as channels."""
    return jnp.broadcast_to(jax.nn.one_hot(labels, num_classes)[:, None, None, :], like.shape[:3] + (num_classes,))


class Generator(nn.Module):
    """z (N, nz) [+ labels (N,)] -> images (N, S, S, channels) in [-1, 1]."""

    image_size: int = 32
    nz: int = 100
    ngf: int = 32
    channels: int = 1
    num_classes: int = 0  # > 0: conditional
    dtype: Dtype | None = None  # of the computation (None: the inputs' and parameters'), as Flax layers
    param_dtype: Dtype = jnp.float32

    @nn.compact
    def __call__(self, z: jax.Array, labels: jax.Array | None = None, train: bool = False) -> jax.Array:
        n, typed = _blocks(self.image_size), layer_dtypes(self)
        width = self.ngf * 2 ** (n - 1)
        x = nn.relu(batch_norm(train, "bn0", **typed)(conv_transpose(width, 1, 0, "convT0", **typed)(z[:, None, None, :])))
        if self.num_classes:
            x = jnp.concatenate([x, label_maps(labels, self.num_classes, x).astype(x.dtype)], axis=-1)
        for i in range(1, n):
            x = conv_transpose(width // 2 ** i, 2, 1, f"convT{i}", **typed)(x)
            x = nn.relu(batch_norm(train, f"bn{i}", **typed)(x))
        return jnp.tanh(conv_transpose(self.channels, 2, 1, f"convT{n}", **typed)(x))


class Discriminator(nn.Module):
    """images (N, S, S, C) [+ labels (N,)] -> logits (N,) of "real"."""

    image_size: int = 32
    ndf: int = 32
    num_classes: int = 0  # > 0: conditional
    dtype: Dtype | None = None  # of the computation (None: the inputs' and parameters'), as Flax layers
    param_dtype: Dtype = jnp.float32

    @nn.compact
    def __call__(self, x: jax.Array, labels: jax.Array | None = None, train: bool = False) -> jax.Array:
        n, typed = _blocks(self.image_size), layer_dtypes(self)
        if self.num_classes:
            x = jnp.concatenate([x, label_maps(labels, self.num_classes, x).astype(x.dtype)], axis=-1)
        for i in range(n):
            x = nn.leaky_relu(batch_norm(train, f"bn{i}", **typed)(conv(self.ndf * 2**i, 2, 1, f"conv{i}", **typed)(x)), 0.2)
        return conv(1, 1, 0, f"conv{n}", **typed)(x).reshape(-1)
