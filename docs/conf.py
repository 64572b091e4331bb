"""Sphinx configuration of the jaxdl site: MyST pages, the course notebooks executed by MyST-NB in quick mode, the
command line generated from jaxdl.cli's parsers, the API from the docstrings. `make docs` builds it into site/."""

import os
import re
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
sys.path[:0] = [str(REPO), str(DOCS / "_ext")]  # this checkout's jaxdl, and the site's own extension
CSS = REPO / "jaxdl" / "run" / "jaxdl.css"  # the run report's stylesheet (package data), shared with the site

# The notebooks run in quick mode on embedded data, this checkout's jaxdl first, writing under build/ only.
# JAXDL_NOTEBOOK_OUT is relative to the notebooks' folder (their working directory), so no page prints this machine's paths.
os.environ.update(JAXDL_QUICK="1", TQDM_DISABLE="1", JAXDL_NOTEBOOK_OUT="../build/notebooks",
                  PYTHONPATH=os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))
os.environ.setdefault("JAXDL_DATA_DIR", str(REPO / "build" / "notebooks" / "data"))
if (REPO.parent / "shared").is_dir():  # the course's shared folder beside the clone (CI), named as the notebooks see it
    os.environ.setdefault("JAXDL_SHARED", "../../shared")

project = "jaxdl"
author = "jaxdl authors"
copyright = "jaxdl authors, MIT licence"  # noqa: A001 -- Sphinx's name
extensions = ["myst_nb", "autodoc2", "jaxdl_cli", "questions"]


def included_fragments() -> list[str]:
    """The generated tables (docs/**/*.md written by scripts) that a page includes: parts of that page, not pages."""
    pattern = re.compile(r"^[`:]{3,}\{include\}\s+(\S+)", re.MULTILINE)
    return [(page.parent / target).resolve().relative_to(DOCS).as_posix()
            for page in DOCS.rglob("*.md") for target in pattern.findall(page.read_text())
            if (page.parent / target).resolve().is_relative_to(DOCS)]


exclude_patterns = ["conf.py", "_ext", "**/__pycache__", "notebooks/nbsetup.py", "notebooks/*.ipynb", "notebooks/.*",
                    "visualize/pgd_*/adversarial_pgd.md",  # per-image tables the pages cite by name, beside their summaries
                    "dann/*/epochs.md",  # the per-epoch table (19 columns) the DANN results cite by name
                    *included_fragments()]
# The notebooks are the reviewed jupytext py:percent files themselves.
nb_custom_formats = {".py": ["jupytext.reads", {"fmt": "py:percent"}]}
nb_execution_mode = os.environ.get("JAXDL_DOCS_EXECUTE") or "force"  # every build draws with the current code; "off" to skip
nb_execution_timeout = 600  # seconds per cell: a notebook takes about a minute of CPU in quick mode
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_output_stderr = "remove"  # progress bars and library warnings: noise on a page (an error still fails the build)
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
myst_heading_anchors = 4
# Pages that other branches add: linked when present, named otherwise (the toctrees list them in a comment).
myst_substitutions = {
    "launching": "[Launching: Slurm, a TPU slice, several local processes](launching.md)"
    if (DOCS / "launching.md").exists() else "the launching page (docs/launching.md: Slurm, a TPU slice, several local processes)",
}
# The API pages, from the source without importing it; the docstrings are Markdown, as written.
autodoc2_packages = ["../jaxdl"]
autodoc2_output_dir = "api"
autodoc2_render_plugin = "myst"
autodoc2_index_template = None  # api.md is the index
autodoc2_docstring_parser_regexes = [(r".*", "myst")]

html_theme = "furo"  # self-contained: its fonts are the system's, no CDN
html_title = "jaxdl"
html_static_path: list[str] = []
html_css_files = ["jaxdl.css"] if CSS.exists() else []


def copy_stylesheet(app: object, exception: Exception | None) -> None:
    """Put the report's stylesheet into the site's _static (html_css_files names it)."""
    if exception is None and CSS.exists():
        shutil.copy2(CSS, Path(app.outdir) / "_static" / CSS.name)


def setup(app: object) -> None:
    app.connect("build-finished", copy_stylesheet)
