"""Tables: Markdown layout, CSV at full precision, clear errors."""

import csv

import pytest

from jaxdl.errors import JaxdlError
from jaxdl.report import markdown_table, write_table

ROWS = [{"layer": "fire9", "C": 0.1, "test_acc": 0.873456789}, {"layer": "conv10", "C": 10.0, "test_acc": 0.5}]


def test_markdown_table_layout_and_rounding():
    assert markdown_table(ROWS).splitlines() == [
        "| layer | C | test_acc |",
        "|---|---|---|",
        "| fire9 | 0.1 | 0.8735 |",
        "| conv10 | 10 | 0.5 |",
    ]


def test_write_table_writes_markdown_and_full_precision_csv(tmp_path):
    md, csv_path = write_table(ROWS, tmp_path / "sub" / "svm")
    assert md.name == "svm.md" and md.read_text() == markdown_table(ROWS)
    with csv_path.open() as f:
        back = list(csv.DictReader(f))
    assert back[0] == {"layer": "fire9", "C": "0.1", "test_acc": "0.873456789"}


def test_bad_rows_are_clear_errors():
    with pytest.raises(JaxdlError, match="no rows"):
        markdown_table([])
    with pytest.raises(JaxdlError, match="different columns"):
        markdown_table([{"a": 1}, {"b": 2}])
