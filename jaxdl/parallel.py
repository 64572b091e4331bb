"""Data parallelism on JAX's own engine: one mesh over every device, batches split on its "data" axis, state replicated.

Under `jit`, a batch-axis mean (a loss, BatchNorm's statistics) over a batch split this way is computed over the
global batch: XLA inserts the all-reduce. Across hosts, call `jax.distributed.initialize()` first; every process
then builds the same global batch and contributes its own rows.
"""

import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import jax
import numpy as np
from jax.experimental import multihost_utils
from jax.sharding import AxisType, Mesh, NamedSharding, PartitionSpec

from jaxdl import heartbeat
from jaxdl.errors import JaxdlError

AXIS = "data"  # the one mesh axis: batches are split along it

LAUNCH_HELP = {"distributed": "one process of a multi-host run: call jax.distributed.initialize() first (Slurm, TPU slice, "
                              "or JAX_COORDINATOR_ADDRESS with JAX_NUM_PROCESSES and JAX_PROCESS_ID)",
               "coordinator_timeout": "seconds to wait for the coordinator and every process before giving up",
               "heartbeat_timeout": "seconds without a heartbeat after which a process counts as dead: the others then "
                                    "stop with one line and exit code 3 (at worst JAX's own abort at twice that)"}


@dataclass(frozen=True)
class Launch:
    """How this process takes part in a training command: alone, or as one process of a multi-host run."""

    distributed: bool = False
    coordinator_timeout: int = 300
    heartbeat_timeout: int = 30


def _env_int(name: str) -> int | None:
    """The integer in environment variable `name`, None when unset (jax 0.10 reads only JAX_COORDINATOR_ADDRESS)."""
    value = os.environ.get(name)
    return None if value is None else int(value)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the OS picks it): a local run's coordinator port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def local_environment(processes: int, devices: int, index: int, port: int) -> dict[str, str]:
    """The variables that make process `index` of `processes` on this host one process of a run with `devices` forced
    devices (what `--distributed` reads; XLA_FLAGS keeps the caller's other flags)."""
    flags = " ".join(f for f in os.environ.get("XLA_FLAGS", "").split() if "force_host_platform_device_count" not in f)
    env = {"XLA_FLAGS": f"{flags} --xla_force_host_platform_device_count={devices}".strip()}
    if processes > 1:
        env |= {"JAX_COORDINATOR_ADDRESS": f"127.0.0.1:{port}", "JAX_NUM_PROCESSES": str(processes), "JAX_PROCESS_ID": str(index)}
    return env


def reachable(address: str, timeout: float) -> bool:
    """True once a TCP connection to HOST:PORT succeeds, trying for `timeout` seconds (process 0 may start later)."""
    host, port = address.rsplit(":", 1)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=1):
                return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)


def launch(config: Launch) -> None:
    """Join the multi-host run first when asked (Slurm, a TPU slice, or JAX_COORDINATOR_ADDRESS, JAX_NUM_PROCESSES and
    JAX_PROCESS_ID). A coordinator not reached in `coordinator_timeout` s is one JaxdlError line: JAX's own client
    aborts the whole process instead (checked first when this process is not the coordinator's, process 0)."""
    if not config.distributed:
        return
    address, process = os.environ.get("JAX_COORDINATOR_ADDRESS"), _env_int("JAX_PROCESS_ID")
    if address and process and not reachable(address, config.coordinator_timeout):
        raise JaxdlError(f"process {process} cannot reach the coordinator at {address} within {config.coordinator_timeout} s; "
                         "is process 0 running there?")
    processes = _env_int("JAX_NUM_PROCESSES")
    try:
        jax.distributed.initialize(num_processes=processes, process_id=process,
                                   initialization_timeout=config.coordinator_timeout,
                                   heartbeat_timeout_seconds=2 * config.heartbeat_timeout)  # exit waits: JAX's 300 s
    except (RuntimeError, ValueError) as err:  # jaxlib's errors subclass RuntimeError
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise JaxdlError(f"could not join the multi-process run: {first}") from None
    heartbeat.watch(jax.process_index(), jax.process_count(), config.heartbeat_timeout)


def primary() -> bool:
    """True in the process that writes the run's files (history, tables, figures): process 0 of the run."""
    return jax.process_index() == 0


def primary_first(fn: Callable[[], Any]) -> Any:
    """`fn()` in process 0, then (after a barrier) in the others: a step that writes shared files, such as a data set
    prepared into a cache folder, runs once and the other processes find it done."""
    if jax.process_count() == 1:
        return fn()
    result = fn() if primary() else None
    multihost_utils.sync_global_devices("jaxdl: process 0 went first")
    return result if primary() else fn()


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


def batch_split(x: jax.Array) -> jax.Array:
    """`x` (rows first) split over the "data" axis when traced inside a training step (jaxdl.training sets the mesh):
    what a step draws itself, such as a GAN's noise, is then computed per device like the batch, not on every device."""
    mesh = jax.sharding.get_abstract_mesh()
    return x if mesh.empty or AXIS not in mesh.axis_names else jax.lax.with_sharding_constraint(x, PartitionSpec(AXIS))


def process_rows(rows: int) -> slice:
    """This process's rows of a global batch of `rows` rows: one equal block per process, in process order (the order
    of the mesh's devices)."""
    per_process = rows // jax.process_count()
    return slice(jax.process_index() * per_process, (jax.process_index() + 1) * per_process)


def check_divisible(rows: int, mesh: Mesh) -> None:
    """One JaxdlError line unless a batch of `rows` splits evenly over the devices of `mesh`."""
    if rows % mesh.size:
        raise JaxdlError(f"batch of {rows} does not split over {mesh.size} devices; use a batch size divisible by {mesh.size}")


def put_local(local: np.ndarray, rows: int, mesh: Mesh) -> jax.Array:
    """This process's rows (`process_rows(rows)`) of a global batch of `rows` rows, as the global array split over `mesh`."""
    check_divisible(rows, mesh)
    return jax.make_array_from_process_local_data(split(mesh), np.asarray(local), (rows, *np.shape(local)[1:]))


def put_batch(batch: Any, mesh: Mesh) -> Any:
    """A host pytree of global batch arrays as arrays split over `mesh`; this process sends only its own rows."""
    def put(leaf: np.ndarray) -> jax.Array:
        return put_local(leaf[process_rows(leaf.shape[0])], leaf.shape[0], mesh)
    return jax.tree.map(put, batch)


def put_replicated(tree: Any, mesh: Mesh) -> Any:
    """A pytree (the training state, the same in every process) copied to every device of `mesh`, across processes too
    (each process fills its own devices: device_put cannot reach another process's)."""
    def put(leaf: Any) -> jax.Array:
        if jax.dtypes.issubdtype(jax.numpy.result_type(leaf), jax.dtypes.prng_key):  # typed keys travel as their data
            return jax.random.wrap_key_data(put(jax.random.key_data(leaf)), impl=jax.random.key_impl(leaf))
        host = np.asarray(jax.device_get(leaf))
        return jax.make_array_from_process_local_data(replicated(mesh), host, host.shape)
    return jax.tree.map(put, tree)


def split_apply(fn: Callable[[Any, Any], Any], params: Any, batch: Any, mesh: Mesh) -> Any:
    """`fn(params, batch)` with the batch's rows split over `mesh`: evaluation runs data-parallel like training.

    The rows are padded with zeros to a multiple of the device count and the outputs cut back to the batch's rows, on
    every device: each process can read them (across processes, a split output has rows it cannot address).
    """
    rows = len(jax.tree.leaves(batch)[0])
    pad = lambda a: np.pad(np.asarray(a), [(0, -rows % mesh.size)] + [(0, 0)] * (np.ndim(a) - 1))  # noqa: E731
    out = fn(put_replicated(params, mesh), put_batch(jax.tree.map(pad, batch), mesh))
    return gathered(out, rows, mesh)


@partial(jax.jit, static_argnums=(1, 2))
def gathered(out: Any, rows: int, mesh: Mesh) -> Any:
    """The first `rows` rows of each output, replicated on every device of `mesh` (one all-gather)."""
    return jax.tree.map(lambda a: jax.lax.with_sharding_constraint(a[:rows], replicated(mesh)), out)
