"""Resumable training: Orbax checkpoints of a whole training-state pytree.

Save the complete state (params, optimiser states, BatchNorm statistics, step, PRNG key)
so that a resumed run continues bit-identically.
"""

from pathlib import Path
from typing import Any

import jax
import orbax.checkpoint as ocp


def manager(directory: str | Path, max_to_keep: int = 2) -> ocp.CheckpointManager:
    """An Orbax manager for `directory` (created if needed), keeping the newest `max_to_keep` steps."""
    options = ocp.CheckpointManagerOptions(max_to_keep=max_to_keep, create=True)
    return ocp.CheckpointManager(Path(directory).expanduser().resolve(), options=options)


def save(mngr: ocp.CheckpointManager, step: int, state: Any) -> None:
    """Write `state` as checkpoint `step` and wait until it is on disk (Orbax writes atomically)."""
    mngr.save(step, args=ocp.args.StandardSave(state))
    mngr.wait_until_finished()


def restore_latest(mngr: ocp.CheckpointManager, like: Any) -> tuple[Any, int | None]:
    """(state, step) of the newest checkpoint, shaped like the pytree `like`; (like, None) if there is none."""
    step = mngr.latest_step()
    if step is None:
        return like, None
    abstract = jax.tree_util.tree_map(ocp.utils.to_shape_dtype_struct, like)
    return mngr.restore(step, args=ocp.args.StandardRestore(abstract)), step
