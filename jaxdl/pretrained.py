"""A model's variables by name: a seeded random init (the transfer baseline), ImageNet weights, or a weights file.

Real weights are named by the user: a file given explicitly, or the folder in JAXDL_WEIGHTS; nothing is searched for.
Without either, a part runs on a seeded random init ("random") and says so in its first line (`random_note`).
"""

import os
from pathlib import Path

import flax.linen as nn
import jax
import jax.numpy as jnp

from jaxdl.keys import prng_key

ENV = "JAXDL_WEIGHTS"  # a folder holding the files of FILES (e.g. the course's shared/weights)
FILES = {"squeezenet1_0": "squeezenet1_0-imagenet-dc.safetensors"}


def real_weights(arch: str = "squeezenet1_0") -> Path | None:
    """The real ImageNet weights file of `arch` in the JAXDL_WEIGHTS folder, if that variable names one that has it."""
    folder, name = os.environ.get(ENV), FILES.get(arch)
    return Path(folder) / name if folder and name and (Path(folder) / name).is_file() else None


def weights_for(arch: str, chosen: dict[str, str]) -> str:
    """The weights of `arch`: the file `chosen` names for it, else the JAXDL_WEIGHTS file, else "random" (seeded init)."""
    found = chosen.get(arch) or real_weights(arch)
    return str(found) if found else "random"


def random_note(archs: list[str]) -> str | None:
    """The first line to show when some networks run on random weights because none were given, else None."""
    return f"RANDOM WEIGHTS for {', '.join(archs)}: no weights file given and none in ${ENV}" if archs else None


def variables_for(model: nn.Module, arch: str, weights: str = "imagenet", seed: int = 0) -> dict:
    """Variables of `model` (architecture `arch`): `weights` "random" (seeded Flax init, the transfer baseline),
    "imagenet" or a weights file/folder (see jaxdl.weights.load)."""
    if weights == "random":
        # Runs once: XLA:CPU spends ~20 s optimising the truncated-normal initialisers; level 0 compiles ~3x faster.
        init = jax.jit(model.init, compiler_options={"xla_backend_optimization_level": 0})
        return init(prng_key(seed), jnp.zeros((1, 224, 224, 3), jnp.float32))
    from jaxdl.weights import load  # orbax/safetensors are only needed for real weights

    return load(arch, weights)
