"""Tables: Markdown layout, CSV at full precision, file names with dots."""

import csv

from jaxdl.report import markdown_table, write_table

ROWS = [{"layer": "fire9", "C": 0.1, "test_acc": 0.873456789}, {"layer": "conv10", "C": 10.0, "test_acc": 0.5}]


def test_markdown_table_layout_and_rounding():
    assert markdown_table(ROWS).splitlines() == [
        "| layer | C | test_acc |",
        "|---|---|---|",
        "| fire9 | 0.1 | 0.8735 |",
        "| conv10 | 10 | 0.5 |",
    ]
    assert markdown_table([{"params": 1_235_496}]).splitlines()[-1] == "| 1,235,496 |"


def test_write_table_writes_markdown_and_full_precision_csv(tmp_path):
    md, csv_path = write_table(ROWS, tmp_path / "sub" / "svm_C0.1")
    assert (md.name, csv_path.name) == ("svm_C0.1.md", "svm_C0.1.csv")
    assert md.read_text() == markdown_table(ROWS)
    with csv_path.open() as f:
        back = list(csv.DictReader(f))
    assert back[0] == {"layer": "fire9", "C": "0.1", "test_acc": "0.873456789"}
