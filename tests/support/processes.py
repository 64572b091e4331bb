"""Run a Python entry as P processes x D forced CPU devices, as one JAX run on the loopback address.

Each process gets XLA_FLAGS=--xla_force_host_platform_device_count=D; with P > 1, JAX_COORDINATOR_ADDRESS (127.0.0.1
and a free port), JAX_NUM_PROCESSES and JAX_PROCESS_ID, which `jaxdl.parallel.launch` (`--distributed`) reads; JAX's
CPU collectives are gloo by default. Every process runs in its own session and is killed at the end, whatever happens.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from locations import REPO

from jaxdl.parallel import free_port, local_environment

SUPPORT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Finished:
    """One process's exit code and output."""

    returncode: int
    stdout: str
    stderr: str


def environment(processes: int, devices: int, index: int, port: int, extra: dict[str, str]) -> dict[str, str]:
    """The environment of process `index`: CPU only, D forced devices, the worktree's package and the tests' helpers."""
    return {**os.environ, "JAX_PLATFORMS": "cpu", **local_environment(processes, devices, index, port),
            "PYTHONPATH": os.pathsep.join([str(REPO), str(SUPPORT), os.environ.get("PYTHONPATH", "")]), **extra}


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the process's whole session (it and anything it started), then reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


class Group:
    """The processes of one run, started with their outputs going to files (a full pipe cannot block a process)."""

    def __init__(self, args: Sequence[str], processes: int, devices: int, extra: dict[str, str]) -> None:
        port, self.processes, self.logs = free_port(), [], []
        for index in range(processes):
            self.logs.append((tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")))
            self.processes.append(subprocess.Popen([sys.executable, *args], env=environment(processes, devices, index, port, extra),
                                                   stdout=self.logs[-1][0], stderr=self.logs[-1][1], text=True,
                                                   start_new_session=True))

    def wait(self, timeout: float) -> list[Finished]:
        """Every process's exit code and output once all have exited; TimeoutError after `timeout` s in all."""
        deadline = time.monotonic() + timeout
        for process in self.processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                raise TimeoutError(f"{len(self.processes)} processes not over in {timeout} s: {process.args}") from None
        return [Finished(process.returncode, _read(out), _read(err)) for process, (out, err) in zip(self.processes, self.logs)]

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM every process (as a scheduler does), then SIGKILL what is left after `grace` seconds."""
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                kill(process)

    def close(self) -> None:
        """Kill every process's session and close the logs."""
        for process in self.processes:
            kill(process)
        for files in self.logs:
            for handle in files:
                handle.close()


@contextmanager
def started(args: Sequence[str], processes: int = 1, devices: int = 1, extra: dict[str, str] | None = None) -> Iterator[Group]:
    """`python ARGS` as `processes` processes of one run; every one is killed when the block ends, whatever happens."""
    group = Group(args, processes, devices, extra or {})
    try:
        yield group
    finally:
        group.close()


def run(args: Sequence[str], processes: int = 1, devices: int = 1, timeout: float = 120,
        extra: dict[str, str] | None = None) -> list[Finished]:
    """Run `python ARGS` as `processes` processes of one run to the end (TimeoutError after `timeout` s); their outputs."""
    with started(args, processes, devices, extra) as group:
        return group.wait(timeout)


def _read(handle: IO[str]) -> str:
    """Everything written to a log file."""
    handle.seek(0)
    return handle.read()
