"""Results as tables people read (Markdown) and programs read (CSV), and what a practical's run returns (Result)."""

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path


@dataclass
class Headline:
    """A practical's one headline figure, for the run report's summary table beside its reference (jaxdl.run.references)."""

    measure: str  # what the numbers are, with their unit: "target test accuracy %"
    values: dict[str, float]  # the numbers by label: {"source-only": 47.3, "dann": 58.4}
    setting: str = ""  # what this run measured them on (data, network), to read beside the reference's setting
    reference: dict[str, float] = field(default_factory=dict)  # a reference this run measures itself (GAN: real images)


@dataclass
class Result:
    """What a practical's `run(config, out)` shows: tables (caption, rows), figures (caption, path inside `out`), notes,
    and its headline figure."""

    tables: list[tuple[str, list[dict]]] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    headline: Headline | None = None


def _cell(value: object) -> str:
    """A table cell: floats to 4 significant digits, large ints with thousands separators."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def markdown_table(rows: Sequence[dict]) -> str:
    """A GitHub Markdown table of `rows` (dicts sharing the first row's keys as columns)."""
    if not rows:
        return "(no rows)\n"
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_table(rows: Sequence[dict], path: str | Path) -> tuple[Path, Path]:
    """Write `rows` to `path`.md and `path`.csv (folders created); returns both paths."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    md, csv_path = path.with_name(path.name + ".md"), path.with_name(path.name + ".csv")  # names may hold dots: C0.1
    md.write_text(markdown_table(rows))
    with csv_path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)
    return md, csv_path


def html_table(rows: Sequence[dict], css_class: str = "") -> str:
    """The same table as `markdown_table`, as an HTML <table> (cells escaped; `css_class` for a stylesheet)."""
    if not rows:
        return "<p>(no rows)</p>\n"
    columns = list(rows[0])
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(row.get(c, '')))}</td>" for c in columns) + "</tr>\n" for row in rows)
    attribute = f" class='{escape(css_class)}'" if css_class else ""
    return f"<table{attribute}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"
