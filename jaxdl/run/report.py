"""The run's report: report.md (figures linked) and a self-contained report.html (figures embedded as data URIs, the
stylesheet jaxdl.css inlined: the documentation site's).

Both open with one summary table (each part's status and headline figure beside its reference, jaxdl.run.references),
then every part's notes, tables (long ones folded) and figures, then times and seeds, the environment (package
versions, devices, XLA flags) and every setting, so that a reader can rerun it. No absolute path of the machine
that made it appears (jaxdl.run.portable).
"""

import base64
import html
import json
import os
import platform
import sys
from datetime import UTC, datetime
from importlib import metadata, resources
from pathlib import Path

import jax

from jaxdl.report import html_table, markdown_table
from jaxdl.run.portable import portable
from jaxdl.run.references import REFERENCES
from jaxdl.run.runner import Outcome

PACKAGES = ("jaxdl", "jax", "jaxlib", "flax", "optax", "orbax-checkpoint", "numpy", "scipy", "scikit-learn",
            "scikit-image", "matplotlib", "torch")
MIME = {".png": "image/png", ".gif": "image/gif", ".jpg": "image/jpeg", ".svg": "image/svg+xml"}
FOLD_ROWS = 12  # a table with more rows (a network's layer table, GAN metrics per epoch) is folded under its caption


def environment() -> list[dict]:
    """Rows {what, value}: Python, platform, each installed package's version, JAX's devices and XLA_FLAGS."""
    rows = [{"what": "python", "value": sys.version.split()[0]}, {"what": "platform", "value": platform.platform()}]
    for name in PACKAGES:
        try:
            rows.append({"what": name, "value": metadata.version(name)})
        except metadata.PackageNotFoundError:
            continue
    rows.append({"what": "devices", "value": ", ".join(f"{d.platform}:{d.device_kind}" for d in jax.devices())})
    rows.append({"what": "CPU cores", "value": str(len(os.sched_getaffinity(0)))})
    rows.append({"what": "XLA_FLAGS", "value": os.environ.get("XLA_FLAGS", "")})
    return rows


def numbers(values: dict[str, float]) -> str:
    """The summary table's cell for a headline's numbers: `label: value, label: value` (4 significant digits)."""
    return ", ".join(f"{label}: {value:.4g}" for label, value in values.items())


def summary(outcomes: list[Outcome]) -> list[dict]:
    """The table the report opens with, one row per part: its status and headline figure beside its reference."""
    rows = []
    for o in outcomes:
        head, ref = o.result.headline, REFERENCES[o.name]
        rows.append({"part": o.name, "status": o.status, "headline": head.measure if head else "",
                     "this run": numbers(head.values) if head else "-", "measured on": head.setting if head else "",
                     "reference": numbers(head.reference) if head and head.reference else ref.values,
                     "reference measured on": ref.setting, "source": ref.source})
    return rows


def timings(outcomes: list[Outcome], settings: dict) -> list[dict]:
    """One row per part: wall and CPU time (an idle machine takes at most ~the CPU time), seed, error if failed."""
    return [{"part": o.name, "wall time s": round(o.seconds, 1), "CPU time s": round(o.cpu_seconds, 1),
             "seed": settings[o.name].get("seed", ""), "error": o.error} for o in outcomes]


def data_uri(path: Path) -> str:
    """The file as a base64 data URI, so the HTML needs no other file."""
    return f"data:{MIME.get(path.suffix.lower(), 'application/octet-stream')};base64,{base64.b64encode(path.read_bytes()).decode()}"


def stylesheet() -> str:
    """jaxdl/run/jaxdl.css, the stylesheet the report inlines and the documentation site loads."""
    return resources.files("jaxdl.run").joinpath("jaxdl.css").read_text()


def titled(caption: str, rows: list[dict], as_html: bool) -> list[str]:
    """A table under its caption (an h3); over FOLD_ROWS rows it is folded, the caption the <details> summary a reader
    opens (GitHub's Markdown renders the same HTML, the table inside it in Markdown)."""
    table = html_table(rows) if as_html else markdown_table(rows)
    if len(rows) <= FOLD_ROWS:
        return [f"<h3>{html.escape(caption)}</h3>", table] if as_html else [f"### {caption}", "", table]
    return [f"<details><summary><h3>{html.escape(caption)}</h3><span class='rows'>({len(rows)} rows)</span></summary>",
            "", table, "</details>", ""]


def folded_settings(settings: dict, as_html: bool) -> list[str]:
    """Every setting as JSON, folded under 'every setting'."""
    text = json.dumps(settings, indent=1)
    block = f"<pre>{html.escape(text)}</pre>" if as_html else f"```json\n{text}\n```"
    return ["<details><summary>every setting (JSON)</summary>", "", block, "</details>", ""]


def markdown(title: str, outcomes: list[Outcome], titles: dict[str, str], settings: dict, env: list[dict]) -> str:
    """report.md: the summary table, each part (figures linked relative to the report), times, environment, settings."""
    lines = [f"# {title}", "", markdown_table(summary(outcomes))]
    for o in outcomes:
        lines += [f"## {titles[o.name]}", "", f"*{o.status}, {o.seconds:.1f}s*", ""]
        lines += [f"**failed**: `{o.error}`", ""] if o.error else []
        lines += [f"- {note}" for note in o.result.notes] + [""]
        for caption, rows in o.result.tables:
            lines += titled(caption, rows, False)
        for caption, path in o.result.figures:
            lines += [f"![{caption}]({o.name}/{path})", "", f"*{caption}*", ""]
    lines += ["## Time and seeds", "", markdown_table(timings(outcomes, settings)), "## Environment", ""]
    lines += titled("package versions, devices, XLA flags", env, False) + ["## Settings", ""] + folded_settings(settings, False)
    return "\n".join(lines)


def html_page(title: str, outcomes: list[Outcome], titles: dict[str, str], settings: dict, env: list[dict], out: Path) -> str:
    """report.html: the same content with every figure embedded; a missing figure file is named, not a broken image."""
    esc = html.escape
    body = [f"<h1>{esc(title)}</h1>", html_table(summary(outcomes), "summary")]
    for o in outcomes:
        body += [f"<h2 id='{o.name}'>{esc(titles[o.name])}</h2>", f"<p class='run-meta'><em>{o.status}, {o.seconds:.1f}s</em></p>"]
        body += [f"<p class='failed'><strong>failed</strong>: <code>{esc(o.error)}</code></p>"] if o.error else []
        body += ["<ul>" + "".join(f"<li>{esc(n)}</li>" for n in o.result.notes) + "</ul>"] if o.result.notes else []
        for caption, rows in o.result.tables:
            body += titled(caption, rows, True)
        for caption, path in o.result.figures:
            file = out / o.name / path
            body += [f"<figure><img src='{data_uri(file)}' alt='{esc(caption)}'><figcaption>{esc(caption)}</figcaption></figure>"
                     if file.is_file() else f"<p class='failed'>missing figure {esc(f'{o.name}/{path}')}</p>"]
    body += ["<h2>Time and seeds</h2>", html_table(timings(outcomes, settings)), "<h2>Environment</h2>"]
    body += titled("package versions, devices, XLA flags", env, True) + ["<h2>Settings</h2>"] + folded_settings(settings, True)
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{esc(title)}</title>"
            f"<style>\n{stylesheet()}</style></head>\n<body class='jaxdl-report'>\n" + "\n".join(body) + "\n</body></html>\n")


def write_report(outcomes: list[Outcome], titles: dict[str, str], settings: dict, out: Path, mode: str,
                 elapsed: float) -> tuple[Path, Path]:
    """Write OUT/report.md and OUT/report.html (`elapsed`: this run's wall time); returns both paths."""
    title = f"jaxdl run ({mode}), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: this run {elapsed:.0f}s"
    # No absolute path of this machine in the report: paths in the run folder relative to it, others by name and hash.
    outcomes, settings, env = portable(outcomes, out), portable(settings, out), portable(environment(), out)
    md, page = out / "report.md", out / "report.html"
    md.write_text(markdown(title, outcomes, titles, settings, env))
    page.write_text(html_page(title, outcomes, titles, settings, env, out))
    return md, page
