"""The national list and its inheritors import completely, with regions, groups and links."""

import json

from heritage import corpus, store
from heritage.importer import import_file
from heritage.stats import census_stats
from heritage.store import RECORD
from tests.conftest import INHERITORS, NATIONAL_LIST, needs_shared


@needs_shared(INHERITORS)
@needs_shared(NATIONAL_LIST)
def test_national_list_and_inheritors(db):
    items = import_file(db, NATIONAL_LIST, "ich-list")
    assert items.committed and not items.problems and items.created == 3610
    stats = census_stats(db)
    no_province = db.execute(
        "SELECT count(*) FROM records r WHERE NOT EXISTS (SELECT 1 FROM record_values v"
        " WHERE v.record_id = r.id AND v.field = 'region_codes')"
    ).fetchone()[0]
    assert no_province == 0
    assert stats["county_coverage"] >= 0.80  # see README: 1,202 items name no county at all
    assert sum(1 for _ in db.query("SELECT DISTINCT record_id FROM record_values WHERE field = 'ethnic_groups'")) >= 600
    first = next(db.query("SELECT * FROM records WHERE ref = 'ihchina:12178'"))
    assert first["title"] == "苗族古歌" and first["batch"] == 1 and first["year"] == 2006
    assert "&lt;" not in first["content"] and not first["content"].startswith("申报地区")

    people = import_file(db, INHERITORS, "ich-inheritors")
    assert people.committed and not people.problems and people.created == 3995
    linked = db.execute("SELECT count(DISTINCT inheritor_id) FROM inheritor_items").fetchone()[0]
    assert linked >= 3900
    again = import_file(db, NATIONAL_LIST, "ich-list")
    assert again.unchanged == 3610


def _shipped(db):
    assert import_file(db, corpus.RECORDS_FILE, user="corpus").created == 285


def _list_item(number, title, category, place, code, item="", sub_item=""):
    return {
        "id": number,
        "num": item,
        "title": title,
        "type": category,
        "cate": "新增项目",
        "project_num": sub_item,
        "rx_time": "2006</br>(第一批)",
        "province": place,
        "area": code,
        "unit": place,
        "protect_unit": "",
        "content": f"申报地区或单位：{place}<br/>　　{title}的简介。",
    }


def test_the_list_links_the_items_the_store_already_holds(db, tmp_path):
    _shipped(db)
    listed = [
        _list_item(1, "火把节（彝族火把节）", "民俗", "四川省凉山彝族自治州", "513400", "Ⅹ-10", "Ⅹ-010_01_513400"),
        _list_item(2, "火把节（彝族火把节）", "民俗", "云南省楚雄彝族自治州", "532300", "Ⅹ-10", "Ⅹ-010_02_532300"),
        _list_item(3, "梭戛长角苗文化", "民俗", "贵州省六盘水市六枝特区", "520203"),
        _list_item(4, "梭戛长角苗文化", "传统美术", "贵州省六盘水市六枝特区", "520203"),  # another category
    ]
    path = tmp_path / "list.jsonl"
    path.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in listed), "utf-8")
    before = store.get(db, RECORD, "C001")
    report = import_file(db, path, "ich-list")
    assert report.committed and (report.created, report.updated) == (2, 2)
    assert store.count(db, RECORD) == len(listed) + 285 - 2
    fire = store.get(db, RECORD, "C001")
    assert fire["ref"] == "ihchina:1" and fire["sub_item_code"] == "Ⅹ-010_01_513400"
    kept = ("title", "aliases", "content", "history", "region_codes", "protecting_unit", "nominating_unit")
    assert {k: fire[k] for k in kept} == {k: before[k] for k in kept}
    assert fire["sources"] == [*before["sources"], "中国非物质文化遗产网·国家级非物质文化遗产代表性项目名录"]
    assert store.get(db, RECORD, "C003")["ref"] == "ihchina:3" and store.get(db, RECORD, "C003")["level"] == "国家级"
    again = import_file(db, path, "ich-list")
    assert again.unchanged == len(listed) and store.get(db, RECORD, "C001")["content"] == before["content"]


@needs_shared(NATIONAL_LIST)
def test_the_national_list_over_the_shipped_corpus_adds_no_copies(db):
    _shipped(db)
    shipped = {r["id"]: r for r in store.iterate(db, RECORD)}
    report = import_file(db, NATIONAL_LIST, "ich-list")
    assert report.committed and not report.problems
    unlisted = [r for r in store.iterate(db, RECORD) if r["id"] in shipped and not r["ref"]]
    assert len(unlisted) <= 15  # the shipped records of provincial items, and a few the list words otherwise
    assert store.count(db, RECORD) == 3610 + len(unlisted)
    for record in store.iterate(db, RECORD):
        own = shipped.get(record["id"])
        assert own is None or (record["title"], record["content"]) == (own["title"], own["content"])
