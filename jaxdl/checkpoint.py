"""Resumable training: Orbax checkpoints of a whole training-state pytree.

Save the complete state (params, optimiser states, BatchNorm statistics, step, PRNG key)
so that a resumed run continues bit-identically.
"""

import itertools
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
    """(state, step) of the newest checkpoint every process can read, shaped like the pytree `like` and held on this
    process's first device (jaxdl.parallel.put_replicated spreads it); (like, None) if there is none.

    Each process reads alone (no barrier inside the read, so a damaged file cannot leave one process waiting in a
    collective the others skipped); then all agree in one all-gather per step. A step some process cannot read
    (damaged files, an interrupted copy) is skipped with a one-line warning; a step some process cannot find is one
    JaxdlError line (the processes do not share the checkpoint folder).
    """
    device = jax.sharding.SingleDeviceSharding(jax.local_devices()[0])
    abstract = jax.tree.map(lambda leaf: _on(ocp.utils.to_shape_dtype_struct(leaf), device), like)
    for step in sorted(mngr.all_steps(), reverse=True):  # the same list in every process: Orbax broadcasts process 0's
        folder = Path(mngr.directory) / str(step)
        state, problem = None, "missing" if not folder.is_dir() else None
        if problem is None:
            try:
                state = _read(folder, abstract)
            except Exception as err:  # noqa: BLE001 -- Orbax raises whatever its damaged files cause (JSON, ValueError, OSError...)
                problem = f"{type(err).__name__}: " + (str(err).strip().splitlines() or [""])[0][:160]
        problems = _gathered(problem)
        if not any(problems):
            return state, step
        if "missing" in problems:
            raise JaxdlError(f"checkpoint {step} is missing in process(es) {_which(problems, 'missing')}; every process "
                             "must see the same checkpoint folder (a shared file system)")
        why = problem or f"read by this process, not by process(es) {_which(problems)}"
        warnings.warn(f"checkpoint {step} cannot be read ({why}); skipped, moved to {_move_aside(mngr, step)}", stacklevel=2)
    return like, None


def _on(abstract: Any, device: jax.sharding.Sharding) -> Any:
    """An abstract leaf placed on `device` (a scalar stays as it is)."""
    return jax.ShapeDtypeStruct(abstract.shape, abstract.dtype, sharding=device) if hasattr(abstract, "shape") else abstract


def _read(folder: Path, abstract: Any) -> Any:
    """A checkpoint step read by this process alone: Orbax's barriers are skipped for a single active process."""
    alone = ocp.options.MultiprocessingOptions(primary_host=None, active_processes={jax.process_index()})
    with ocp.StandardCheckpointer(multiprocessing_options=alone) as reader:
        return reader.restore(folder / "default", abstract)


def _gathered(problem: str | None) -> list[str | None]:
    """Every process's problem with one step (None: read), in process order: 'missing', a damage, or None."""
    if jax.process_count() == 1:
        return [problem]
    code = np.array(0 if problem is None else 2 if problem == "missing" else 1, np.int32)
    codes = multihost_utils.process_allgather(code).tolist()
    return [None if c == 0 else "missing" if c == 2 else "damaged" for c in codes]


def _which(problems: list[str | None], kind: str | None = None) -> str:
    """The indices of the processes with a problem (of `kind`, if given), as text."""
    return ", ".join(str(i) for i, p in enumerate(problems) if p and (kind is None or p == kind))


def _move_aside(mngr: ocp.CheckpointManager, step: int) -> Path:
    """Move a damaged step's folder beside the checkpoint folder, as damaged-checkpoint-STEP (-2, -3... when that name is
    taken: the same step damaged again); kept for inspection, and the step can be saved again."""
    directory = Path(mngr.directory)
    names = (directory.parent / f"damaged-checkpoint-{step}{f'-{n}' if n > 1 else ''}" for n in itertools.count(1))
    aside = next(path for path in names if not path.exists())
    if jax.process_count() > 1:
        multihost_utils.sync_global_devices(f"jaxdl: checkpoint {step} named aside")  # every process looked before the move
    if parallel.primary():
        (directory / str(step)).rename(aside)
    if jax.process_count() > 1:
        multihost_utils.sync_global_devices(f"jaxdl: checkpoint {step} moved aside")  # every process then sees it gone
    mngr.reload()
    return aside
