"""export -> import -> export is byte-identical; formula cells are neutralised."""

import io

import openpyxl
import pytest

from heritage import corpus, store
from heritage.db import write
from heritage.exporter import export
from heritage.importer import import_file
from heritage.store import INHERITOR, RECORD, open_store
from tests.conftest import INHERITORS, NATIONAL_LIST, needs_shared
from tests.shipped import SHIPPED


def _export(db, kind, fmt, english=False):
    out = io.BytesIO()
    export(db, kind, out, fmt, english)
    return out.getvalue()


def _round_trip(db, tmp_path, kind, fmt, english=False):
    first = _export(db, kind, fmt, english)
    path = tmp_path / f"first.{fmt}"
    path.write_bytes(first)
    fresh = open_store(tmp_path / f"fresh-{kind.name}-{fmt}-{english}")
    if kind is INHERITOR:  # inheritors link to records: bring the records along first
        records = tmp_path / "records.jsonl"
        records.write_bytes(_export(db, RECORD, "jsonl"))
        assert import_file(fresh, records, "jsonl").committed
    report = import_file(fresh, path, fmt, kind)
    assert report.committed, report.render()
    return first, _export(fresh, kind, fmt, english)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("english", [False, True])
def test_corpus_round_trip_is_byte_identical(db, tmp_path, fmt, english):
    import_file(db, corpus.RECORDS_FILE)
    first, second = _round_trip(db, tmp_path, RECORD, fmt, english)
    assert first == second and first.count(b"\n") >= 150


def test_corpus_round_trip_xlsx_cells(db, tmp_path):
    import_file(db, corpus.RECORDS_FILE)
    first, second = _round_trip(db, tmp_path, RECORD, "xlsx")

    def cells(data):
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        return [tuple(row) for row in sheet.iter_rows(values_only=True)]

    assert cells(first) == cells(second) and len(cells(first)) == SHIPPED + 1


def test_formula_cells_are_neutralised_and_restored(db, tmp_path):
    record = {
        "id": "F1",
        "title": '=HYPERLINK("http://x")',
        "category": "民俗",
        "content": "@SUM(A1)",
        "aliases": ["+1", "-2"],
        "status": "已发布",
    }
    with write(db):
        store.put(db, RECORD, record, "x")
    text = _export(db, RECORD, "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'+1" in text
    first, second = _round_trip(db, tmp_path, RECORD, "csv")
    assert first == second
    fresh = open_store(tmp_path / "fresh-record-csv-False")
    assert store.get(fresh, RECORD, "F1")["title"] == record["title"]


@needs_shared(NATIONAL_LIST)
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_national_list_round_trip_is_byte_identical(db, tmp_path, fmt):
    assert import_file(db, NATIONAL_LIST, "ich-list").committed
    first, second = _round_trip(db, tmp_path, RECORD, fmt)
    assert first == second


@needs_shared(INHERITORS)
def test_inheritors_round_trip_is_byte_identical(db, tmp_path):
    assert import_file(db, NATIONAL_LIST, "ich-list").committed
    assert import_file(db, INHERITORS, "ich-inheritors").committed
    first, second = _round_trip(db, tmp_path, INHERITOR, "csv")
    assert first == second
