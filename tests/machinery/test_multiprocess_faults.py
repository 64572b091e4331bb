"""A process killed mid-run: the other exits within a bounded time, never hangs.

Process 1 killed: process 0 writes jaxdl's one line and exits with code 3 once process 1's heartbeat is HEARTBEAT
seconds old (jaxdl.heartbeat), or, when its main thread was waiting in a barrier of JAX's client, JAX aborts it at
twice that. Process 0 (the coordinator) killed: process 1 ends at once, with jaxdl's line or JAX's fatal log and
SIGABRT, whichever finds the coordinator gone first (docs/launching.md).
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
        took: list[float | None] = [None, None]
        while None in took and time.monotonic() - max(killed) < 3 * HEARTBEAT:
            took = [t if t is not None or p.poll() is None else time.monotonic() - at for t, p, at in zip(took, survivors, killed)]
            time.sleep(0.05)
        errors = [group.wait(timeout=5)[1 - victim].stderr for group, victim in zip(groups, (1, 0))]
    for survivor, error, seconds, expected in zip(survivors, errors, took, (
            f"jaxdl: error: process 0 of 2 stops: process 1 sent no heartbeat for {HEARTBEAT} s (it died or hangs; its own "
            "log tells why)", "jaxdl: error: process 1 of 2 stops: the coordinator (process 0) no longer answers (")):
        if survivor.returncode == 3:  # jaxdl's heartbeat thread spoke first: its line, within the heartbeat timeout
            assert error.strip().splitlines()[-1].startswith(expected) and seconds < HEARTBEAT + 5, (error[-500:], took)
        else:  # JAX's own abort: at once when the coordinator died, else within twice the timeout (docs/launching.md)
            assert survivor.returncode == -signal.SIGABRT and seconds < 2 * HEARTBEAT + 5, (survivor.returncode, took)
            assert "Terminating process because the JAX distributed service detected fatal errors" in error
    assert HEARTBEAT - 1 < took[0] and took[1] < HEARTBEAT, took  # a missed heartbeat is waited for; a gone coordinator is not


def exit_times(groups: list[Group], timeout: float) -> list[list[float]]:
    """When each process of each group exited (time.monotonic()), waiting at most `timeout` s in all."""
    deadline, times = time.monotonic() + timeout, [[0.0] * len(g.processes) for g in groups]
    while not all(all(row) for row in times) and time.monotonic() < deadline:
        for group, row in zip(groups, times):
            row[:] = [t or (time.monotonic() if p.poll() is not None else 0.0) for t, p in zip(row, group.processes)]
        time.sleep(0.05)
    return times


def test_process_ending_with_its_own_error_ends_the_other_at_once(tmp_path: Path) -> None:
    """Process 1, then in another run process 0 (the coordinator), raises; the other, waiting in its first collective,
    writes one line naming it and its error and exits with code 3 within 4 s (the failing one writes "failed" at exit; the
    coordinator stays 2.5 s for it to be read), not after the 30 s of gloo's timeout."""
    with ExitStack() as stack:
        groups = [stack.enter_context(started([str(SUPPORT / "tiny_runs.py"), str(tmp_path / str(victim)), "500", "fail", "dann"],
                                              2, 2, {"TINY_HEARTBEAT": str(HEARTBEAT), "TINY_FAIL": str(victim)}))
                  for victim in (1, 0)]
        times = exit_times(groups, timeout=90)
        ended = [group.wait(timeout=5) for group in groups]
    for victim, done, (first, second) in zip((1, 0), ended, times):
        assert done[victim].returncode == 1 and "RuntimeError: planted error" in done[victim].stderr
        survivor, after = done[1 - victim], (second - first) * (1 if victim == 0 else -1)
        assert survivor.returncode == 3 and survivor.stderr.strip().splitlines()[-1] == (
            f"jaxdl: error: process {1 - victim} of 2 stops: process {victim} ended with an error (RuntimeError: planted "
            "error)"), survivor.stderr[-800:]
        assert after < 4, (victim, after)
