"""The census figures (heritage.census) and the XLSX report, checked against records and inheritors
made through the real store: coverage and gaps, the workflow, completeness, risk, what the public
may count, and `heritage report` with good and bad arguments."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from heritage import census, store
from heritage.cli import main
from heritage.db import write
from heritage.report import Count, tables, write_xlsx
from heritage.visibility import PUBLIC

THIS_YEAR = dt.date.today().year
TAIJIANG, LEISHAN, QIANDONGNAN, GUIZHOU = "522630", "522634", "522600", "520000"
RECORDS = [
    # id, title, category, status, access, region codes, vitality, field access, user
    ("A1", "台江甲项目", "民俗", "已发布", "public", [TAIJIANG], "濒危", {}, "zhang"),
    ("A2", "台江乙项目", "传统技艺", "已发布", "public", [TAIJIANG, LEISHAN], "良好", {}, "zhang"),
    ("A3", "雷山待审项目", "传统技艺", "待审核", "public", [LEISHAN], "濒危", {}, "li"),
    ("A4", "雷山内部项目", "传统音乐", "已发布", "internal", [LEISHAN], "濒临消失", {}, "li"),
    ("A5", "州级项目", "民俗", "已发布", "public", [QIANDONGNAN], "濒危", {"vitality": "internal"}, "zhang"),
    ("A6", "云南项目", "民俗", "已发布", "public", ["530000"], "一般", {}, "zhang"),
]
PEOPLE = [
    # id, name, sex, birth, death year, batch, items, access
    ("P1", "老传承人", "女", f"{THIS_YEAR - 75}-03", None, 3, ["A1"], "public"),
    ("P2", "已故传承人", "男", f"{THIS_YEAR - 95}", 2001, 1, ["A2"], "public"),
    ("P3", "年轻传承人", "男", f"{THIS_YEAR - 45}-01-02", None, 5, ["A3"], "public"),
    ("P4", "内部传承人", "男", f"{THIS_YEAR - 82}", None, 5, ["A4"], "internal"),
    ("P5", "不详传承人", "女", None, None, None, ["A1"], "public"),
]


def make(db) -> None:
    """The records and inheritors above, saved through the real store."""
    with write(db):
        for record_id, title, category, status, access, codes, vitality, hidden, user in RECORDS:
            record = {"id": record_id, "title": title, "category": category, "status": status, "access": access}
            record |= {"region_codes": codes, "vitality": vitality, "field_access": hidden}
            store.put(db, store.RECORD, record, user)
        for person_id, name, sex, born, died, batch, items, access in PEOPLE:
            person = {"id": person_id, "name": name, "sex": sex, "birth_date": born, "death_year": died}
            person |= {"batch": batch, "items": items, "access": access, "region_codes": [TAIJIANG]}
            store.put(db, store.INHERITOR, person, "zhang")


@pytest.fixture
def made(db):
    make(db)
    return db


def guizhou(db, reader=None):
    return census.census(db, census.scope(GUIZHOU), reader)


def test_coverage_counts_records_per_county_and_finds_the_gaps(made):
    found = guizhou(made)
    assert found.ids("total") == ["A1", "A2", "A3", "A4", "A5"]  # 云南 is outside the area
    assert found.ids("place", TAIJIANG) == ["A1", "A2"]
    assert found.ids("place", LEISHAN) == ["A2", "A3", "A4"]
    assert found.ids("unplaced") == ["A5"]  # written down to the prefecture only
    assert len(found.units) == 88 and {u.code for u in found.units} >= {TAIJIANG, LEISHAN}
    gaps = {u.code for u in found.gaps()}
    assert len(gaps) == 86 and TAIJIANG not in gaps and "522631" in gaps  # 黎平县 has none
    assert found.ids("category_place", f"传统技艺|{LEISHAN}") == ["A2", "A3"]
    assert found.ids("category", "民俗") == ["A1", "A5"]
    country = census.census(made, census.scope())
    assert country.ids("place", GUIZHOU) == ["A1", "A2", "A3", "A4", "A5"] and country.ids("place", "530000") == ["A6"]
    assert len(country.units) == 34


def test_workflow_counts_by_state_curator_and_month(made):
    found = guizhou(made)
    assert found.ids("status", "已发布") == ["A1", "A2", "A4", "A5"] and found.ids("status", "待审核") == ["A3"]
    assert found.ids("curator", "li|待审核") == ["A3"] and found.ids("curator", "zhang|已发布") == ["A1", "A2", "A5"]
    month = dt.date.today().isoformat()[:7]
    assert found.ids("created", month) == found.ids("saved", month) == ["A1", "A2", "A3", "A4", "A5"]
    # 民俗 expects 17 things; A1 has its title, category, place and vitality: 4/17 = 24 %
    assert "A1" in found.ids("completeness", "20–29")
    assert sum(found.count("completeness", key) for key in found.keys("completeness")) == 5


def test_risk_vitality_no_living_inheritor_aged_pyramid_and_batches(made):
    found = guizhou(made)
    assert found.ids("vitality", "濒危") == ["A1", "A3", "A5"] and found.ids("vitality", "濒临消失") == ["A4"]
    assert found.ids("no_living") == ["A2", "A5"]  # A2's inheritor died, A5 has none
    assert found.ids("aged") == ["A4"]  # A1 also has an inheritor of unknown age; A3's is 45
    assert found.ids("age", "女|70–79 岁") == ["P1"] and found.ids("age", "男|80–89 岁") == ["P4"]
    assert found.ids("age", "男|40–49 岁") == ["P3"] and found.ids("age", "女|出生年不详") == ["P5"]
    assert "P2" not in sum(found.sets["age"].values(), [])  # the dead are not in the pyramid
    assert found.ids("batch", "5") == ["P3", "P4"] and found.ids("batch", "未填") == ["P5"]


def test_public_counts_only_what_visibility_lets_them_see(made):
    found = guizhou(made, PUBLIC)
    assert found.ids("total") == ["A1", "A2", "A5"]  # not the unpublished A3 nor the internal A4
    assert found.ids("vitality", "濒危") == ["A1"] and found.ids("vitality", "未填") == ["A5"]  # A5's is internal
    assert "status" not in found.sets and "completeness" not in found.sets and "curator" not in found.sets
    assert not {"age", "batch", "no_living", "aged"} & set(found.sets)  # inheritor figures are the workspace's
    assert [t.name for t in tables(found)] == ["coverage", "gaps", "category", "vitality"]


def test_a_period_counts_the_records_entered_in_it(made):
    today = dt.date.today()
    assert census.census(made, census.scope(GUIZHOU, str(today), str(today))).count("total") == 5
    later = str(today + dt.timedelta(days=1))
    assert census.census(made, census.scope(GUIZHOU, later)).count("total") == 0


@pytest.mark.parametrize(
    ("region", "start", "end", "message"),
    [
        ("火星", None, None, "地区“火星”无法识别"),
        (None, "2024-02-30", None, "起始日期“2024-02-30”不是有效的日期"),
        (None, None, "2024/05/01", "结束日期“2024/05/01”不是有效的日期"),
        (None, "2024-05-02", "2024-05-01", "起始日期 2024-05-02 晚于结束日期 2024-05-01"),
    ],
)
def test_a_scope_that_cannot_be_read_says_why_in_chinese(region, start, end, message):
    with pytest.raises(census.ScopeError, match=message):
        census.scope(region, start, end)


def test_a_region_is_a_code_or_a_name():
    assert census.scope("黔东南").area.code == QIANDONGNAN
    assert census.scope("522630").area.name == "台江县"
    assert census.scope("全国").area is None and census.scope("").area is None


def sheet_numbers(path) -> dict[str, list[list]]:
    book = load_workbook(path, read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_the_report_holds_every_table_with_the_same_numbers(made, tmp_path):
    found = guizhou(made)
    path = tmp_path / "report.xlsx"
    write_xlsx(found, path)
    sheets = sheet_numbers(path)
    assert sheets["说明"][1] == ["范围", "贵州省"] and sheets["说明"][3] == ["记录数", 5]
    for table in tables(found):
        rows = sheets[table.title[:31]]
        assert tuple(rows[0]) == table.columns
        written = [[c.value if isinstance(c, Count) else c or None for c in row] for row in table.rows]
        assert written == rows[1:]  # an empty cell reads None
    coverage = {row[1]: row[2] for row in sheets["覆盖：各地的记录数"][1:]}
    assert coverage[TAIJIANG] == 2 and coverage[LEISHAN] == 3 and coverage["522631"] == 0
    assert sheets["传承风险"][1][1] == 2 and sheets["传承风险"][2][1] == 1


def run_report(home, *args, env=None):
    return CliRunner().invoke(main, ["--home", str(home), "report", *args], env=env, catch_exceptions=False)


def test_heritage_report_writes_the_area_and_refuses_bad_arguments_in_chinese(made, home, tmp_path):
    out = tmp_path / "贵州.xlsx"
    (home / "site.cfg").write_text('REGION = "520000"\n', "utf-8")  # the deployment's area
    done = run_report(home, "-o", str(out))
    assert done.exit_code == 0, done.output
    assert "贵州省" in done.output and "5 条记录" in done.output
    assert sheet_numbers(out)["说明"][3] == ["记录数", 5]
    whole = run_report(home, "--region", "全国", "-o", str(tmp_path / "all.xlsx"))
    assert whole.exit_code == 0 and "6 条记录" in whole.output
    (home / "site.cfg").unlink()
    chosen = run_report(home, "-o", str(tmp_path / "yn.xlsx"), env={"HERITAGE_REGION": "云南"})
    assert chosen.exit_code == 0 and "云南省" in chosen.output and "1 条记录" in chosen.output
    for args, message in (
        (("--region", "火星"), "错误：地区“火星”无法识别"),
        (("--from", "2024-13-01"), "错误：起始日期“2024-13-01”不是有效的日期"),
        (("--from", "2025-01-02", "--to", "2025-01-01"), "错误：起始日期 2025-01-02 晚于结束日期 2025-01-01"),
    ):
        refused = run_report(home, *args, "-o", str(tmp_path / "bad.xlsx"))
        assert refused.exit_code == 1 and message in refused.output, refused.output
        assert not (tmp_path / "bad.xlsx").exists()
    wrong = run_report(home, "-o", str(tmp_path / "report.csv"))
    assert wrong.exit_code == 1 and "文件名应以 .xlsx 结尾" in wrong.output


def test_the_counts_are_read_from_their_file_and_the_lists_only_when_a_list_is_asked_for(home, db):
    make(db)
    assert census.precompute(home, db) == 3
    kept = census.census(db, census.Scope(), PUBLIC)  # as the worker kept it: the counts, and where the lists are
    counted = census._count(db, census.Scope(), PUBLIC, None)
    assert kept.listed is None and kept.count("total") == counted.count("total") > 0
    assert kept.keys("category") == counted.keys("category")
    assert kept.ids("total") == counted.ids("total") and kept.titles == counted.titles  # read now
