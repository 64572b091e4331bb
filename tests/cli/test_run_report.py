"""The run report on hand-made outcomes (no practical runs): the summary table first with each part's reference, long
tables folded and short ones not, no absolute path of the machine, the stylesheet inlined, the headline kept by the
done marker."""

import hashlib
import re
from importlib import resources

import pytest

from jaxdl.report import Headline, Result
from jaxdl.run.references import REFERENCES
from jaxdl.run.report import FOLD_ROWS, summary, write_report
from jaxdl.run.runner import Outcome, read_marker, write_marker

TITLES = {"transfer": "Transfer", "visualize": "Visualization", "dann": "DANN", "gan": "GAN"}
LONG, SHORT = "squeezenet1_0 layers", "network comparison"
SYSTEM_WEIGHTS = "/work/shared/weights/squeezenet1_0-imagenet-dc.safetensors"  # as the transfer note names real weights


@pytest.fixture
def report(tmp_path, monkeypatch):
    """report.md and report.html of three parts (transfer, dann ran; gan failed) whose notes, headline setting,
    settings and XLA_FLAGS name absolute paths inside and outside the run folder: (md, html, out, weights file)."""
    out, weights = tmp_path / "run", tmp_path / "elsewhere" / "weights.safetensors"
    (out / "transfer" / "features").mkdir(parents=True)
    weights.parent.mkdir()
    weights.write_bytes(b"not really weights")
    monkeypatch.setenv("XLA_FLAGS", "--xla_dump_to=/home/someone/dump")
    layers = [{"layer": f"l{i}", "parameters": i} for i in range(FOLD_ROWS + 1)]
    networks = [{"network": f"n{i}", "test_acc": 0.5} for i in range(FOLD_ROWS)]
    transfer = Result(tables=[(LONG, layers), (SHORT, networks)],
                      notes=[f"squeezenet1_0 weights: {SYSTEM_WEIGHTS}", f"also {weights}",
                             f"features cached in {out / 'transfer' / 'features'}."],
                      headline=Headline("best linear-SVM test accuracy %", {"fire9, C=1": 93.25},
                                        f"digits; squeezenet1_0 ({weights}), 64 px"))
    dann = Result(headline=Headline("target test accuracy %", {"source-only": 47.3, "dann": 58.4}, "digits -> digits-m"))
    outcomes = [Outcome("transfer", "ran", 12.0, transfer), Outcome("dann", "reused", 3.0, dann),
                Outcome("gan", "failed", 1.0, Result(), f"OSError: no such folder {tmp_path}/celeba (data.py:3)")]
    settings = {"transfer": {"seed": 0, "weights": [f"squeezenet1_0={weights}"], "data": "/home/someone/15scene"},
                "dann": {"seed": 1, "source": "idx:/work/shared/data/mnist[0:5000]"}, "gan": {"seed": 2}}
    md, html = write_report(outcomes, TITLES, settings, out, "quick", 16.0)
    return md.read_text(), html.read_text(), out, weights


def test_summary_table_comes_first_with_one_row_per_part_and_its_reference(report):
    md, html, _, _ = report
    first = md.split("\n\n")[1].splitlines()
    assert first[0] == "| part | status | headline | this run | measured on | reference | reference measured on | source |"
    assert len(first) == 2 + 3  # header, rule, one row per part of the run
    assert first[2].startswith("| transfer | ran | best linear-SVM test accuracy % | fire9, C=1: 93.25 | digits; ")
    assert first[3].startswith("| dann | reused | target test accuracy % | source-only: 47.3, dann: 58.4 | digits -> digits-m | "
                               f"{REFERENCES['dann'].values} |")
    assert "52.25" in first[3] and "76.66" in first[3] and first[3].endswith("JMLR 17 (2016), Table 2 |")
    assert first[4].startswith("| gan | failed |  | - |  | ")
    assert html.find("<table") == html.index("<table class='summary'>") < html.index("<h2")  # no table before it
    summary = html[html.index("<table class='summary'>"):html.index("</table>")]
    assert summary.count("<tr>") == 1 + 3 and "<th>reference</th>" in summary and "Ganin et al." in summary


def test_tables_over_the_threshold_are_folded_and_short_ones_not(report):
    md, html, _, _ = report
    folded = f"<details><summary><h3>{LONG}</h3><span class='rows'>({FOLD_ROWS + 1} rows)</span></summary>"
    for text in (md, html):
        assert text.count(folded) == 1
    assert f"### {SHORT}\n\n| network | test_acc |" in md and f"<summary><h3>{SHORT}" not in md
    assert f"<h3>{SHORT}</h3>\n<table>" in html and f"<summary><h3>{SHORT}" not in html
    block = md[md.index(folded):]
    assert block[len(folded):].startswith("\n\n| layer | parameters |")  # Markdown inside the fold: blank line first
    assert block.index("| l12 | 12 |") < block.index("</details>")


def test_no_absolute_path_of_the_machine(report):
    md, html, out, weights = report
    for text in (md, html):
        assert "/work" not in text and "/home" not in text and str(out.parent) not in text
        digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:12]
        assert f"also weights.safetensors (sha256 {digest})" in text
        assert "features cached in transfer/features." in text  # inside the run folder: relative to it
        assert "idx:mnist[0:5000]" in text and "--xla_dump_to=dump" in text and "no such folder celeba" in text
    assert re.search(r"squeezenet1_0 weights: squeezenet1_0-imagenet-dc\.safetensors( \(sha256 [0-9a-f]{12}\))?", md)


def test_stylesheet_is_inlined_and_self_contained(report):
    _, html, _, _ = report
    css = resources.files("jaxdl.run").joinpath("jaxdl.css").read_text()
    assert f"<style>\n{css}</style>" in html
    assert "<link" not in html and "<script" not in html
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # the comments may say what the rules must not do
    assert not re.search(r"@import|url\(|https?:|//", rules) and rules.count("{") == rules.count("}") > 20
    for selector in ("table.docutils", "details > summary", "figcaption", "div.highlight pre", "table.summary"):
        assert selector in css
    # The page layout is the report's only, so that the documentation site's theme keeps its own.
    assert "<body class='jaxdl-report'>" in html and re.findall(r"\bbody[.\w-]*", rules) == ["body.jaxdl-report"] * 3


def test_a_reference_the_run_measures_replaces_the_quoted_one_and_the_marker_keeps_the_headline(tmp_path):
    headline = Headline("last epoch: Frechet distance", {"cdcgan Frechet": 27.5}, "digits, 2 epochs", {"Frechet floor": 5.25})
    outcome = Outcome("gan", "ran", 2.0, Result(notes=["n"], headline=headline), cpu_seconds=3.0)
    row = summary([outcome])[0]
    assert (row["this run"], row["reference"]) == ("cdcgan Frechet: 27.5", "Frechet floor: 5.25")
    assert row["source"] == REFERENCES["gan"].source and "frechet_real" in row["source"]
    write_marker(tmp_path, "key", outcome)
    back = read_marker(tmp_path, "key")
    assert back.result.headline == headline and back.result.notes == ["n"]
