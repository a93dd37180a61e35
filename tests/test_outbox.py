"""The outbox's own functions, on a real store: what a save leaves, what a sync takes and marks done."""

import pytest

from heritage import outbox, store
from heritage.db import write
from heritage.visibility import PUBLISHED


def _save(db, record_id, title="苗族古歌"):
    with write(db):
        return store.put(
            db, store.RECORD, {"id": record_id, "title": title, "category": "民间文学", "status": PUBLISHED}, "张三"
        )


def test_an_empty_outbox(db):
    assert outbox.pending_count(db) == 0
    assert outbox.pending(db) == []
    assert outbox.last_position(db) == 0


def test_each_save_that_changes_something_leaves_one_pending_change(db):
    _save(db, "R1")
    _save(db, "R1")  # 未变: no change for the index
    _save(db, "R1", "苗族飞歌")
    changes = outbox.pending(db)
    assert [(c.entity, c.entity_id) for c in changes] == [("record", "R1"), ("record", "R1")]
    assert changes[0].position < changes[1].position and all(c.created_at for c in changes)
    assert outbox.pending_count(db) == 2
    assert outbox.last_position(db) == changes[1].position


def test_a_batch_is_the_oldest_pending_changes(db):
    for record_id in ("R3", "R1", "R2"):
        _save(db, record_id)
    assert [c.entity_id for c in outbox.pending(db, 2)] == ["R3", "R1"]


def test_marked_done_a_batch_leaves_the_rest_pending(db):
    for record_id in ("R1", "R2", "R3"):
        _save(db, record_id)
    outbox.mark_done(db, outbox.pending(db, 2))
    assert [c.entity_id for c in outbox.pending(db)] == ["R3"]
    assert outbox.pending_count(db) == 1


def test_marked_done_up_to_a_position_leaves_later_changes_pending(db):
    _save(db, "R1")
    snapshot = outbox.last_position(db)
    _save(db, "R2")
    outbox.mark_done_upto(db, snapshot)
    assert [c.entity_id for c in outbox.pending(db)] == ["R2"]
    assert outbox.last_position(db) > snapshot


def test_pending_ids_are_distinct_in_id_order_and_of_one_kind(db):
    _save(db, "R2")
    _save(db, "R1")
    _save(db, "R2", "苗族飞歌")
    with write(db):
        store.put(db, store.INHERITOR, {"id": "P1", "name": "测试传承人", "sex": "女", "ethnic_group": "苗族"}, "张三")
    assert outbox.pending_ids(db, store.RECORD.name) == ["R1", "R2"]
    assert outbox.pending_ids(db, store.INHERITOR.name) == ["P1"]


def test_marking_done_is_a_transaction_of_its_own(db):
    _save(db, "R1")
    with write(db), pytest.raises(RuntimeError):
        outbox.mark_done(db, outbox.pending(db))
    assert outbox.pending_count(db) == 1
