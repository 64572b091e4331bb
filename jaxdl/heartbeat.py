"""A process of a multi-process run that dies (or hangs) is one line in the others, within a stated time, not a hang.

JAX's coordination service counts a process as dead after `heartbeat_timeout_seconds` without a heartbeat and then
ends every other process with a fatal log and SIGABRT (jaxlib's client offers a callback, but its Python binding
cannot pass the status: std::bad_cast in jax 0.10). So jaxdl keeps its own heartbeat in the service's key-value store,
from a daemon thread, with half JAX's timeout: each process writes a counter every second and reads the others'. A
counter unchanged for `timeout` s, or a coordinator that no longer answers, is one line on stderr and exit code
LOST_PEER_EXIT; a process that ends writes "done" first, so that its silence is not taken for a death. Not covered:
a process that ends with an error of its own while the others go on (they then wait in their next collective for
JAX's own timeouts). JAX's timeout stays the backstop:
while the main thread waits in a barrier of the client (Orbax's, after a checkpoint), this thread does not run, and
JAX's abort comes at twice the timeout. When process 0 (the coordinator) dies, JAX's clients, which poll it, and
this thread race: the others end at once, with this line or JAX's fatal log.
"""

import atexit
import contextlib
import os
import sys
import threading
import time

from jax._src import distributed  # the client that jax.distributed.initialize made (no public accessor in jax 0.10)

LOST_PEER_EXIT = 3  # neither 1 (a Python error) nor 2 (a JaxdlError line)
DONE = "done"


def key(process: int) -> str:
    """The process's heartbeat key in the coordination service's store."""
    return f"jaxdl/heartbeat/{process}"


def lost(line: str) -> None:
    """Write `line` and end the process now (the main thread may be blocked in a collective that never returns)."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
    os._exit(LOST_PEER_EXIT)


def beat(client: object, process: int, processes: int, timeout: float, stopped: threading.Event) -> None:
    """The heartbeat loop: write this process's counter, check the others' (see the module's docstring)."""
    seen = {other: (None, time.monotonic()) for other in range(processes) if other != process}
    count = 0
    while not stopped.wait(1.0):
        count += 1
        try:
            client.key_value_set(key(process), str(count), allow_overwrite=True)
            for other, (value, since) in seen.items():
                try:
                    now = client.key_value_try_get(key(other))
                except Exception as err:  # noqa: BLE001 -- jaxlib raises one error type for all statuses
                    if "NOT_FOUND" not in str(err):
                        raise
                    now = None  # not started yet
                if now != value:
                    seen[other] = (now, time.monotonic())
                elif now != DONE and time.monotonic() - since > timeout:
                    lost(f"jaxdl: error: process {process} of {processes} stops: process {other} sent no heartbeat for "
                         f"{timeout:g} s (it died or hangs; its own log tells why)")
        except Exception as err:  # noqa: BLE001 -- the coordinator (process 0) is gone
            if not stopped.is_set():
                first = (str(err).strip().splitlines() or [type(err).__name__])[0][:120]
                lost(f"jaxdl: error: process {process} of {processes} stops: the coordinator (process 0) no longer "
                     f"answers ({first})")


def watch(process: int, processes: int, timeout: float) -> None:
    """Start the heartbeat thread of this process of the run (after jax.distributed.initialize); at a normal exit it
    stops and says "done" before JAX shuts its client down."""
    client, stopped = distributed.global_state.client, threading.Event()
    thread = threading.Thread(target=beat, args=(client, process, processes, timeout, stopped), daemon=True,
                              name="jaxdl-heartbeat")

    def done() -> None:
        stopped.set()
        thread.join()
        with contextlib.suppress(Exception):  # the coordinator may already be gone: nobody is left to tell
            client.key_value_set(key(process), DONE, allow_overwrite=True)
    thread.start()
    atexit.register(done)  # runs before JAX's own exit handler (registered at import): the client still works
