"""The one training state of jaxdl: Flax's TrainState (step, params, tx, opt_state), plus BatchNorm statistics."""

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import optax
from flax import struct
from flax.training import train_state


class TrainState(train_state.TrainState):
    """Flax's TrainState with `batch_stats` ({} for a network without BatchNorm): everything a checkpoint resumes."""

    batch_stats: dict = struct.field(default_factory=dict)

    @classmethod
    def start(cls, apply_fn: Callable[..., Any] | None, variables: dict, tx: optax.GradientTransformation) -> "TrainState":
        """A fresh state from a model's variables; step 0 as an int32 array, so checkpoints and jitted steps see one type."""
        params = variables["params"]
        return cls(step=jnp.zeros((), jnp.int32), apply_fn=apply_fn, params=params, tx=tx, opt_state=tx.init(params),
                   batch_stats=variables.get("batch_stats", {}))

    def variables(self) -> dict:
        """The model's variables: params, and batch_stats when the network keeps them."""
        return {"params": self.params, **({"batch_stats": self.batch_stats} if self.batch_stats else {})}
