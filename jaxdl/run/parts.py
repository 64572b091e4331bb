"""The four practicals as the parts of `jaxdl run`, in the course's order, and the run of a selection of them."""

import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from jaxdl.dann.run import run as dann_run
from jaxdl.gan.run import run as gan_run
from jaxdl.run.report import write_report
from jaxdl.run.runner import Outcome, Part, run_parts
from jaxdl.run.settings import EXPECTED_SECONDS
from jaxdl.transfer.run import run as transfer_run
from jaxdl.visualize.run import run as visualize_run

PARTS: dict[str, Part] = {"transfer": transfer_run, "visualize": visualize_run, "dann": dann_run, "gan": gan_run}
TITLES = {"transfer": "Transfer learning: model summary, layer x C, networks, neural head",
          "visualize": "Network visualization: saliency, Grad-CAM, fooling images, class visualization",
          "dann": "Domain adaptation: DANN against its baselines",
          "gan": "GANs: samples, their evolution, measured quality"}


def expected_seconds(names: list[str], quick: bool) -> float:
    """The measured wall time of these parts from nothing (2-core CPU), to announce before a run."""
    return sum(EXPECTED_SECONDS["quick" if quick else "full"][name] for name in names)


def run_selected(names: list[str], settings: dict[str, Any], out: Path, quick: bool, progress: bool = True,
                 force: bool = False) -> tuple[list[Outcome], Path]:
    """Run (or reuse) the named parts under `out` and write the report; returns the outcomes and report.html's path."""
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    outcomes = run_parts({name: PARTS[name] for name in names}, settings, out, progress, force)
    _, page = write_report(outcomes, TITLES, {name: asdict(settings[name]) for name in names}, out,
                           "quick" if quick else "full", time.perf_counter() - start)
    return outcomes, page
