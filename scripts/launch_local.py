"""Start N local copies of a command as one JAX multi-process run (for trying `--distributed` on one machine).

    python scripts/launch_local.py -n 2 --devices 2 -- jaxdl gan --distributed --epochs 2 --out runs/gan2x2

Process i gets JAX_COORDINATOR_ADDRESS=127.0.0.1:PORT, JAX_NUM_PROCESSES=N, JAX_PROCESS_ID=i and XLA_FLAGS with
--xla_force_host_platform_device_count=DEVICES (CPU devices; on a GPU host, JAX's own devices serve and the flag is
inert). SIGINT/SIGTERM are forwarded to every copy; when one copy fails, the others get SIGTERM, then SIGKILL after
--grace seconds. The exit code is the worst one: the first non-zero code (a signal N: 128+N), else 0.
"""

import argparse
import os
import signal
import subprocess
import sys
import time

from jaxdl.parallel import free_port, local_environment


def parse(argv: list[str]) -> argparse.Namespace:
    """The launcher's options and the command after `--`."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--processes", type=int, default=2, help="number of processes (default 2)")
    parser.add_argument("--devices", type=int, default=1, help="forced CPU devices per process (default 1)")
    parser.add_argument("--port", type=int, default=0, help="coordinator port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--grace", type=float, default=10.0, help="seconds between SIGTERM and SIGKILL on failure")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
    args.command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not args.command:
        parser.error("no command to start: write it after --, e.g. -- jaxdl gan --distributed")
    if args.processes < 1 or args.devices < 1:
        parser.error("--processes and --devices must be at least 1")
    return args


def exit_code(code: int) -> int:
    """A child's return code as a shell reports it (killed by signal N: 128+N)."""
    return 128 - code if code < 0 else code


def stop(children: list[subprocess.Popen], grace: float) -> None:
    """SIGTERM every running child, then SIGKILL those still running after `grace` seconds."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.01))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def supervise(children: list[subprocess.Popen], grace: float) -> int:
    """Wait for every child; the first failure stops the others. The worst exit code."""
    first_failure = 0
    while None in (codes := [child.poll() for child in children]):
        failed = [exit_code(code) for code in codes if code not in (None, 0)]
        if failed and not first_failure:
            first_failure = failed[0]
            stop(children, grace)
        time.sleep(0.1)
    codes = [exit_code(child.returncode) for child in children]
    return first_failure or next((code for code in codes if code), 0)


def main(argv: list[str]) -> int:
    """Start the copies, forward signals to them, return the worst exit code."""
    args = parse(argv)
    port = args.port or free_port()
    children = [subprocess.Popen(args.command, env={**os.environ, **local_environment(args.processes, args.devices, i, port)},
                                 start_new_session=True)
                for i in range(args.processes)]

    def forward(signum: int, _frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, forward)
    try:
        return supervise(children, args.grace)
    finally:
        stop(children, 0.0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
