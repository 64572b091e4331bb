"""The run's report: report.md (figures linked) and a self-contained report.html (figures embedded as data URIs).

Both list every part with its status, wall time, notes, tables and figures, then the environment
(package versions, devices, XLA flags), the seeds and every setting, so that a reader can rerun it.
"""

import base64
import html
import json
import os
import platform
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import jax

from jaxdl.report import html_table, markdown_table
from jaxdl.run.runner import Outcome

PACKAGES = ("jaxdl", "jax", "jaxlib", "flax", "optax", "orbax-checkpoint", "numpy", "scipy", "scikit-learn",
            "scikit-image", "matplotlib", "torch")
MIME = {".png": "image/png", ".gif": "image/gif", ".jpg": "image/jpeg", ".svg": "image/svg+xml"}
STYLE = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;"
         "margin:.5em 0}td,th{border:1px solid #bbb;padding:2px 6px;font-size:90%}img{max-width:100%}"
         ".failed{color:#b00}pre{background:#f4f4f4;padding:.5em;overflow-x:auto}")


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


def summary(outcomes: list[Outcome], settings: dict) -> list[dict]:
    """One row per part: status, wall and CPU time (an idle machine takes at most ~the CPU time), seed, error if failed."""
    return [{"part": o.name, "status": o.status, "wall time s": round(o.seconds, 1), "CPU time s": round(o.cpu_seconds, 1),
             "seed": settings[o.name].get("seed", ""), "error": o.error} for o in outcomes]


def data_uri(path: Path) -> str:
    """The file as a base64 data URI, so the HTML needs no other file."""
    return f"data:{MIME.get(path.suffix.lower(), 'application/octet-stream')};base64,{base64.b64encode(path.read_bytes()).decode()}"


def markdown(title: str, outcomes: list[Outcome], titles: dict[str, str], settings: dict, env: list[dict]) -> str:
    """report.md: the summary, each part (figures linked relative to the report), environment and settings."""
    lines = [f"# {title}", "", markdown_table(summary(outcomes, settings))]
    for o in outcomes:
        lines += [f"## {titles[o.name]}", "", f"*{o.status}, {o.seconds:.1f}s*", ""]
        lines += [f"**failed**: `{o.error}`", ""] if o.error else []
        lines += [f"- {note}" for note in o.result.notes] + [""]
        for caption, rows in o.result.tables:
            lines += [f"### {caption}", "", markdown_table(rows)]
        for caption, path in o.result.figures:
            lines += [f"![{caption}]({o.name}/{path})", "", f"*{caption}*", ""]
    lines += ["## Environment", "", markdown_table(env), "## Settings", "", "```json", json.dumps(settings, indent=1), "```", ""]
    return "\n".join(lines)


def html_page(title: str, outcomes: list[Outcome], titles: dict[str, str], settings: dict, env: list[dict], out: Path) -> str:
    """report.html: the same content with every figure embedded; a missing figure file is named, not a broken image."""
    esc = html.escape
    body = [f"<h1>{esc(title)}</h1>", html_table(summary(outcomes, settings))]
    for o in outcomes:
        body += [f"<h2 id='{o.name}'>{esc(titles[o.name])}</h2>", f"<p><em>{o.status}, {o.seconds:.1f}s</em></p>"]
        body += [f"<p class='failed'><strong>failed</strong>: <code>{esc(o.error)}</code></p>"] if o.error else []
        body += ["<ul>" + "".join(f"<li>{esc(n)}</li>" for n in o.result.notes) + "</ul>"] if o.result.notes else []
        for caption, rows in o.result.tables:
            body += [f"<h3>{esc(caption)}</h3>", html_table(rows)]
        for caption, path in o.result.figures:
            file = out / o.name / path
            body += [f"<figure><img src='{data_uri(file)}' alt='{esc(caption)}'><figcaption>{esc(caption)}</figcaption></figure>"
                     if file.is_file() else f"<p class='failed'>missing figure {esc(str(file))}</p>"]
    body += ["<h2>Environment</h2>", html_table(env), "<h2>Settings</h2>", f"<pre>{esc(json.dumps(settings, indent=1))}</pre>"]
    return (f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{esc(title)}</title><style>{STYLE}</style></head>"
            f"<body>\n" + "\n".join(body) + "\n</body></html>\n")


def write_report(outcomes: list[Outcome], titles: dict[str, str], settings: dict, out: Path, mode: str,
                 elapsed: float) -> tuple[Path, Path]:
    """Write OUT/report.md and OUT/report.html (`elapsed`: this run's wall time); returns both paths."""
    title = f"jaxdl run ({mode}), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: this run {elapsed:.0f}s"
    env = environment()
    md, page = out / "report.md", out / "report.html"
    md.write_text(markdown(title, outcomes, titles, settings, env))
    page.write_text(html_page(title, outcomes, titles, settings, env, out))
    return md, page
