"""The usual fine-tuning augmentation in JAX: random resized crop + horizontal flip, batched, one key per batch.

As torchvision's RandomResizedCrop (area fraction in `scale`, aspect ratio log-uniform in `ratio`) and
RandomHorizontalFlip(0.5), but without torchvision's 10 rejection tries: the sampled crop's sides are clipped
to the image. Each crop is resampled bilinearly with antialiasing (`jax.image.scale_and_translate`), so the
whole batch is one fixed-shape jitted computation on the device.
"""

import math

import jax
import jax.numpy as jnp


def crop_boxes(key: jax.Array, count: int, height: int, width: int, scale: tuple[float, float] = (0.08, 1.0),
               ratio: tuple[float, float] = (3 / 4, 4 / 3)) -> jax.Array:
    """(count, 4) crops (top, left, crop height, crop width) in pixels: area fraction ~ U(scale), log aspect ~ U(log ratio)."""
    area_key, ratio_key, top_key, left_key = jax.random.split(key, 4)
    area = height * width * jax.random.uniform(area_key, (count,), minval=scale[0], maxval=scale[1])
    aspect = jnp.exp(jax.random.uniform(ratio_key, (count,), minval=math.log(ratio[0]), maxval=math.log(ratio[1])))
    crop_h = jnp.clip(jnp.sqrt(area / aspect), 1.0, height)
    crop_w = jnp.clip(jnp.sqrt(area * aspect), 1.0, width)
    top = jax.random.uniform(top_key, (count,)) * (height - crop_h)
    left = jax.random.uniform(left_key, (count,)) * (width - crop_w)
    return jnp.stack([top, left, crop_h, crop_w], axis=1)


def resized_crop(image: jax.Array, box: jax.Array, size: int) -> jax.Array:
    """The HWC `image`'s crop `box` (top, left, height, width) resampled to size x size (bilinear, antialiased)."""
    top, left, crop_h, crop_w = box
    scale = jnp.stack([size / crop_h, size / crop_w])
    return jax.image.scale_and_translate(image, (size, size, image.shape[-1]), (0, 1), scale, -jnp.stack([top, left]) * scale,
                                         method="linear", antialias=True)


def augment(key: jax.Array, images: jax.Array, size: int | None = None, scale: tuple[float, float] = (0.08, 1.0),
            ratio: tuple[float, float] = (3 / 4, 4 / 3)) -> jax.Array:
    """An NHWC batch, each image randomly cropped (see crop_boxes), resized to size x size (default: the input's)
    and flipped left-right with probability 1/2; same key, same batch."""
    count, height, width, _ = images.shape
    crop_key, flip_key = jax.random.split(key)
    boxes = crop_boxes(crop_key, count, height, width, scale, ratio)
    crops = jax.vmap(resized_crop, in_axes=(0, 0, None))(images, boxes, size or height)
    flip = jax.random.bernoulli(flip_key, 0.5, (count, 1, 1, 1))
    return jnp.where(flip, crops[:, :, ::-1], crops)
