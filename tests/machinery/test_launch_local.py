"""scripts/launch_local.py: N local copies of a command as one JAX run; the first failure stops the others."""

import os
import subprocess
import sys
import time

import pytest
from locations import REPO

pytestmark = [pytest.mark.multiprocess]
# the line in one write: the two copies share the launcher's stdout
JOINED = ("import jax; from jaxdl.parallel import Launch, launch; launch(Launch(True, 60)); "
          "print(f'process {jax.process_index()} of {jax.process_count()} sees {jax.device_count()} devices\\n', end='', flush=True)")


def launched(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    """Run the launcher with `args`, the worktree's package on the path, CPU only."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "JAX_PLATFORMS": "cpu"}
    return subprocess.run([sys.executable, str(REPO / "scripts/launch_local.py"), *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_two_copies_join_one_run_of_four_devices() -> None:
    done = launched("-n", "2", "--devices", "2", "--", sys.executable, "-c", JOINED)
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(line for line in done.stdout.splitlines() if line.startswith("process")) == [
        "process 0 of 2 sees 4 devices", "process 1 of 2 sees 4 devices"]


def test_first_failure_stops_the_others_and_is_the_exit_code() -> None:
    """Copy 1 exits with 5 at once; copy 0 would sleep 60 s: SIGTERM ends it, the launcher exits 5."""
    start = time.monotonic()
    done = launched("-n", "2", "--grace", "2", "--", sys.executable, "-c",
                    "import os, sys, time; sys.exit(5) if os.environ['JAX_PROCESS_ID'] == '1' else time.sleep(60)")
    assert done.returncode == 5 and time.monotonic() - start < 20


def test_no_command_is_one_line() -> None:
    done = launched("-n", "2")
    assert done.returncode == 2 and done.stderr.strip().splitlines()[-1].endswith(
        "error: no command to start: write it after --, e.g. -- jaxdl gan --distributed")
