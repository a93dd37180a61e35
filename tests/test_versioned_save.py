"""The one versioned save, for each of the four kinds that use it: records, inheritors, exhibits, articles."""

import json

import pytest

from heritage import articles, exhibits, store
from heritage.db import write
from heritage.visibility import PUBLISHED

# kind: (entity name in revisions, save, a first version, a field to change, its new value)
KINDS = {
    "record": (
        "record",
        lambda db, e, user: store.put(db, store.RECORD, e, user),
        {"id": "T1", "title": "苗族古歌", "category": "民间文学", "status": PUBLISHED},
        "title",
        "苗族飞歌",
    ),
    "inheritor": (
        "inheritor",
        lambda db, e, user: store.put(db, store.INHERITOR, e, user),
        {"id": "P1", "name": "测试传承人", "sex": "女", "ethnic_group": "苗族"},
        "name",
        "测试传承人乙",
    ),
    "exhibit": ("exhibit", exhibits.put, {"id": "e1", "title": "苗族的歌", "intro": "介绍"}, "intro", "新的介绍"),
    "article": (
        "article",
        articles.put,
        {"id": "a1", "title": "保护条例", "published_on": "2024-05-01", "body": "正文"},
        "body",
        "新的正文",
    ),
}


GET = {
    "record": lambda db, i: store.get(db, store.RECORD, i),
    "inheritor": lambda db, i: store.get(db, store.INHERITOR, i),
    "exhibit": exhibits.get,
    "article": articles.get,
}


def _revisions(db, entity, entity_id):
    return list(
        db.query(
            "SELECT version, user, diff FROM revisions WHERE entity = ? AND entity_id = ? ORDER BY version",
            [entity, entity_id],
        )
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_save_that_changes_nothing_writes_nothing(db, kind):
    entity, save, first, _, _ = KINDS[kind]
    with write(db):
        assert save(db, dict(first), "张三") == "新增"
    before = db.conn.total_changes
    with write(db):
        assert save(db, dict(first), "李四") == "未变"
    assert db.conn.total_changes == before
    assert [r["version"] for r in _revisions(db, entity, first["id"])] == [1]


@pytest.mark.parametrize("kind", KINDS)
def test_a_save_bumps_the_version_and_writes_one_revision_with_the_diff(db, kind):
    entity, save, first, field, value = KINDS[kind]
    with write(db):
        save(db, dict(first), "张三")
    with write(db):
        assert save(db, first | {field: value}, "李四") == "更新"
    saved = GET[kind](db, first["id"])
    assert saved["version"] == 2 and saved[field] == value
    revisions = _revisions(db, entity, first["id"])
    assert [(r["version"], r["user"]) for r in revisions] == [(1, "张三"), (2, "李四")]
    assert json.loads(revisions[1]["diff"]) == {field: [first[field], value]}


@pytest.mark.parametrize("kind", KINDS)
def test_a_save_outside_a_write_transaction_is_refused(db, kind):
    entity, save, first, _, _ = KINDS[kind]
    with pytest.raises(RuntimeError, match="heritage.db.write"):
        save(db, dict(first), "张三")
    assert _revisions(db, entity, first["id"]) == []
