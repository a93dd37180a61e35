"""Inheritors as search sees them: whose names a reader may see, the records they carry on, and a
person as a search result.  What a reader may see is always heritage.visibility's rule; a name counts
for a reader only when both the name and the inheritor's items are open to them."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from heritage import store
from heritage.fields import INHERITOR_FIELDS
from heritage.regions import divisions
from heritage.visibility import OPENS, WITHHELD_NAME, view

_ROW = "i.id, i.name, i.access, i.field_access, i.version"


def _named(row: dict[str, Any], reader: str) -> str | None:
    """The inheritor's name if ``reader`` may see it and what they carry on, else None."""
    entity = row | {"field_access": json.loads(row["field_access"] or "{}"), "items": []}
    seen = view(entity, INHERITOR_FIELDS, reader)
    if seen is None or "items" not in seen or seen["name"] == WITHHELD_NAME or not seen["name"]:
        return None
    return seen["name"]


def _ids(values: Iterable[str]) -> str:
    return json.dumps(list(values))


def names(db: sqlite_utils.Database, reader: str) -> list[tuple[str, str]]:
    """(id, name) of every inheritor whose name and items ``reader`` may see, by id."""
    rows = db.query(f"SELECT {_ROW} FROM inheritors i ORDER BY i.id")
    return [(row["id"], name) for row in rows if (name := _named(row, reader))]


def names_by_record(
    db: sqlite_utils.Database, record_ids: Iterable[str] | None = None
) -> dict[str, dict[str, list[str]]]:
    """For each record (of some, or of all) with inheritors: {"ids": every inheritor's id, reader: the
    names that reader may see, for each reader}."""
    sql = f"SELECT x.record_id, {_ROW} FROM inheritor_items x JOIN inheritors i ON i.id = x.inheritor_id"
    params: list[str] = []
    if record_ids is not None:
        sql += " WHERE x.record_id IN (SELECT value FROM json_each(?))"
        params.append(_ids(record_ids))
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"ids": [], **{r: [] for r in OPENS}})
    for row in db.query(sql + " ORDER BY x.record_id, i.id", params):
        record_id = row.pop("record_id")
        found[record_id]["ids"].append(row["id"])
        for reader in OPENS:
            if name := _named(row, reader):
                found[record_id][reader].append(name)
    return dict(found)


def records_of(db: sqlite_utils.Database, inheritor_ids: Iterable[str]) -> list[str]:
    """The records these inheritors carry on, by id."""
    return [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT record_id FROM inheritor_items WHERE inheritor_id IN (SELECT value FROM json_each(?))"
            " ORDER BY record_id",
            [_ids(inheritor_ids)],
        )
    ]


def hidden_from(db: sqlite_utils.Database, reader: str, inheritor_ids: Iterable[str]) -> list[str]:
    """Of these inheritors, those whose name or items ``reader`` may not see, by id."""
    rows = db.query(
        f"SELECT {_ROW} FROM inheritors i WHERE i.id IN (SELECT value FROM json_each(?)) ORDER BY i.id",
        [_ids(inheritor_ids)],
    )
    return [row["id"] for row in rows if _named(row, reader) is None]


def person(db: sqlite_utils.Database, inheritor_id: str, reader: str) -> dict[str, Any] | None:
    """An inheritor as a search result for ``reader`` (None when not for them): id, name, sex, ethnic
    group, birth year (when the birth date is open to them), regions, and the items they may see (id, title,
    item number)."""
    seen = view(store.get(db, store.INHERITOR, inheritor_id), INHERITOR_FIELDS, reader)
    if seen is None:
        return None
    tree = divisions()
    items = [view(store.get(db, store.RECORD, record_id), reader=reader) for record_id in seen.get("items", [])]
    birth = seen.get("birth_date") or ""
    return {
        "id": seen["id"],
        "name": seen.get("name") or WITHHELD_NAME,
        "sex": seen.get("sex"),
        "ethnic_group": seen.get("ethnic_group"),
        "birth_year": int(birth[:4]) if birth[:4].isdigit() else None,
        "category": seen.get("category"),
        "regions": [
            {"code": c, "name": "".join(r.name for r in tree.ancestors(c)[-2:])} for c in seen.get("region_codes", [])
        ],
        "items": [
            {"id": item["id"], "title": item.get("title") or WITHHELD_NAME, "item_number": item.get("item_number")}
            for item in items
            if item
        ],
    }
