"""Resumable training: Orbax checkpoints of a whole training-state pytree.

Save the complete state (params, optimiser states, BatchNorm statistics, step, PRNG key)
so that a resumed run continues bit-identically.
"""

import warnings
from pathlib import Path
from typing import Any

import jax
import numpy as np
import orbax.checkpoint as ocp
from jax.experimental import multihost_utils

from jaxdl import parallel
from jaxdl.errors import JaxdlError


def manager(directory: str | Path, max_to_keep: int = 2) -> ocp.CheckpointManager:
    """An Orbax manager for `directory` (created if needed), keeping the newest `max_to_keep` steps."""
    options = ocp.CheckpointManagerOptions(max_to_keep=max_to_keep, create=True)
    return ocp.CheckpointManager(Path(directory).expanduser().resolve(), options=options)


def save(mngr: ocp.CheckpointManager, step: int, state: Any) -> None:
    """Write `state` as checkpoint `step` and wait until it is on disk (Orbax writes atomically)."""
    mngr.save(step, args=ocp.args.StandardSave(state))
    mngr.wait_until_finished()


def restore_latest(mngr: ocp.CheckpointManager, like: Any) -> tuple[Any, int | None]:
    """(state, step) of the newest readable checkpoint, shaped like the pytree `like`; (like, None) if there is none.

    A checkpoint that cannot be read (damaged files, an interrupted copy) is skipped with a one-line warning.
    """
    abstract = jax.tree_util.tree_map(ocp.utils.to_shape_dtype_struct, like)
    for step in sorted(mngr.all_steps(), reverse=True):
        try:
            return mngr.restore(step, args=ocp.args.StandardRestore(abstract)), agreed(step)
        except JaxdlError:
            raise
        except Exception as err:  # noqa: BLE001 -- Orbax raises whatever its damaged files cause (JSON, ValueError, OSError...)
            aside = _move_aside(mngr, step)
            first = (str(err).strip().splitlines() or [type(err).__name__])[0][:160]
            warnings.warn(f"checkpoint {step} cannot be read ({type(err).__name__}: {first}); skipped, moved to {aside}",
                          stacklevel=2)
    return like, agreed(None)


def agreed(step: int | None) -> int | None:
    """`step` once every process of the run restored that same step (None: none); else one JaxdlError line (processes
    that see different checkpoint folders would train different states)."""
    if jax.process_count() == 1:
        return step
    steps = multihost_utils.process_allgather(np.array(-1 if step is None else step, np.int64)).tolist()
    if len(set(steps)) > 1:
        raise JaxdlError(f"the processes resumed from different checkpoints (steps {steps}, -1: none); every process "
                         "must see the same checkpoint folder (a shared file system)")
    return step


def _move_aside(mngr: ocp.CheckpointManager, step: int) -> Path:
    """Move a damaged step's folder beside the checkpoint folder (kept for inspection; the step can be saved again)."""
    directory = Path(mngr.directory)
    aside = directory.parent / f"damaged-checkpoint-{step}"
    if parallel.primary():
        (directory / str(step)).rename(aside)
    if jax.process_count() > 1:
        multihost_utils.sync_global_devices(f"jaxdl: checkpoint {step} moved aside")  # every process then sees it gone
    mngr.reload()
    return aside
