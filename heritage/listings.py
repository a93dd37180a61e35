"""Lists of records and inheritors as the site and the workspace show them: the queues by status,
what a reader may see (for listings, the calendar and the sitemap), featured records, a record's
inheritors.  What a reader may see is always heritage.visibility's rule."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import sqlite_utils

from heritage import store
from heritage.fields import INHERITOR_FIELDS, RECORD_FIELDS
from heritage.store import Kind
from heritage.visibility import PUBLIC, sql_condition, view


def status_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """How many records are in each status (statuses without records are left out)."""
    return dict(db.execute("SELECT status, count(*) FROM records GROUP BY status").fetchall())


def _queue(status: str, query: str) -> tuple[str, list[Any]]:
    if query:
        return "status = ? AND (title LIKE ? OR id = ?)", [status, f"%{query}%", query]
    return "status = ?", [status]


def queue_count(db: sqlite_utils.Database, status: str, query: str = "") -> int:
    """How many records of one status a queue holds (``query``: part of a title, or an id)."""
    where, params = _queue(status, query)
    return db.execute(f"SELECT count(*) FROM records WHERE {where}", params).fetchone()[0]


def queue_ids(db: sqlite_utils.Database, status: str, query: str, limit: int, offset: int) -> list[str]:
    """One page of a queue's record ids, oldest change first (the longest waiting on top)."""
    where, params = _queue(status, query)
    # searched, the matches are found in the (status, title, id, updated_at) index and then sorted: walking
    # the queue in (status, updated_at) order would read every row of the status to find a rare name
    order = "+updated_at, id" if query else "updated_at, id"
    return [
        row[0]
        for row in db.execute(
            f"SELECT id FROM records WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset]
        )
    ]


def visible_count(db: sqlite_utils.Database, kind: Kind, reader: str = PUBLIC) -> int:
    """How many records or inheritors ``reader`` may open."""
    where, params = sql_condition(reader, kind.fields)
    return db.execute(f"SELECT count(*) FROM {kind.table} WHERE {where}", params).fetchone()[0]


def visible_page(
    db: sqlite_utils.Database, kind: Kind, limit: int, offset: int = 0, reader: str = PUBLIC
) -> list[tuple[str, str]]:
    """One page, in id order, of the records or inheritors ``reader`` may open: (id, updated_at)."""
    where, params = sql_condition(reader, kind.fields)
    return [
        tuple(row)
        for row in db.execute(
            f"SELECT id, updated_at FROM {kind.table} WHERE {where} ORDER BY id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    ]


def updated_at(db: sqlite_utils.Database, kind: Kind, entity_id: str) -> str | None:
    """When a record or an inheritor last changed, or None when there is none."""
    row = db.execute(f"SELECT updated_at FROM {kind.table} WHERE id = ?", [entity_id]).fetchone()
    return row[0] if row else None


def featured_ids(db: sqlite_utils.Database, category: str, count: int) -> list[str]:
    """The first ``count`` records of a category that the public may see and that came with the
    corpus (no national-list ref), in id order."""
    where, params = sql_condition(PUBLIC)
    return [
        row[0]
        for row in db.execute(
            f"SELECT id FROM records WHERE {where} AND ref IS NULL AND category = ? ORDER BY id LIMIT ?",
            [*params, category, count],
        )
    ]


def festivals(db: sqlite_utils.Database, reader: str = PUBLIC) -> Iterator[dict[str, Any]]:
    """The records with date rules (festivals), as ``reader`` may see them, in id order."""
    where, params = sql_condition(reader)
    for record in store.iterate(
        db, store.RECORD, f"{where} AND id IN (SELECT record_id FROM record_values WHERE field = 'dates')", params
    ):
        seen = view(record, reader=reader)
        if seen:
            yield seen


def inheritors(
    db: sqlite_utils.Database, reader: str = PUBLIC, record_id: str | None = None, name: str = ""
) -> list[dict[str, Any]]:
    """The inheritors ``reader`` may see (of one record, if given; whose name as the reader sees it
    contains ``name``, if given), as listing rows: views of id, name, sex, ethnic group, category,
    level, batch, year and place, in name order."""
    where, params = sql_condition(reader, INHERITOR_FIELDS)
    if record_id is not None:
        where += " AND id IN (SELECT inheritor_id FROM inheritor_items WHERE record_id = ?)"
        params.append(record_id)
    rows = db.query(
        "SELECT id, name, sex, ethnic_group, category, level, batch, year, region_text, access, field_access, version"
        f" FROM inheritors WHERE {where}",
        params,
    )
    people = [
        view(row | {"field_access": json.loads(row["field_access"] or "{}")}, INHERITOR_FIELDS, reader) for row in rows
    ]
    shown = (p for p in people if p and name in (p.get("name") or ""))  # a hidden name is never matched
    return sorted(shown, key=lambda p: (p.get("name") or "", p["id"]))


def inheritor_names(db: sqlite_utils.Database, record_id: str) -> list[dict[str, Any]]:
    """Every inheritor of a record, whoever may see them (for the workspace): id and name, by name."""
    return list(
        db.query(
            "SELECT i.id, i.name FROM inheritor_items x JOIN inheritors i ON i.id = x.inheritor_id"
            " WHERE x.record_id = ? ORDER BY i.name",
            [record_id],
        )
    )


def inheritor_items(
    db: sqlite_utils.Database, inheritor_ids: list[str], reader: str = PUBLIC
) -> dict[str, list[dict[str, Any]]]:
    """The items ``reader`` may see of some inheritors: inheritor id -> views of id and title, in order."""
    where, params = sql_condition(reader, alias="r")
    items: dict[str, list[dict[str, Any]]] = {}
    for row in db.query(
        "SELECT x.inheritor_id, r.id, r.title, r.status, r.access, r.field_access FROM inheritor_items x"
        # CROSS JOIN keeps this order: the inheritors' items first, each record by its id (not every visible record)
        " CROSS JOIN records r ON r.id = x.record_id WHERE x.inheritor_id IN (SELECT value FROM json_each(?))"
        f" AND {where} ORDER BY x.inheritor_id, x.position",
        [json.dumps(inheritor_ids), *params],
    ):
        seen = view(row | {"field_access": json.loads(row["field_access"] or "{}")}, RECORD_FIELDS, reader)
        if seen:
            items.setdefault(row["inheritor_id"], []).append(seen)
    return items
