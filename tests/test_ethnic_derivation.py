"""Ethnic groups of national-list items derived from their text and place where unambiguous, and
recorded as derived (heritage.sources.derived_ethnic_groups)."""

import json

from heritage.importer import import_file
from heritage.sources import derived_ethnic_groups
from heritage.store import RECORD, find_id, get

QIANDONGNAN_COUNTY = "522630"  # 台江县, 黔东南苗族侗族自治州
BEIJING = "110101"


def test_a_group_named_twice_in_the_text_is_derived():
    assert derived_ethnic_groups("芦笙舞", "芦笙舞是苗族的舞蹈，苗族节日必跳。", [BEIJING]) == ["苗族"]


def test_a_group_named_once_is_derived_only_where_the_place_is_autonomous_for_it():
    text = "芦笙舞流行于苗族村寨。"
    assert derived_ethnic_groups("芦笙舞", text, [QIANDONGNAN_COUNTY]) == ["苗族"]
    assert derived_ethnic_groups("芦笙舞", text, [BEIJING]) == []


def test_ambiguous_evidence_derives_nothing():
    assert derived_ethnic_groups("盘歌", "苗族、侗族都唱盘歌，苗族尤多，侗族亦然。", [QIANDONGNAN_COUNTY]) == []
    assert derived_ethnic_groups("盘歌", "汉族与苗族杂居，苗族也唱。", [QIANDONGNAN_COUNTY]) == []
    assert derived_ethnic_groups("盘歌", "各族群众与苗族一同歌唱，苗族为主。", [BEIJING]) == []
    assert derived_ethnic_groups("盘歌", "盘歌流行于当地村寨。", [QIANDONGNAN_COUNTY]) == []  # a place alone
    assert derived_ethnic_groups("苗族盘歌", "侗族也唱，侗族人多。", [BEIJING]) == []  # the title says it


def test_an_imported_list_item_records_which_groups_were_derived(db, tmp_path):
    source = {"title": "芦笙舞（某寨芦笙舞）", "type": "传统舞蹈", "area": QIANDONGNAN_COUNTY, "rx_time": "2008"}
    items = [
        source | {"id": "T1", "content": "芦笙舞是苗族男子的舞蹈，苗族节日都跳。"},
        source | {"id": "T2", "title": "苗族芦笙舞", "content": "苗族的舞蹈。"},
    ]
    path = tmp_path / "list.jsonl"
    path.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in items), "utf-8")
    assert import_file(db, path, "ich-list").committed
    derived = get(db, RECORD, find_id(db, RECORD, "ref", "ihchina:T1"))
    assert derived["ethnic_groups"] == ["苗族"] and derived["derived_ethnic_groups"] == ["苗族"]
    named = get(db, RECORD, find_id(db, RECORD, "ref", "ihchina:T2"))
    assert named["ethnic_groups"] == ["苗族"] and named["derived_ethnic_groups"] == []
