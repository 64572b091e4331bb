"""Data parallelism on JAX's own engine: one mesh over every device, batches split on its "data" axis, state replicated.

Under `jit`, a batch-axis mean (a loss, BatchNorm's statistics) over a batch split this way is computed over the
global batch: XLA inserts the all-reduce. Across hosts, call `jax.distributed.initialize()` first; every process
then builds the same global batch and contributes its own rows.
"""

from typing import Any

import jax
import numpy as np
from jax.sharding import AxisType, Mesh, NamedSharding, PartitionSpec

from jaxdl.errors import JaxdlError


def data_mesh() -> Mesh:
    """A 1-D mesh named "data" over all devices of all processes (Auto axes: XLA places the collectives)."""
    return jax.make_mesh((jax.device_count(),), ("data",), axis_types=(AxisType.Auto,))


def replicated(mesh: Mesh) -> NamedSharding:
    """Every device holds the whole array (parameters, optimiser state, keys, metrics)."""
    return NamedSharding(mesh, PartitionSpec())


def split(mesh: Mesh) -> NamedSharding:
    """The leading (batch) axis split over the "data" axis."""
    return NamedSharding(mesh, PartitionSpec("data"))


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
