"""PRNG keys for every training in jaxdl, from one generator choice."""

import jax


def prng_key(seed: int) -> jax.Array:
    """A key of the 'rbg' generator: XLA:CPU compiles its normal sampler ~6x faster than threefry's (1.4 s vs 9.2 s here)."""
    return jax.random.key(seed, impl="rbg")
