"""A process of a multi-process run that dies (or hangs) is one line in the others, within a stated time, not a hang.

JAX's coordination service counts a process as dead after `heartbeat_timeout_seconds` without a heartbeat and then
ends every other process with a fatal log and SIGABRT (jaxlib's client offers a callback, but its Python binding
cannot pass the status: std::bad_cast in jax 0.10). So jaxdl keeps its own heartbeat in the service's key-value store,
from a daemon thread, with half JAX's timeout: each process writes a counter every second and reads the others'. A
counter unchanged for `timeout` s, or a coordinator that no longer answers, is one line on stderr and exit code
LOST_PEER_EXIT. A process that ends writes a farewell first: "done" after a normal end, so that its silence is not
taken for a death; "failed: " and its error's line after an error of its own (an uncaught exception, or the CLI's
error line, through `failing`), so that the others stop within a second with that line instead of waiting in their
next collective, and it then exits at once rather than wait for them in JAX's shutdown barrier. JAX's timeout stays the backstop:
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
import traceback

LOST_PEER_EXIT = 3  # neither 1 (a Python error) nor 2 (a JaxdlError line)
DONE, FAILED = "done", "failed: "  # FAILED + the error's one line
_failed: list = []  # (exit code, one line) of an error of this process's own, once `failing` has seen one


def key(process: int) -> str:
    """The process's heartbeat key in the coordination service's store."""
    return f"jaxdl/heartbeat/{process}"


def lost(line: str) -> None:
    """Write `line` and end the process now (the main thread may be blocked in a collective that never returns)."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
    os._exit(LOST_PEER_EXIT)


def read(client: object, process: int) -> str | None:
    """A process's heartbeat value (None: it has not started yet)."""
    try:
        return client.key_value_try_get(key(process))
    except Exception as err:  # noqa: BLE001 -- jaxlib raises one error type for all statuses
        if "NOT_FOUND" not in str(err):
            raise
        return None


def peer_failed(process: int, processes: int, other: int, farewell: str) -> None:
    """End this process with one line: process `other` ended with an error of its own (its line, from `farewell`)."""
    lost(f"jaxdl: error: process {process} of {processes} stops: process {other} ended with an error "
         f"({farewell.removeprefix(FAILED)})")


def beat(client: object, process: int, processes: int, timeout: float, stopped: threading.Event) -> None:
    """The heartbeat loop: write this process's counter, check the others' (see the module's docstring)."""
    seen = {other: (None, time.monotonic()) for other in range(processes) if other != process}
    count = 0
    while not stopped.wait(1.0):
        count += 1
        try:
            client.key_value_set(key(process), str(count), allow_overwrite=True)
            for other, (value, since) in seen.items():
                now = read(client, other)
                if now and now.startswith(FAILED):
                    peer_failed(process, processes, other, now)
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


def failing(code: int, line: str) -> None:
    """Mark this process as ending with an error of its own (exit code `code`, `line` its one line): its farewell is
    "failed: LINE", which the others repeat in their own line."""
    _failed[:] = [code, line.strip().splitlines()[-1][:300] if line.strip() else "its own log tells why"]


def watch(process: int, processes: int, timeout: float) -> None:
    """Start the heartbeat thread of this process of the run (after jax.distributed.initialize); at exit it stops and
    writes its farewell before JAX shuts its client down (after an error, it then ends the process at once)."""
    from jax._src import distributed  # initialize()'s client (no public accessor in jax 0.10); imported here: the CLI needs no JAX
    from jax.errors import JaxRuntimeError
    client, stopped = distributed.global_state.client, threading.Event()
    thread = threading.Thread(target=beat, args=(client, process, processes, timeout, stopped), daemon=True,
                              name="jaxdl-heartbeat")
    uncaught = sys.excepthook

    def fail(*exc_info: object) -> None:
        """An uncaught error. A runtime error (a collective that another process broke by failing or dying) first waits
        up to the timeout for that process's farewell or for this thread's verdict on its death; else it is ours."""
        deadline = time.monotonic() + (timeout + 2 if isinstance(exc_info[1], JaxRuntimeError) else 0)
        while True:
            for other in (o for o in range(processes) if o != process):
                with contextlib.suppress(Exception):
                    if (said := read(client, other) or "").startswith(FAILED):
                        peer_failed(process, processes, other, said)
            if time.monotonic() >= deadline:
                break
            time.sleep(0.25)  # meanwhile the heartbeat thread ends the process if another one died
        failing(1, "".join(traceback.format_exception_only(*exc_info[:2])))
        uncaught(*exc_info)

    def farewell() -> None:
        stopped.set()
        thread.join()
        with contextlib.suppress(Exception):  # the coordinator may already be gone: nobody is left to tell
            client.key_value_set(key(process), FAILED + _failed[1] if _failed else DONE, allow_overwrite=True)
        if _failed:
            if process == 0:  # the coordinator's service lives on until the others have read the farewell (every 1 s)
                time.sleep(2.5)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(_failed[0])
    thread.start()
    sys.excepthook = fail
    atexit.register(farewell)  # runs before JAX's own exit handler (registered at import): the client still works
