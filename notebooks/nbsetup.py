"""What every course notebook starts with: quick or real mode, where the course's shared data is, where outputs go.

Quick mode (`JAXDL_QUICK=1`, the default when the shared data is absent) runs on data embedded in the
installed packages with tiny budgets; `JAXDL_QUICK=0` uses the real data of `JAXDL_SHARED` (default: the
`shared` folder next to the repository) with the course's settings.
"""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    """The course's shared folder (data/ and weights/): $JAXDL_SHARED, else ../shared next to the repository; None if absent."""
    path = Path(os.environ.get("JAXDL_SHARED") or REPO.parent / "shared").expanduser()
    return path if (path / "data").is_dir() else None


def quick_mode() -> bool:
    """$JAXDL_QUICK ("1" quick, "0" real) when set; otherwise quick exactly when the shared data is absent."""
    value = os.environ.get("JAXDL_QUICK")
    if value is None:
        return shared_dir() is None
    return value.strip() not in ("0", "")


def run_dir(name: str) -> Path:
    """The notebook's output folder, $JAXDL_NOTEBOOK_OUT/NAME (default runs/notebooks/NAME). Prepared data sets and
    cached classifiers go to its sibling `data/` unless $JAXDL_DATA_DIR says otherwise, so a notebook writes nowhere else."""
    out = Path(os.environ.get("JAXDL_NOTEBOOK_OUT") or REPO / "runs" / "notebooks").expanduser() / name
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("JAXDL_DATA_DIR", str(out.parent / "data"))
    return out
