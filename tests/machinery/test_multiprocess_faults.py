"""A process killed mid-run: the other exits within a bounded time, never hangs.

Process 1 killed: process 0 writes jaxdl's one line and exits with code 3 once process 1's heartbeat is `heartbeat`
seconds old (jaxdl.heartbeat). Process 0 (the coordinator) killed: JAX's own client ends process 1 at once with a fatal
log and SIGABRT, which jaxdl cannot replace in jax 0.10 (docs/launching.md).
"""

import os
import signal
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from processes import SUPPORT, Group, started

pytestmark = [pytest.mark.multiprocess, pytest.mark.slow]
HEARTBEAT = 8  # seconds (--heartbeat-timeout); JAX's own service: twice that


def kill_once_training(group: Group, checkpoints: Path, victim: int) -> float:
    """SIGKILL process `victim` once the run has written a checkpoint (training is under way); the kill's time."""
    deadline = time.monotonic() + 120
    while not (checkpoints.is_dir() and any(p.name.isdigit() for p in checkpoints.iterdir())):
        assert time.monotonic() < deadline, "no checkpoint in 120 s"
        time.sleep(0.1)
    os.killpg(group.processes[victim].pid, signal.SIGKILL)
    return time.monotonic()


def test_killed_process_ends_the_other_within_the_heartbeat_timeout(tmp_path: Path) -> None:
    with ExitStack() as stack:
        groups = [stack.enter_context(started([str(SUPPORT / "tiny_runs.py"), str(tmp_path / str(victim)), "500", "dann"], 2, 2,
                                              {"TINY_HEARTBEAT": str(HEARTBEAT)}))
                  for victim in (1, 0)]
        killed = [kill_once_training(group, tmp_path / str(victim) / "dann/checkpoints", victim)
                  for group, victim in zip(groups, (1, 0))]
        survivors = [group.processes[1 - victim] for group, victim in zip(groups, (1, 0))]
        took = []
        for survivor, at in zip(survivors, killed):
            survivor.wait(timeout=3 * HEARTBEAT)
            took.append(time.monotonic() - at)
        errors = [group.wait(timeout=5)[1 - victim].stderr for group, victim in zip(groups, (1, 0))]
    assert survivors[0].returncode == 3 and HEARTBEAT - 1 < took[0] < HEARTBEAT + 5, (survivors[0].returncode, took)
    assert errors[0].strip().splitlines()[-1] == (f"jaxdl: error: process 0 of 2 stops: process 1 sent no heartbeat for "
                                                  f"{HEARTBEAT} s (it died or hangs; its own log tells why)")
    assert survivors[1].returncode == -signal.SIGABRT and took[1] < HEARTBEAT, (survivors[1].returncode, took)
    assert "Terminating process because the JAX distributed service detected fatal errors" in errors[1]
