"""Run parts in order, each in its own folder with a done marker keyed by a hash of its settings.

A part is a plain function `part(settings, folder, progress) -> Result`. After it returns, its Result
is written to FOLDER/done.json with the settings' hash: the next run with the same settings reads it
back instead of running the part again (an interrupted part starts over, reusing what it cached, such
as features and Orbax checkpoints). An exception in a part becomes its one-line error in the outcome;
Ctrl-C (KeyboardInterrupt) stops the whole run, the finished parts keeping their markers.
"""

import hashlib
import json
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from jaxdl.report import Headline, Result

MARKER = "done.json"


@dataclass
class Outcome:
    """One part's fate in this run: ran, reused (done marker found) or failed (with its one-line error)."""

    name: str
    status: str
    seconds: float  # wall time
    result: Result
    error: str = ""
    cpu_seconds: float = 0.0  # CPU time of this process (all threads): on an idle machine the wall time is at most about this


Part = Callable[[Any, Path, bool], Result]  # (the part's settings dataclass, its folder, progress bars?)


def settings_key(settings: dict) -> str:
    """A short hash of a part's settings (key order does not matter)."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:16]


def read_marker(folder: Path, key: str) -> Outcome | None:
    """The recorded outcome of a finished part whose settings hash to `key`, else None."""
    path = folder / MARKER
    if not path.is_file():
        return None
    saved = json.loads(path.read_text())
    if saved.get("key") != key:
        return None
    headline = saved.get("headline")  # absent from markers written before the summary table
    result = Result([tuple(t) for t in saved["tables"]], [tuple(f) for f in saved["figures"]], saved["notes"],
                    Headline(**headline) if headline else None)
    return Outcome(folder.name, "reused", saved["seconds"], result, cpu_seconds=saved["cpu_seconds"])


def write_marker(folder: Path, key: str, outcome: Outcome) -> None:
    """Record a finished part atomically (written aside, then renamed), so a crash never leaves half a marker."""
    tmp = folder / (MARKER + ".tmp")
    tmp.write_text(json.dumps({"key": key, "seconds": outcome.seconds, "cpu_seconds": outcome.cpu_seconds,
                               **asdict(outcome.result)}, default=str))
    tmp.replace(folder / MARKER)


def one_line(err: BaseException) -> str:
    """`Type: first line of the message`, and where it was raised (the last frame)."""
    where = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
    place = f" ({Path(where.filename).name}:{where.lineno})" if where else ""
    message = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {message}{place}"


def run_part(name: str, part: Part, settings: Any, out: Path, progress: bool = True, force: bool = False) -> Outcome:
    """Run one part in OUT/NAME unless its marker matches its settings; failures become an Outcome, not an exception."""
    folder = out / name
    key = settings_key(asdict(settings))
    if not force and (done := read_marker(folder, key)):
        print(f"== {name}: done in an earlier run ({done.seconds:.0f}s then), skipped", flush=True)
        return done
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).unlink(missing_ok=True)
    print(f"== {name}", flush=True)
    start, cpu = time.perf_counter(), time.process_time()
    try:
        result = part(settings, folder, progress)
    except Exception as err:  # noqa: BLE001 -- a failing part is reported and the others still run
        outcome = Outcome(name, "failed", time.perf_counter() - start, Result(), one_line(err), time.process_time() - cpu)
        print(f"== {name} failed: {outcome.error}", flush=True)
        return outcome
    outcome = Outcome(name, "ran", time.perf_counter() - start, result, cpu_seconds=time.process_time() - cpu)
    write_marker(folder, key, outcome)
    print(f"== {name}: {outcome.seconds:.1f}s ({outcome.cpu_seconds:.1f}s of CPU)", flush=True)
    return outcome


def run_parts(parts: dict[str, Part], settings: dict[str, Any], out: Path, progress: bool = True,
              force: bool = False) -> list[Outcome]:
    """Run (or reuse) each part in order under `out`; every part runs even when an earlier one failed."""
    return [run_part(name, part, settings[name], out, progress, force) for name, part in parts.items()]
