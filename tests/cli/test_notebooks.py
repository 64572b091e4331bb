"""The course notebooks (notebooks/*.py, jupytext py:percent; one per practical, and one on functional autodiff): each
runs end to end in quick mode in a python3 kernel of this interpreter without an error and answers with tables and
figures; each .ipynb is its .py's jupytext rendering."""

import os
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from locations import REPO
from nbclient import NotebookClient

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9]_*.py"))
# run folder, and the fewest tables and figures each notebook answers with
EXPECTED = {"1_transfer_learning": ("transfer", 5, 1), "2_network_visualization": ("visualization", 3, 5),
            "3_domain_adaptation": ("dann", 5, 1), "4_gans": ("gan", 2, 3), "5_functional_autodiff": ("autodiff", 6, 4)}


@pytest.fixture(scope="module")
def quick_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Quick mode, outputs and prepared data under one temporary folder for all notebooks; this checkout's jaxdl first."""
    out = tmp_path_factory.mktemp("notebooks")
    saved = dict(os.environ)
    os.environ.update(JAXDL_QUICK="1", JAXDL_NOTEBOOK_OUT=str(out), JAXDL_DATA_DIR=str(out / "data"),
                      PYTHONPATH=os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))
    yield out
    os.environ.clear()
    os.environ.update(saved)


def test_every_notebook_is_expected() -> None:
    assert [path.stem for path in NOTEBOOKS] == list(EXPECTED)


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda path: path.stem)
def test_ipynb_is_the_jupytext_rendering(source: Path) -> None:
    """Same cells, types and sources as the reviewed .py, no outputs (regenerate: jupytext --update --to ipynb notebooks/[0-9]_*.py)."""
    rendered = jupytext.read(source)
    stored = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    assert [(c.cell_type, c.source) for c in stored.cells] == [(c.cell_type, c.source) for c in rendered.cells], \
        f"{source.with_suffix('.ipynb').name} is out of date: run jupytext --update --to ipynb {source.relative_to(REPO)}"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in stored.cells if c.cell_type == "code")


@pytest.mark.docs  # make docs runs it beside the site's build, which executes the same notebooks; make test does not
@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_in_quick_mode(source: Path, quick_env: Path) -> None:
    """Every cell runs (nbclient raises CellExecutionError on the first error); the answers are tables and figures."""
    notebook = jupytext.read(source)
    notebook.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.executable)"))
    NotebookClient(notebook, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(source.parent)}}).execute()
    run_dir, tables, figures = EXPECTED[source.stem]
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert outputs[-1]["text"].strip() == sys.executable  # the kernel is this interpreter
    assert any("quick mode: True" in o.get("text", "") for o in outputs)
    assert sum("text/markdown" in o.get("data", {}) for o in outputs) >= tables
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= figures
    assert len(list((quick_env / run_dir).rglob("*.png"))) >= figures  # written to its run folder
