"""Data parallelism on JAX's own engine: one mesh over every device, batches split on its "data" axis, state replicated.

Under `jit`, a batch-axis mean (a loss, BatchNorm's statistics) over a batch split this way is computed over the
global batch: XLA inserts the all-reduce. Across hosts, call `jax.distributed.initialize()` first; every process
then builds the same global batch and contributes its own rows.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jax
import numpy as np
from jax.sharding import AxisType, Mesh, NamedSharding, PartitionSpec

from jaxdl.errors import JaxdlError

AXIS = "data"  # the one mesh axis: batches are split along it

LAUNCH_HELP = {"distributed": "one process of a multi-host run: call jax.distributed.initialize() first (Slurm, TPU slice "
                              "or JAX_COORDINATOR_ADDRESS...)"}


@dataclass(frozen=True)
class Launch:
    """How this process takes part in a training command: alone, or as one process of a multi-host run."""

    distributed: bool = False


def launch(config: Launch) -> None:
    """Join the multi-host run first when asked (jax.distributed.initialize reads Slurm, a TPU slice or JAX_COORDINATOR_*)."""
    if config.distributed:
        jax.distributed.initialize()


def data_mesh(devices: Sequence[jax.Device] | None = None) -> Mesh:
    """A 1-D mesh named "data" over `devices` (default: all devices of all processes); Auto axes: XLA places collectives."""
    devices = devices or jax.devices()
    return jax.make_mesh((len(devices),), (AXIS,), axis_types=(AxisType.Auto,), devices=devices)


def replicated(mesh: Mesh) -> NamedSharding:
    """Every device holds the whole array (parameters, optimiser state, keys, metrics)."""
    return NamedSharding(mesh, PartitionSpec())


def split(mesh: Mesh) -> NamedSharding:
    """The leading (batch) axis split over the "data" axis."""
    return NamedSharding(mesh, PartitionSpec(AXIS))


def put_batch(batch: Any, mesh: Mesh) -> Any:
    """A host pytree of global batch arrays as arrays split over `mesh`; this process sends only its own rows."""
    def put(leaf: np.ndarray) -> jax.Array:
        rows = leaf.shape[0]
        if rows % mesh.size:
            raise JaxdlError(f"batch of {rows} does not split over {mesh.size} devices; use a batch size divisible by {mesh.size}")
        per_process = rows // jax.process_count()
        local = leaf[jax.process_index() * per_process:(jax.process_index() + 1) * per_process]
        return jax.make_array_from_process_local_data(split(mesh), np.asarray(local), leaf.shape)
    return jax.tree.map(put, batch)


def put_replicated(tree: Any, mesh: Mesh) -> Any:
    """A pytree (the training state) copied to every device of `mesh`."""
    return jax.device_put(tree, replicated(mesh))


def split_apply(fn: Callable[[Any, Any], Any], params: Any, batch: Any, mesh: Mesh) -> Any:
    """`fn(params, batch)` with the batch's rows split over `mesh`: evaluation runs data-parallel like training.

    The rows are padded with zeros to a multiple of the device count and the outputs cut back to the batch's rows.
    """
    rows = len(jax.tree.leaves(batch)[0])
    pad = lambda a: np.pad(np.asarray(a), [(0, -rows % mesh.size)] + [(0, 0)] * (np.ndim(a) - 1))  # noqa: E731
    out = fn(put_replicated(params, mesh), put_batch(jax.tree.map(pad, batch), mesh))
    return jax.tree.map(lambda a: a[:rows], out)
