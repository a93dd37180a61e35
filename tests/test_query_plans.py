"""The page queries that must not read a whole table at 10^6 records: what each function really runs
(traced on its connection) is planned by SQLite as a search through an index, or, for a query that
needs every group, read from an index alone (bench/store_scale.py measures them at 10^6)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from heritage import census, history, listings, store
from heritage.db import write
from heritage.visibility import PUBLISHED, RESEARCHER

BIG = ("records", "inheritors", "record_values", "revisions")


def _stored(db) -> None:
    with write(db):
        for n in range(30):
            record = {"id": f"R{n:03d}", "title": f"项目{n % 7}", "category": "传统技艺", "status": PUBLISHED}
            store.put(db, store.RECORD, record | {"region_codes": ["520000"]}, "test")
            store.put(db, store.INHERITOR, {"id": f"P{n:03d}", "name": f"传承人{n}", "items": [f"R{n:03d}"]}, "test")


def _plans(db, call: Callable[[], object]) -> list[str]:
    """The query-plan lines of every SELECT the call runs on the connection."""
    ran: list[str] = []
    db.conn.set_trace_callback(ran.append)
    try:
        call()
    finally:
        db.conn.set_trace_callback(None)
    return [
        row[-1]
        for sql in ran
        if sql.lstrip().upper().startswith(("SELECT", "WITH"))
        for row in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
    ]


def _whole_tables(plans: list[str]) -> list[str]:
    return [p for p in plans if p.split()[:2] in (["SCAN", t] for t in BIG) and "COVERING INDEX" not in p]


CALLS = {
    "a sitemap file": lambda db: listings.visible_page(db, store.RECORD, 10, 20),
    "a sitemap file of inheritors": lambda db: listings.visible_page(db, store.INHERITOR, 10, 20),
    "the sitemap's count": lambda db: listings.visible_count(db, store.RECORD),
    "the sitemap's count for researchers": lambda db: listings.visible_count(db, store.RECORD, RESEARCHER),
    "the inheritors' count": lambda db: listings.visible_count(db, store.INHERITOR),
    "field access overrides": lambda db: store.field_access_overrides(db, store.RECORD),
    "inheritors' field access overrides": lambda db: store.field_access_overrides(db, store.INHERITOR),
    "a queue page": lambda db: listings.queue_ids(db, PUBLISHED, "", 50, 100),
    "a queue's count": lambda db: listings.queue_count(db, PUBLISHED),
    "a queue searched by name": lambda db: listings.queue_ids(db, PUBLISHED, "项目", 50, 0),
    "a queue's count searched by name": lambda db: listings.queue_count(db, PUBLISHED, "项目"),
    "a record": lambda db: store.get(db, store.RECORD, "R001"),
}


@pytest.mark.parametrize("name", CALLS)
def test_a_page_query_searches_an_index(db, name):
    _stored(db)
    plans = _plans(db, lambda: CALLS[name](db))
    assert plans and not _whole_tables(plans), plans
    searched = "searched" in name  # its few matches are sorted; the others are read in their order
    assert searched or all("TEMP B-TREE" not in p for p in plans), plans
    assert not searched or all("COVERING INDEX idx_records_status_title_id_updated_at" in p for p in plans[:1]), plans


def test_the_same_items_are_grouped_from_an_index_alone(db):
    _stored(db)
    plans = _plans(db, lambda: store.same_items(db))
    assert not _whole_tables(plans), plans
    assert any("COVERING INDEX idx_records_item_key_id" in p for p in plans), plans
    assert all("TEMP B-TREE" not in p for p in plans), plans


@pytest.mark.parametrize("reader", [None, RESEARCHER])
def test_a_province_census_reads_only_the_records_of_its_area(db, reader):
    _stored(db)
    with write(db):
        store.put(
            db, store.RECORD, {"id": "B1", "title": "京剧", "category": "传统戏剧", "region_codes": ["110000"]}, "t"
        )
    counted: list[census.Census] = []
    plans = _plans(db, lambda: counted.append(census.census(db, census.scope("520000"), reader)))
    whole = [p for p in plans if p.split()[:2] in (["SCAN", t] for t in ("records", "record_values", "revisions"))]
    assert plans and not whole, plans
    assert any("idx_record_values_field_value (field=? AND value=?)" in p for p in plans), plans  # by place
    assert counted[0].ids("total") == [f"R{n:03d}" for n in range(30)]


def test_the_items_of_a_page_of_inheritors_are_read_from_those_inheritors(db):
    _stored(db)
    plans = _plans(db, lambda: listings.inheritor_items(db, ["P001", "P002"]))
    assert plans[0].startswith("SEARCH x USING INDEX sqlite_autoindex_inheritor_items_1 (inheritor_id=?)"), plans
    assert any("(status=? AND access=? AND id=?)" in p for p in plans), plans  # each record by its id


def test_a_curators_recent_saves_are_read_from_their_saves(db):
    _stored(db)
    plans = _plans(db, lambda: history.recent_records(db, "test"))
    assert plans[0] == "SEARCH r USING INDEX idx_revisions_user_at (user=?)", plans  # not every revision
