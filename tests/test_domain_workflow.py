"""heritage.workflow called directly: every move each role may and may not make, and the one write rule (refusals)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from heritage import history, store, vocab
from heritage.db import write
from heritage.importer import import_file
from heritage.workflow import LOCKED, OPERATOR, WorkflowError, locked, move, moves, refusals

ROLES = ("curator", "reviewer", "admin", "researcher")
# The census workflow as the README tells it: (from, to) -> who may make the move.
EDIT, REVIEW = {"curator", "reviewer", "admin"}, {"reviewer", "admin"}
ALLOWED = {
    ("线索", "调查中"): EDIT,
    ("退回", "调查中"): EDIT,
    ("调查中", "待审核"): EDIT,
    ("退回", "待审核"): EDIT,
    ("待审核", "已发布"): REVIEW,
    ("待审核", "退回"): REVIEW,
    ("线索", "退回"): REVIEW,
    ("已发布", "调查中"): REVIEW,
}


def _put(db, entity: dict, kind: store.Kind = store.RECORD) -> dict:
    with write(db):
        store.put(db, kind, entity, "test")
    return store.get(db, kind, entity["id"])


def _record(db, record_id: str, status: str, **values) -> dict:
    return _put(db, {"id": record_id, "title": "苗族蜡染技艺", "category": "传统技艺", "status": status} | values)


@pytest.mark.parametrize("role", ROLES + (OPERATOR,))
def test_the_moves_offered_are_exactly_those_the_role_may_make(role: str):
    for status in vocab.STATUSES:
        offered = {to for to, _label in moves(status, role)}
        assert offered == {to for (start, to), roles in ALLOWED.items() if start == status and role in roles}, status


def test_every_move_is_made_or_refused_by_role(db):
    wrong = []
    for number, (start, to, role) in enumerate(itertools.product(vocab.STATUSES, vocab.STATUSES, ROLES)):
        if start == to:
            continue
        record_id = f"M{number}"
        _record(db, record_id, start)
        try:
            with write(db):
                move(db, record_id, to, "甲", role, reason="资料不全")
            made = True
        except WorkflowError as refusal:
            made = False
            assert str(refusal) in ("您的角色不能修改记录", f"不能从“{start}”直接改为“{to}”") or str(
                refusal
            ).startswith("只有审核人可以"), str(refusal)
        if made != (role in ALLOWED.get((start, to), ())):
            wrong.append((start, to, role, made))
        assert store.get(db, store.RECORD, record_id)["status"] == (to if made else start)
    assert wrong == []


def test_publishing_records_the_reviewer_and_the_move_is_a_revision(db):
    _record(db, "R1", "待审核")
    with write(db):
        move(db, "R1", "已发布", "审核人乙", "reviewer")
    record = store.get(db, store.RECORD, "R1")
    assert (record["status"], record["reviewer"], record["version"]) == ("已发布", "审核人乙", 2)
    assert history.revisions(db, store.RECORD, "R1")[0]["note"] == "待审核 → 已发布"


def test_returning_needs_a_reason_and_keeps_it(db):
    _record(db, "R1", "待审核")
    with pytest.raises(WorkflowError, match="退回时必须写明原因"), write(db):
        move(db, "R1", "退回", "乙", "reviewer", reason="  ")
    with write(db):
        move(db, "R1", "退回", "乙", "reviewer", reason="缺少调查日期")
    record = store.get(db, store.RECORD, "R1")
    assert (record["status"], record["status_reason"]) == ("退回", "缺少调查日期")
    assert history.revisions(db, store.RECORD, "R1")[0]["note"] == "待审核 → 退回：缺少调查日期"


def test_a_move_on_a_stale_page_or_a_missing_record_is_refused(db):
    _record(db, "R1", "调查中")
    with pytest.raises(WorkflowError, match="已被他人修改"), write(db):
        move(db, "R1", "待审核", "甲", "curator", version=7)
    with pytest.raises(WorkflowError, match="没有编号为 R9 的记录"), write(db):
        move(db, "R9", "待审核", "甲", "curator")
    assert store.get(db, store.RECORD, "R1")["version"] == 1


def test_the_operator_may_write_anything(db):
    _record(db, "R1", "线索", access="internal")
    wide = {
        "id": "R1",
        "status": "已发布",
        "access": "public",
        "reviewer": "某人",
        "field_access": {"informant": "public"},
    }
    assert refusals(db, OPERATOR, store.RECORD, wide) == []
    assert refusals(db, OPERATOR, store.RECORD, wide | {"id": "NEW"}) == []


@pytest.mark.parametrize("role", ["researcher", "visitor", ""])
def test_only_editors_write(db, role: str):
    assert refusals(db, role, store.RECORD, {"id": "NEW", "status": "线索"}) == [("id", "您的角色不能修改记录")]


@pytest.mark.parametrize("role", ["curator", "reviewer", "admin"])
def test_a_new_record_starts_before_review(db, role: str):
    for status in ("线索", "调查中", "待审核", None):
        assert refusals(db, role, store.RECORD, {"id": "NEW", "status": status}) == [], status
    for status in ("已发布", "退回"):
        assert refusals(db, role, store.RECORD, {"id": "NEW", "status": status}) == [
            ("status", "新记录的状态应为 线索、调查中、待审核 之一：发布须经审核")
        ]


def test_a_status_changes_only_by_a_move_the_role_may_make(db):
    _record(db, "R1", "待审核")
    assert refusals(db, "curator", store.RECORD, {"id": "R1", "status": "已发布"}) == [
        ("status", "只有审核人可以审核通过并发布")
    ]
    assert refusals(db, "reviewer", store.RECORD, {"id": "R1", "status": "已发布"}) == []
    assert refusals(db, "admin", store.RECORD, {"id": "R1", "status": "线索"}) == [
        ("status", "不能从“待审核”直接改为“线索”")
    ]
    assert refusals(db, "reviewer", store.RECORD, {"id": "R1", "status": "退回"}) == [("status", "退回时必须写明原因")]
    assert refusals(db, "reviewer", store.RECORD, {"id": "R1", "status": "退回", "status_reason": "缺照片"}) == []
    # a blank status keeps the stored one: no move, nothing to refuse
    assert refusals(db, "curator", store.RECORD, {"id": "R1", "status": ""}) == []


@pytest.mark.parametrize("role", ["curator", "reviewer", "admin"])
def test_the_reviewer_is_recorded_by_publishing_never_written(db, role: str):
    _record(db, "R1", "调查中", reviewer="乙")  # published once, then taken back
    assert refusals(db, role, store.RECORD, {"id": "R1", "reviewer": "乙"}) == []
    assert refusals(db, role, store.RECORD, {"id": "R1", "reviewer": "丙"}) == [
        ("reviewer", "审核人在发布时自动记录，不能填写")
    ]
    assert refusals(db, role, store.RECORD, {"id": "NEW", "reviewer": "丙"}) == [
        ("reviewer", "审核人在发布时自动记录，不能填写")
    ]


def test_a_curator_never_opens_a_record_wider(db):
    _record(db, "R1", "调查中", access="researcher", field_access={"content": "internal"})
    same = {"id": "R1", "status": "调查中"}
    assert refusals(db, "curator", store.RECORD, same | {"access": "internal"}) == []  # narrowing is fine
    assert refusals(db, "curator", store.RECORD, same | {"access": None}) == []  # blank keeps the stored level
    assert refusals(db, "curator", store.RECORD, same | {"access": "public"}) == [
        ("access", "普查员不能放宽访问级别（“研究人员”改为“公开”），请交审核人修改")
    ]
    assert refusals(
        db, "curator", store.RECORD, same | {"field_access": {"informant": "researcher", "content": "internal"}}
    ) == [("field_access", "普查员不能放宽“讲述人”的可见范围（“内部”改为“研究人员”），请交审核人修改")]
    # dropping a field's level returns it to its default: 基本内容 becomes public again
    assert [
        name for name, _ in refusals(db, "curator", store.RECORD, same | {"field_access": {"title": "internal"}})
    ] == ["field_access"]
    for role in ("reviewer", "admin"):
        assert (
            refusals(db, role, store.RECORD, same | {"access": "public", "field_access": {"informant": "public"}}) == []
        )


def test_a_new_record_may_have_any_levels_but_a_new_inheritor_not_wider_than_the_defaults(db):
    assert refusals(db, "curator", store.RECORD, {"id": "NEW", "field_access": {"informant": "public"}}) == []
    assert refusals(db, "curator", store.INHERITOR, {"id": "P1", "name": "甲", "access": "public"}) == []
    assert refusals(
        db, "curator", store.INHERITOR, {"id": "P1", "name": "甲", "field_access": {"phone": "public"}}
    ) == [("field_access", "普查员不能放宽“电话”的可见范围（“内部”改为“公开”），请交审核人修改")]
    assert (
        refusals(db, "reviewer", store.INHERITOR, {"id": "P1", "name": "甲", "field_access": {"phone": "public"}}) == []
    )


def test_an_existing_inheritor_is_not_opened_wider_by_a_curator(db):
    _put(db, {"id": "P1", "name": "甲", "access": "internal"}, store.INHERITOR)
    assert refusals(db, "curator", store.INHERITOR, {"id": "P1", "access": "researcher"}) == [
        ("access", "普查员不能放宽访问级别（“内部”改为“研究人员”），请交审核人修改")
    ]


def test_an_import_goes_through_the_rule(db, tmp_path: Path):
    sheet = tmp_path / "records.csv"
    sheet.write_text("编号,项目名称,类别,状态\nR1,苗族蜡染技艺,传统技艺,已发布\n", "utf-8")
    refused = import_file(db, sheet, role="curator")
    assert not refused.committed and store.get(db, store.RECORD, "R1") is None
    assert [(p.row, p.column) for p in refused.problems if "发布须经审核" in p.reason] == [(2, "状态")]
    assert import_file(db, sheet, role=OPERATOR).committed


def test_a_restore_goes_through_the_rule(db):
    _record(db, "R1", "调查中", access="public")
    _record(db, "R1", "调查中", access="internal")
    with pytest.raises(WorkflowError, match="普查员不能放宽访问级别"), write(db):
        history.restore(db, store.RECORD, "R1", 1, "甲", role="curator")
    assert store.get(db, store.RECORD, "R1")["access"] == "internal"
    with write(db):
        history.restore(db, store.RECORD, "R1", 1, "乙", role="reviewer")
    assert store.get(db, store.RECORD, "R1")["access"] == "public"


def test_a_published_record_is_changed_only_by_a_reviewer(db, tmp_path: Path):
    _record(db, "R1", "已发布", content="旧的说明。")
    edit = {"id": "R1", "content": "未经审核的新说明。"}
    assert refusals(db, "curator", store.RECORD, edit) == [("status", LOCKED)]
    assert locked(store.get(db, store.RECORD, "R1"), "curator") == LOCKED
    for role in ("reviewer", "admin", OPERATOR):
        assert refusals(db, role, store.RECORD, edit) == [] and locked(store.get(db, store.RECORD, "R1"), role) is None
    sheet = tmp_path / "records.csv"
    sheet.write_text("编号,项目名称,类别,基本内容\nR1,苗族蜡染技艺,传统技艺,导入的新说明。\n", "utf-8")
    refused = import_file(db, sheet, role="curator")
    assert not refused.committed and [(p.row, p.column) for p in refused.problems] == [(2, "状态")]
    assert store.get(db, store.RECORD, "R1")["content"] == "旧的说明。"
    # once a reviewer takes it back to 调查中, the curator edits it and it goes through review again
    with write(db):
        move(db, "R1", "调查中", "乙", "reviewer")
    assert refusals(db, "curator", store.RECORD, edit) == []
