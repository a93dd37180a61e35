"""The browser import page: what it says after each kind of import, its column reference and its templates,
all generated from the field table like the README's tables."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl

from heritage import columns
from heritage.importer import import_file
from heritage.store import INHERITOR, RECORD
from tests.test_curate import Session, app  # noqa: F401 — app is a fixture

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def upload(session: Session, data: bytes, name: str = "普查表.csv", **form) -> str:
    return session.client.post(
        "/curate/import/",
        data={"csrf_token": session.csrf, "kind": "record", "file": (io.BytesIO(data), name), **form},
        content_type="multipart/form-data",
    ).get_data(as_text=True)


def test_readme_tables_are_generated_from_the_field_table():
    for kind in (RECORD, INHERITOR):
        assert columns.markdown_table(kind) in README


def test_page_has_the_column_reference_it_links_to(app):
    page = Session(app, "zhang").text("/curate/import/")
    assert 'href="#h-columns"' in page and 'id="h-columns"' in page
    for field in RECORD.fields + INHERITOR.fields:
        assert f"<td>{field.zh}</td><td><code>{field.name}</code></td>" in page
    assert "十大门类之一" in page and "template.xlsx?kind=inheritor" in page


def test_templates_have_every_header_and_an_example_that_imports(app, corpus_index, tmp_path):
    curator = Session(app, "zhang")
    for kind_name, kind in (("record", RECORD), ("inheritor", INHERITOR)):
        for fmt in ("csv", "xlsx"):
            response = curator.get(f"/curate/import/template.{fmt}?kind={kind_name}")
            assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
            path = tmp_path / f"{kind_name}.{fmt}"
            path.write_bytes(response.data)
            if fmt == "xlsx":
                book = openpyxl.load_workbook(path, read_only=True)
                rows = list(book.active.iter_rows(values_only=True))
                book.close()
                assert list(rows[0]) == [f.zh for f in kind.fields] and len(rows) == 2
            report = import_file(corpus_index[1], path, kind=kind, dry_run=True)
            assert not report.problems and report.rows == 1, report.render()
    assert curator.get("/curate/import/template.pdf").status_code == 404


def test_after_a_skip_invalid_import_the_page_says_what_was_imported(app):
    curator = Session(app, "zhang")
    data = ('项目名称,类别,民族,基本内容\n跳过测试甲,民俗,苗族,"两行\n内容"\n跳过测试乙,民俗,火星族,无\n').encode()
    page = upload(curator, data, skip_invalid="1")
    assert "第 3 行" not in page and "<td>3（文件第 4 行）</td><td>民族</td>" in page
    assert "确认后只导入有效的行" in page and "改正前不会导入任何一行" not in page
    action = re.search(r'action="(/curate/import/[^"]+)"', page)[1]
    done = curator.post(action, kind="record", name="普查表.csv", skip_invalid="1").get_data(as_text=True)
    assert "已导入" in done and "有问题的行已跳过，其余的行已导入" in done
    assert "改正前不会导入任何一行" not in done
    refused = upload(curator, data)
    assert "按“全有或全无”，改正前不会导入任何一行" in refused and "确认导入" not in refused
