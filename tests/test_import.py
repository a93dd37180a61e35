"""Every kind of bad input gets a report by row and column and changes nothing."""

import json
import os
import signal
import subprocess
import sys
import time

import openpyxl
import pytest

from heritage import store
from heritage.importer import import_file
from heritage.store import INHERITOR, RECORD, count
from tests.conftest import write_csv

HEADER = "编号,项目名称,类别,民族,分布区域,时间,基本内容\n"
GOOD = "A1,苗族古歌,民间文学,苗族,贵州省台江县,,创世史诗\nA2,彝族火把节,民俗,彝族,四川省凉山彝族自治州,农历六月二十四,节日\n"


def run(db, path, **options):
    return import_file(db, path, **options)


def assert_nothing_written(db, report, *fragments):
    assert not report.committed
    assert count(db, RECORD) == 0
    text = report.render()
    for fragment in fragments:
        assert fragment in text, text


def test_good_file_imports_and_reimport_updates(db, tmp_path):
    path = write_csv(tmp_path / "a.csv", HEADER + GOOD)
    report = run(db, path)
    assert report.committed and report.created == 2
    saved = store.get(db, RECORD, "A2")
    assert saved["region_codes"] == ["513400"] and saved["dates"] == ["农历六月二十四"]
    again = run(db, path)
    assert (again.created, again.unchanged) == (0, 2) and count(db, RECORD) == 2


def test_rows_without_ids_are_matched_on_reimport(db, tmp_path):
    path = write_csv(tmp_path / "a.csv", "项目名称,类别,分布区域\n苗族古歌,民间文学,贵州省台江县\n")
    assert run(db, path).created == 1
    assert run(db, path).unchanged == 1
    assert count(db, RECORD) == 1


@pytest.mark.parametrize("encoding, label", [("gb18030", "gb18030"), ("utf-8-sig", "utf-8-sig")])
def test_gb18030_and_bom_files_are_detected(db, tmp_path, encoding, label):
    path = write_csv(tmp_path / "a.csv", HEADER + GOOD, encoding)
    report = run(db, path)
    assert report.committed and report.encoding == label
    assert store.get(db, RECORD, "A1")["title"] == "苗族古歌"


def test_ragged_and_short_rows(db, tmp_path):
    path = write_csv(tmp_path / "a.csv", HEADER + GOOD + "A3,侗族大歌,传统音乐,侗族,贵州省黎平县,,合唱,多余\nA4,短行\n")
    report = run(db, path)
    assert_nothing_written(db, report, "第 4 行：有 8 格", "第 5 行：只有 2 格")


def test_skip_invalid_keeps_only_valid_rows(db, tmp_path):
    path = write_csv(tmp_path / "a.csv", HEADER + GOOD + "A4,短行\n")
    report = run(db, path, skip_invalid=True)
    assert report.committed and report.created == 2 and report.skipped == 1
    assert count(db, RECORD) == 2


def test_unclosed_quote_is_detected_not_swallowed(db, tmp_path):
    rows = 'A1,"苗族古歌,民间文学,苗族,贵州省台江县,,创世史诗\n' + "".join(
        f"B{i},记录{i},民俗,苗族,贵州省台江县,,正文\n" for i in range(50)
    )
    report = run(db, write_csv(tmp_path / "a.csv", HEADER + rows))
    assert_nothing_written(db, report, "第 2 行", "引号没有闭合")


def test_quote_closed_far_below_is_detected(db, tmp_path):
    rows = 'A1,"苗族古歌,民间文学,苗族,贵州省台江县,,创世史诗\nB1,记录,民俗,苗族,贵州省台江县,,正文"\n'
    report = run(db, write_csv(tmp_path / "a.csv", HEADER + rows), skip_invalid=True)
    assert count(db, RECORD) == 0 and report.problems


@pytest.mark.parametrize(
    "row, header",
    [("A3,,民俗,,,,正文\n", "项目名称"), ("A3,记录,,,,,正文\n", "类别"), ("A3,  ,民俗,,,,正文\n", "项目名称")],
)
def test_an_empty_required_cell_is_named_by_row_and_column(db, tmp_path, row, header):
    path = write_csv(tmp_path / "a.csv", HEADER + GOOD + row)
    assert_nothing_written(db, run(db, path), f"第 4 行「{header}」列", f"必填：请填写{header}")
    report = run(db, path, skip_invalid=True)
    assert report.committed and report.skipped == 1 and count(db, RECORD) == 2


def test_a_source_id_that_belongs_to_another_entry_is_named_not_a_crash(db, tmp_path):
    run(db, write_csv(tmp_path / "a.csv", HEADER + GOOD))
    first = write_csv(tmp_path / "p.csv", "姓名,来源编号,项目\n王安江,名录:716,A1\n")
    assert run(db, first, kind=INHERITOR).committed
    (stored,) = store.iterate(db, INHERITOR)
    again = write_csv(tmp_path / "q.csv", "编号,姓名,来源编号,项目\nI9,王安江,名录:716,A1\n")
    report = run(db, again, kind=INHERITOR)
    assert not report.committed and count(db, INHERITOR) == 1
    assert f"第 2 行「来源编号」列：来源编号“名录:716”已属于编号 {stored['id']}" in report.render()
    same = write_csv(tmp_path / "r.csv", f"编号,姓名,来源编号,项目\n{stored['id']},王安江,名录:716,A1\n")
    assert run(db, same, kind=INHERITOR).committed and count(db, INHERITOR) == 1


def test_nul_bytes(db, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes((HEADER + GOOD + "A3,\x00bad,民俗,,,,\n").encode())
    assert_nothing_written(db, run(db, path), "第 4 行", "空字符")
    assert_nothing_written(db, run(db, path, skip_invalid=True), "空字符")


def test_oversized_field(db, tmp_path):
    path = write_csv(tmp_path / "a.csv", HEADER + f"A1,苗族古歌,民间文学,苗族,贵州省台江县,,{'歌' * 200_000}\n")
    assert_nothing_written(db, run(db, path), "第 2 行「基本内容」列", "内容过长：200000 字")


@pytest.mark.parametrize("text, message", [("", "文件为空"), ("\n\n", "文件为空"), (HEADER, "只有表头")])
def test_empty_and_header_only(db, tmp_path, text, message):
    assert_nothing_written(db, run(db, write_csv(tmp_path / "a.csv", text)), message)


def test_duplicate_and_unknown_headers(db, tmp_path):
    report = run(db, write_csv(tmp_path / "a.csv", "编号,项目名称,类别,项目名称,备注\nA1,甲,民俗,乙,丙\n"))
    assert_nothing_written(db, report, "表头「项目名称」：重复", "表头「备注」：未知的列")
    report = run(db, write_csv(tmp_path / "b.csv", "编号,项目名称,title,类别\nA1,甲,乙,民俗\n"))
    assert_nothing_written(db, report, "表头「title」：与「项目名称」是同一字段")
    report = run(db, write_csv(tmp_path / "c.csv", "编号,民族\nA1,苗族\n"))
    assert_nothing_written(db, report, "缺少必填列：项目名称、类别")


def test_duplicate_ids(db, tmp_path):
    path = write_csv(tmp_path / "a.csv", HEADER + GOOD + "A1,又一个,民俗,苗族,贵州省台江县,,正文\n")
    assert_nothing_written(db, run(db, path), "第 4 行「编号」列：与第 2 行重复")


@pytest.mark.parametrize(
    "row, where, message",
    [
        ("A1,苗族古歌,烹饪,苗族,贵州省台江县,,", "「类别」列", "未知的类别“烹饪”"),
        ("A1,苗族古歌,民间文学,火星族,贵州省台江县,,", "「民族」列", "未知的民族“火星族”"),
        ("A1,苗族古歌,民间文学,苗族,亚特兰蒂斯,,", "「分布区域」列", "无法识别的地区“亚特兰蒂斯”"),
        ("A1,苗族古歌,民间文学,苗族,贵州省台江县,农历十三月,", "「时间」列", "无法识别的日期"),
        ("A1,苗族古歌,民间文学,苗族,贵州省台江县,2月30日,", "「时间」列", "超出范围"),
        ("A 1,苗族古歌,民间文学,苗族,贵州省台江县,,", "「编号」列", "只能由字母"),
    ],
)
def test_bad_values_name_row_column_and_reason(db, tmp_path, row, where, message):
    report = run(db, write_csv(tmp_path / "a.csv", HEADER + row + "\n"))
    assert_nothing_written(db, report, f"第 2 行{where}", message)


def test_wrong_survey_date_format(db, tmp_path):
    path = write_csv(tmp_path / "a.csv", "项目名称,类别,分布区域,调查日期\n甲,民俗,贵州省,2024年13月1日\n")
    assert_nothing_written(db, run(db, path), "「调查日期」列", "应写作 2024-05-01")


def test_dry_run_reports_and_changes_nothing(db, tmp_path):
    report = run(db, write_csv(tmp_path / "a.csv", HEADER + GOOD), dry_run=True)
    assert report.created == 2 and not report.committed and "试运行" in report.render()
    assert count(db, RECORD) == 0
    assert db.execute("SELECT count(*) FROM revisions").fetchone()[0] == 0


def test_english_headers_xlsx(db, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "title", "category", "ethnic_groups", "region_text", "survey_date"])
    sheet.append(["X1", "侗族大歌", "Ⅱ", "侗族", "贵州省黎平县", None])
    sheet.append(["X2", "藏戏", "4", "藏族", "西藏自治区拉萨市", None])
    book.save(tmp_path / "a.xlsx")
    report = run(db, tmp_path / "a.xlsx")
    assert report.committed and report.created == 2
    assert store.get(db, RECORD, "X1")["category"] == "传统音乐"


def test_broken_xlsx(db, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    assert_nothing_written(db, run(db, path), "无法读取 XLSX 文件")


def test_jsonl_with_lists_and_bad_lines(db, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        json.dumps(
            {
                "编号": "J1",
                "项目名称": "花儿",
                "类别": "传统音乐",
                "民族": ["回族", "东乡族"],
                "分布区域代码": ["622925"],
            },
            ensure_ascii=False,
        )
        + "\n{not json\n",
        "utf-8",
    )
    assert_nothing_written(db, run(db, path), "第 2 行：不是有效的 JSON")
    path.write_text(path.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    assert run(db, path).committed
    assert store.get(db, RECORD, "J1")["ethnic_groups"] == ["回族", "东乡族"]


def test_inheritors_link_to_records(db, tmp_path):
    run(db, write_csv(tmp_path / "a.csv", HEADER + GOOD))
    path = write_csv(tmp_path / "p.csv", "姓名,性别,民族,出生日期,项目,地区\n王安江,男,苗族,1935.11,A1,贵州省台江县\n")
    report = run(db, path, kind=INHERITOR)
    assert report.committed
    person = next(store.iterate(db, INHERITOR))
    assert person["items"] == ["A1"] and person["birth_date"] == "1935-11"
    bad = write_csv(tmp_path / "q.csv", "姓名,项目\n某人,不存在的项目\n")
    assert "找不到项目“不存在的项目”" in run(db, bad, kind=INHERITOR).render()


BIG_IMPORT = """
import sys
from pathlib import Path
from heritage.store import open_store
from heritage.importer import import_file
db = open_store(sys.argv[1])
def progress(done, total):
    if done == 2000:
        print("halfway", flush=True)
import_file(db, Path(sys.argv[2]), progress=progress)
"""


def test_sigkill_halfway_leaves_the_store_as_before(db, home, tmp_path):
    run(db, write_csv(tmp_path / "a.csv", HEADER + GOOD))
    before = (count(db, RECORD), db.execute("SELECT count(*) FROM revisions").fetchone()[0])
    rows = "".join(f"K{i},记录{i},民俗,苗族,贵州省台江县,,{'正文' * 200}\n" for i in range(20_000))
    path = write_csv(tmp_path / "big.csv", HEADER + rows)
    for _ in range(2):
        child = subprocess.Popen(
            [sys.executable, "-c", BIG_IMPORT, str(home), str(path)],
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ | {"PYTHONUNBUFFERED": "1"},
        )
        assert child.stdout.readline().strip() == "halfway"
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        child.stdout.close()
        time.sleep(0.1)
        after = (count(db, RECORD), db.execute("SELECT count(*) FROM revisions").fetchone()[0])
        assert after == before
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_rows_without_ref_are_matched_by_an_indexed_name(db):
    """Matching an imported row by its name must not scan every record (20 s for 2,000 rows on 3,800)."""
    for table, column in (("records", "title"), ("inheritors", "name")):
        plan = db.execute(f"EXPLAIN QUERY PLAN SELECT id FROM {table} WHERE {column} = ?", ["x"]).fetchall()
        assert "USING INDEX" in plan[0][3] or "USING COVERING INDEX" in plan[0][3], plan
