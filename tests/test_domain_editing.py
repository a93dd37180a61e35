"""heritage.editing and heritage.history called directly: a form's cells become an entity or Chinese errors per
field; a save on an old version is kept as a draft; every save is a revision that can be read back and restored."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage import editing, history, store
from heritage.db import write
from heritage.editing import Conflict, editable, parse_form, save

RECORD_CELLS = {"title": "苗族蜡染技艺", "category": "传统技艺"}


def _form(db, cells: dict, access: dict | None = None, kind: store.Kind = store.RECORD, links=None):
    return parse_form(db, kind, cells, access or {}, links)


def test_the_form_edits_every_field_but_the_id_workflow_and_own_inputs():
    names = {f.name for f in editable(store.RECORD)}
    assert {"id", "status", "status_reason", "reviewer", "field_access"}.isdisjoint(names)
    assert {"title", "category", "region_codes", "access", "informant"} <= names
    assert "items" not in {f.name for f in editable(store.INHERITOR)}


def test_a_good_form_gives_an_entity_and_no_errors(db):
    entity, errors = _form(
        db,
        RECORD_CELLS
        | {
            "year": "2006",
            "ethnic_groups": "苗族、侗族",
            "region_codes": "522630 贵州省黔东南苗族侗族自治州台江县\n黔东南",
        },
    )
    assert errors == {}
    assert (entity["title"], entity["year"], entity["ethnic_groups"]) == ("苗族蜡染技艺", 2006, ["苗族", "侗族"])
    assert entity["region_codes"] == ["522630", "522600"]
    assert entity["content"] is None and entity["artifacts"] == []


def test_each_bad_field_gets_its_own_chinese_error(db):
    _entity, errors = _form(db, RECORD_CELLS | {"year": "06", "level": "乡级", "ethnic_groups": "火星族"})
    assert set(errors) == {"year", "level", "ethnic_groups"}
    assert errors["year"] == "年份“06”应为四位数字，如 2006"
    assert "不是可选值" in errors["level"] and "未知的民族“火星族”" in errors["ethnic_groups"]


@pytest.mark.parametrize("missing", ["title", "category"])
def test_a_required_field_left_empty_is_an_error(db, missing: str):
    _entity, errors = _form(db, RECORD_CELLS | {missing: "  "})
    zh = next(f.zh for f in store.RECORD.fields if f.name == missing)
    assert errors == {missing: f"必填：请填写{zh}"}


def test_an_inheritor_needs_a_name(db):
    _entity, errors = _form(db, {"name": ""}, kind=store.INHERITOR)
    assert errors == {"name": "必填：请填写姓名"}


@pytest.mark.parametrize(
    "typed, message",
    [
        ("火星", "“火星”不是可识别的地名或行政区划代码"),
        ("朝阳区", "“朝阳区”可能是：北京市朝阳区（110105）"),
    ],
)
def test_a_region_that_cannot_be_told_is_an_error_with_suggestions(db, typed: str, message: str):
    _entity, errors = _form(db, RECORD_CELLS | {"region_codes": typed})
    assert set(errors) == {"region_codes"} and errors["region_codes"].startswith(message)


def test_region_text_alone_is_resolved_or_refused(db):
    entity, errors = _form(db, RECORD_CELLS | {"region_text": "贵州省台江县"})
    assert errors == {} and entity["region_codes"] == ["522630"]
    _entity, errors = _form(db, RECORD_CELLS | {"region_text": "火星"})
    assert list(errors) == ["region_text"] and "无法识别的地区“火星”" in errors["region_text"]


def test_only_levels_that_differ_from_a_field_default_are_kept(db):
    entity, _ = _form(
        db,
        RECORD_CELLS,
        access={
            "content": "internal",
            "title": "public",
            "informant": "secret",
            "access": "internal",
            "surveyor": "researcher",
        },
    )
    assert entity["field_access"] == {"content": "internal", "surveyor": "researcher"}


def test_an_inheritor_links_to_items_that_exist(db):
    with write(db):
        store.put(
            db, store.RECORD, {"id": "C1", "ref": "VIII-25", "title": "苗族蜡染技艺", "category": "传统技艺"}, "test"
        )
    entity, errors = _form(db, {"name": "甲"}, kind=store.INHERITOR, links=["VIII-25", "C1"])
    assert errors == {} and entity["items"] == ["C1"]
    _entity, errors = _form(db, {"name": "甲"}, kind=store.INHERITOR, links=["Z9"])
    assert errors == {"items": "找不到项目“Z9”：应为记录编号、来源编号、子项编码或项目编号"}


def test_save_creates_updates_and_notices_nothing_changed(db):
    entity = {"id": "R1"} | RECORD_CELLS
    assert save(db, store.RECORD, entity, None, "甲") == "新增"
    assert save(db, store.RECORD, entity | {"year": 2006}, 1, "甲") == "更新"
    assert save(db, store.RECORD, entity | {"year": 2006}, 2, "甲") == "未变"
    assert store.get(db, store.RECORD, "R1")["version"] == 2


def test_a_save_keeps_the_workflow_fields_stored(db):
    with write(db):
        store.put(db, store.RECORD, {"id": "R1", "status": "线索", "reviewer": None} | RECORD_CELLS, "test")
    save(db, store.RECORD, {"id": "R1", "status": "已发布", "reviewer": "我", "year": 2006} | RECORD_CELLS, 1, "甲")
    record = store.get(db, store.RECORD, "R1")
    assert (record["status"], record["reviewer"], record["year"]) == ("线索", None, 2006)


@pytest.mark.parametrize("base", [1, None])
def test_a_save_on_an_old_version_is_kept_as_a_draft(db, base):
    save(db, store.RECORD, {"id": "R1"} | RECORD_CELLS, None, "甲")
    save(db, store.RECORD, {"id": "R1", "year": 2006} | RECORD_CELLS, 1, "乙")
    mine = {"id": "R1", "year": 2008, "content": "我的修改"} | RECORD_CELLS
    with pytest.raises(Conflict) as conflict:
        save(db, store.RECORD, mine, base, "丙")
    assert conflict.value.current_version == 2
    assert f"已另存为草稿 #{conflict.value.draft_id}" in str(conflict.value) and "现为第 2 版" in str(conflict.value)
    stored = store.get(db, store.RECORD, "R1")
    assert (stored["version"], stored["year"], stored["content"]) == (2, 2006, None)
    kept = editing.draft(db, conflict.value.draft_id)
    assert (kept["entity"], kept["entity_id"], kept["base_version"], kept["current_version"], kept["user"]) == (
        "record",
        "R1",
        base,
        2,
        "丙",
    )
    assert kept["data"] == mine


def test_a_draft_that_does_not_exist_is_none(db):
    assert editing.draft(db, 42) is None


def test_every_save_is_a_revision_with_who_and_a_field_diff(db):
    save(db, store.RECORD, {"id": "R1"} | RECORD_CELLS, None, "甲", note="新建")
    save(db, store.RECORD, {"id": "R1", "year": 2006} | RECORD_CELLS | {"title": "蜡染技艺"}, 1, "乙")
    newest, first = history.revisions(db, store.RECORD, "R1")
    assert (newest["version"], newest["user"], first["version"], first["user"], first["note"]) == (
        2,
        "乙",
        1,
        "甲",
        "新建",
    )
    assert newest["diff"] == {"title": ["苗族蜡染技艺", "蜡染技艺"], "year": [None, 2006]}
    assert first["diff"]["title"] == [None, "苗族蜡染技艺"]
    assert history.revisions(db, store.RECORD, "R9") == []


def test_a_version_outside_the_history_is_none_and_cannot_be_restored(db):
    save(db, store.RECORD, {"id": "R1"} | RECORD_CELLS, None, "甲")
    assert [history.at_version(db, store.RECORD, "R1", v) for v in (0, 2)] == [None, None]
    assert history.at_version(db, store.RECORD, "R9", 1) is None
    with pytest.raises(ValueError, match="没有第 5 版"), write(db):
        history.restore(db, store.RECORD, "R1", 5, "甲")


def test_a_restore_is_a_new_revision_and_keeps_the_workflow_where_it_is(db):
    save(db, store.RECORD, {"id": "R1", "content": "初稿"} | RECORD_CELLS, None, "甲")
    save(db, store.RECORD, {"id": "R1", "content": "二稿"} | RECORD_CELLS, 1, "甲")
    with write(db):
        store.put(db, store.RECORD, store.get(db, store.RECORD, "R1") | {"status": "已发布", "reviewer": "乙"}, "乙")
        assert history.restore(db, store.RECORD, "R1", 1, "丙") == "更新"
    record = store.get(db, store.RECORD, "R1")
    assert (record["version"], record["content"], record["status"], record["reviewer"]) == (4, "初稿", "已发布", "乙")
    assert history.revisions(db, store.RECORD, "R1")[0]["note"] == "恢复到第 1 版"


_ids = itertools.count()
_edits = st.lists(
    st.fixed_dictionaries(
        {
            "title": st.sampled_from(["苗族蜡染技艺", "蜡染", "侗族大歌"]),
            "year": st.one_of(st.none(), st.integers(2006, 2021)),
            "ethnic_groups": st.lists(st.sampled_from(["苗族", "侗族", "布依族"]), unique=True, max_size=3),
            "access": st.sampled_from(["public", "researcher", "internal"]),
        }
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=_edits)
def test_every_saved_version_reads_back_as_it_was_saved(db, edits):
    record_id, saved = f"H{next(_ids)}", {}
    for edit in edits:
        entity = {"id": record_id, "category": "传统技艺"} | edit
        current = store.get(db, store.RECORD, record_id)
        if save(db, store.RECORD, entity, current and current["version"], "甲") != "未变":
            saved[store.get(db, store.RECORD, record_id)["version"]] = store.get(db, store.RECORD, record_id)
    for version, expected in saved.items():
        then = history.at_version(db, store.RECORD, record_id, version)
        assert then == {f.name: expected[f.name] for f in store.RECORD.fields} | {"version": version}
