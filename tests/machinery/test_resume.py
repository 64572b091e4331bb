"""Every training resumes bit-identically: 2 epochs straight == the same run interrupted during epoch 2 and rerun.

A case is one line in tests/support/tiny_runs.py's CASES: a function (run folder, epochs) that trains there with
jaxdl.training. The test compares every leaf of the final checkpoints (parameters, optimiser states, BatchNorm
statistics, step) and the history files.
"""

import shutil
from pathlib import Path

import numpy as np
import pytest
from tiny_runs import CASES, final_checkpoint


@pytest.mark.parametrize("case", CASES)
def test_resume_is_bit_identical(case: str, tmp_path: Path) -> None:
    straight, resumed = tmp_path / "straight", tmp_path / "resumed"
    CASES[case](straight, 2)
    shutil.copytree(straight, resumed)
    (step, expected), first = final_checkpoint(straight), min(int(p.name) for p in (resumed / "checkpoints").iterdir())
    shutil.rmtree(resumed / "checkpoints" / str(step))  # interrupted during epoch 2: only epoch 1's checkpoint is left
    CASES[case](resumed, 2)
    assert first < step and final_checkpoint(resumed)[0] == step
    got = final_checkpoint(resumed)[1]
    assert len(got) >= 4 and gap_is_zero(got, expected)
    assert (resumed / "history.jsonl").read_text() == (straight / "history.jsonl").read_text()


def test_damaged_newest_checkpoint_resumes_from_the_newest_readable_one(tmp_path: Path) -> None:
    """Every file of the newest checkpoint overwritten (an interrupted copy): one warning naming it, then a resume from
    the one before that ends bit-identical to the straight run; damaged again, it is moved aside under the next name."""
    straight, damaged = tmp_path / "straight", tmp_path / "damaged"
    CASES["classifier"](straight, 2)
    shutil.copytree(straight, damaged)
    step, expected = final_checkpoint(straight)
    for file in (p for p in (damaged / "checkpoints" / str(step)).rglob("*") if p.is_file()):
        file.write_bytes(b"{damaged")
    with pytest.warns(UserWarning, match=rf"^checkpoint {step} cannot be read \(.+\); skipped, moved to .+damaged-checkpoint-{step}$"):
        CASES["classifier"](damaged, 2)
    got = final_checkpoint(damaged)
    assert got[0] == step and gap_is_zero(got[1], expected)
    assert (damaged / "history.jsonl").read_text() == (straight / "history.jsonl").read_text()
    for file in (p for p in (damaged / "checkpoints" / str(step)).rglob("*") if p.is_file()):  # the same step damaged again
        file.write_bytes(b"{damaged")
    with pytest.warns(UserWarning, match=rf"^checkpoint {step} cannot be read \(.+\); skipped, moved to .+damaged-checkpoint-{step}-2$"):
        CASES["classifier"](damaged, 2)
    assert gap_is_zero(final_checkpoint(damaged)[1], expected) and (damaged / f"damaged-checkpoint-{step}").is_dir()


def gap_is_zero(got: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> bool:
    """Both flat checkpoints hold the same leaves, bit for bit."""
    return got.keys() == expected.keys() and all(np.array_equal(got[k], expected[k]) for k in expected)
