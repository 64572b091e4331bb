"""A model's variables by name: a seeded random init (the transfer baseline), ImageNet weights, or a weights file."""

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxdl.keys import prng_key


def variables_for(model: nn.Module, arch: str, weights: str = "imagenet", seed: int = 0) -> dict:
    """Variables of `model` (architecture `arch`): `weights` "random" (seeded Flax init, the transfer baseline),
    "imagenet" or a weights file/folder (see jaxdl.weights.load)."""
    if weights == "random":
        # Runs once: XLA:CPU spends ~20 s optimising the truncated-normal initialisers; level 0 compiles ~3x faster.
        init = jax.jit(model.init, compiler_options={"xla_backend_optimization_level": 0})
        return init(prng_key(seed), jnp.zeros((1, 224, 224, 3), jnp.float32))
    from jaxdl.weights import load  # orbax/safetensors are only needed for real weights

    return load(arch, weights)
