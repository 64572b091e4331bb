"""Result tables as Markdown (for the README and the terminal) and CSV (for further analysis)."""

import csv
from collections.abc import Sequence
from pathlib import Path

from jaxdl.errors import JaxdlError


def _cell(value) -> str:
    """One Markdown cell: floats to 4 significant digits, everything else as str."""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _columns(rows: Sequence[dict]) -> list[str]:
    """The column names: the keys of the first row (all rows must have the same keys)."""
    if not rows:
        raise JaxdlError("cannot make a table from no rows")
    columns = list(rows[0])
    for row in rows:
        if list(row) != columns:
            raise JaxdlError(f"table rows have different columns: {columns} vs {list(row)}")
    return columns


def markdown_table(rows: Sequence[dict]) -> str:
    """The rows (dicts with the same keys) as a GitHub Markdown table."""
    columns = _columns(rows)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_table(rows: Sequence[dict], path_without_suffix: str | Path) -> tuple[Path, Path]:
    """Write the rows as `<path>.md` and `<path>.csv` (full precision); returns both paths."""
    base = Path(path_without_suffix)
    base.parent.mkdir(parents=True, exist_ok=True)
    md, csv_path = base.with_name(base.name + ".md"), base.with_name(base.name + ".csv")
    md.write_text(markdown_table(rows))
    with csv_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=_columns(rows))
        writer.writeheader()
        writer.writerows(rows)
    return md, csv_path
