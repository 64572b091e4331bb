"""JAX's multi-process runtime on this host: 2 processes x 2 CPU devices train DANN, the cDCGAN and fine-tuning exactly
as 1 process x 4 devices (and as 1 device up to rounding), write their history and figures once, and fail clearly.

Each layout runs tests/support/tiny_runs.py (two epochs per case) through tests/support/processes.py; the test process
compares the final Orbax checkpoints (parameters, optimiser states, BatchNorm statistics), the history files and the
GAN's figures.
"""

import json
import re
import shutil
import time
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pytest
from processes import SUPPORT, free_port, run, started
from tiny_runs import final_checkpoint

pytestmark = [pytest.mark.multiprocess, pytest.mark.slow]
LAYOUTS = {"2x2": (2, 2), "1x4": (1, 4), "1x1": (1, 1)}  # processes x devices per process
TRAINED = ("dann", "cdcgan", "finetune")
FIGURES = ("samples/epoch_001.png", "samples/epoch_002.png", "losses.png", "interpolation.png", "samples.gif", "quality.md")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run folders of every layout: ROOT/LAYOUT/CASE."""
    root = tmp_path_factory.mktemp("layouts")
    with ExitStack() as stack:  # all layouts at once: compiling leaves this 2-core machine's cores half idle
        groups = [stack.enter_context(started([str(SUPPORT / "tiny_runs.py"), str(root / name), "2", *TRAINED], *layout))
                  for name, layout in LAYOUTS.items()]
        for group in groups:
            done = group.wait(timeout=240)
            assert all(p.returncode == 0 for p in done), "\n".join(p.stderr[-2000:] for p in done)
    return root


def gap(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    """The largest absolute difference between two flat checkpoints with the same leaves."""
    assert a.keys() == b.keys()
    return max(float(np.abs(a[k].astype(np.float64) - b[k].astype(np.float64)).max(initial=0.0)) for k in a)


def history_gap(a: Path, b: Path) -> float:
    """The largest difference between two history files with the same records and keys."""
    rows = [[json.loads(line) for line in p.read_text().splitlines()] for p in (a, b)]
    assert [r.keys() for r in rows[0]] == [r.keys() for r in rows[1]]
    return max(abs(x[k] - y[k]) for x, y in zip(*rows) for k in x if isinstance(x[k], float))


@pytest.mark.parametrize("case", TRAINED)
def test_two_processes_equal_one_process_of_four_devices(runs: Path, case: str) -> None:
    """Parameters, optimiser states, BatchNorm statistics and logged losses: 2x2 == 1x4 within 1e-6, 1x1 within 1e-5."""
    (step, two), (step4, four), (step1, one) = (final_checkpoint(runs / name / case) for name in LAYOUTS)
    assert step == step4 == step1 > 0
    assert gap(two, four) < 1e-6 and gap(two, one) < 1e-5, (gap(two, four), gap(two, one))
    history = [runs / name / case / "history.jsonl" for name in LAYOUTS]
    assert history_gap(history[0], history[1]) < 1e-6 and history_gap(history[0], history[2]) < 1e-5
    assert len(history[0].read_text().splitlines()) == len(history[1].read_text().splitlines())  # written once


def test_figures_written_once_equal_the_single_process_ones(runs: Path) -> None:
    for figure in FIGURES:
        assert (runs / "2x2/cdcgan" / figure).read_bytes() == (runs / "1x4/cdcgan" / figure).read_bytes(), figure


def test_two_processes_stopped_after_a_checkpoint_resume_bit_identically(runs: Path, tmp_path: Path) -> None:
    """SIGTERM then SIGKILL to both processes once epoch 1's checkpoint (step 2) is written, later ones removed (the
    stop came before them); rerun: the final checkpoint and the history equal the uninterrupted 2x2 run's, bit for bit."""
    args, first = [str(SUPPORT / "tiny_runs.py"), str(tmp_path), "2", "dann"], tmp_path / "dann" / "checkpoints" / "2"
    with started(args, 2, 2) as group:
        deadline = time.monotonic() + 90
        while not first.is_dir() and time.monotonic() < deadline:
            time.sleep(0.1)
        group.stop(grace=2.0)
    assert first.is_dir()
    for later in (p for p in first.parent.iterdir() if p.name.isdigit() and int(p.name) > 2):
        shutil.rmtree(later)
    done = run(args, 2, 2, timeout=90)
    assert all(p.returncode == 0 for p in done), "\n".join(p.stderr[-2000:] for p in done)
    (step, got), (expected_step, expected) = final_checkpoint(tmp_path / "dann"), final_checkpoint(runs / "2x2/dann")
    assert step == expected_step == 4 and got.keys() == expected.keys()
    assert all(np.array_equal(got[k], expected[k]) for k in expected)
    assert (tmp_path / "dann/history.jsonl").read_text() == (runs / "2x2/dann/history.jsonl").read_text()


@pytest.fixture(scope="module")
def resumed(runs: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list]]:
    """DANN resumed from epoch 1's checkpoint (step 2) of another layout's run: {"2x2->1x4", "1x4->2x2": (run folder,
    outputs)}, and "damaged": the 2x2 run resumed as 2x2 with its newest checkpoint (step 4) overwritten."""
    root, plans = tmp_path_factory.mktemp("resumed"), {"2x2->1x4": ("2x2", (1, 4)), "1x4->2x2": ("1x4", (2, 2)),
                                                       "damaged": ("2x2", (2, 2))}
    for name, (source, _) in plans.items():
        shutil.copytree(runs / source / "dann", root / name / "dann")
        for file in (p for p in (root / name / "dann/checkpoints/4").rglob("*") if p.is_file()):
            file.write_bytes(b"{damaged")
        if name != "damaged":
            shutil.rmtree(root / name / "dann/checkpoints/4")
    with ExitStack() as stack:
        groups = {name: stack.enter_context(started([str(SUPPORT / "tiny_runs.py"), str(root / name), "2", "dann"], *layout))
                  for name, (_, layout) in plans.items()}
        return {name: (root / name / "dann", group.wait(timeout=150)) for name, group in groups.items()}


@pytest.mark.parametrize("change", ["2x2->1x4", "1x4->2x2"])
def test_restart_with_another_number_of_processes_resumes_as_the_uninterrupted_run(runs: Path, resumed: dict, change: str) -> None:
    """The replicated state saved by 2 processes is resharded onto 1 process of 4 devices, and back: the resumed run
    ends within 1e-6 of both uninterrupted runs (they differ only in the order of the all-reduce's sums)."""
    folder, done = resumed[change]
    assert all(p.returncode == 0 for p in done), "\n".join(p.stderr[-2000:] for p in done)
    (step, got), (_, two), (_, four) = (final_checkpoint(run) for run in (folder, runs / "2x2/dann", runs / "1x4/dann"))
    assert step == 4 and gap(got, two) < 1e-6 and gap(got, four) < 1e-6, (gap(got, two), gap(got, four))
    assert history_gap(folder / "history.jsonl", runs / "2x2/dann/history.jsonl") < 1e-6


def test_damaged_newest_checkpoint_every_process_resumes_from_the_same_readable_one(runs: Path, resumed: dict) -> None:
    """Both processes warn once, naming step 4, and resume from step 2: the result is the uninterrupted run's, bit for bit."""
    folder, done = resumed["damaged"]
    assert all(p.returncode == 0 for p in done), "\n".join(p.stderr[-2000:] for p in done)
    warning = re.compile(r"UserWarning: checkpoint 4 cannot be read \(.+\); skipped, moved to .+/damaged-checkpoint-4$", re.M)
    assert [len(warning.findall(p.stderr)) for p in done] == [1, 1], [p.stderr[-2000:] for p in done]
    (step, got), (_, expected) = final_checkpoint(folder), final_checkpoint(runs / "2x2/dann")
    assert step == 4 and got.keys() == expected.keys() and all(np.array_equal(got[k], expected[k]) for k in expected)
    assert (folder / "history.jsonl").read_text() == (runs / "2x2/dann/history.jsonl").read_text()


def test_batch_that_does_not_split_over_all_devices_is_one_line_before_training(tmp_path: Path) -> None:
    args = ["-m", "jaxdl.cli", "--no-progress", "gan", "--model", "dcgan", "--batch-size", "6", "--eval-samples", "0",
            "--epochs", "1", "--out", str(tmp_path), "--distributed"]
    done, line = run(args, 2, 2, timeout=60), "jaxdl gan: error: batch of 6 does not split over 4 devices; use a batch size divisible by 4"
    assert not list((tmp_path / "dcgan" / "checkpoints").glob("[0-9]*"))
    for index, process in enumerate(done):  # its own line, or (if the other's farewell came first) the other's line
        last = process.stderr.strip().splitlines()[-1]
        assert (process.returncode, last) in ((2, line), (3, f"jaxdl: error: process {index} of 2 stops: process {1 - index} ended "
                                                            f"with an error ({line})")), process.stderr[-800:]


def test_unreachable_coordinator_is_one_line() -> None:
    """Process 1 of 2 alone: nobody listens on the coordinator's port; it gives up after --coordinator-timeout."""
    port = free_port()
    done = run(["-m", "jaxdl.cli", "gan", "--distributed", "--coordinator-timeout", "3"], 1, 1, timeout=60,
               extra={"JAX_COORDINATOR_ADDRESS": f"127.0.0.1:{port}", "JAX_NUM_PROCESSES": "2", "JAX_PROCESS_ID": "1"})
    assert done[0].returncode == 2 and done[0].stderr.strip().splitlines()[-1] == (
        f"jaxdl gan: error: process 1 cannot reach the coordinator at 127.0.0.1:{port} within 3 s; is process 0 running there?")
