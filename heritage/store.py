"""The census store: records and inheritors in SQLite, each save with a revision and an outbox row.

Reads assemble an entity from its row and its list values; ``put`` writes one inside a
transaction opened by :func:`heritage.db.write`, so that an import of many rows is one
all-or-nothing transaction.
"""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlite_utils

from heritage import outbox, versioned
from heritage.db import connect
from heritage.fields import INHERITOR_FIELDS, LIST_TYPES, RECORD_FIELDS, Field
from heritage.items import item_key
from heritage.migrations import migrate

DB_NAME = "heritage.db"
_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Kind:
    """What is stored about one kind of entity: its table, its list-values table, its fields."""

    name: str
    table: str
    values_table: str
    key: str
    fields: tuple[Field, ...]
    id_prefix: str


RECORD = Kind("record", "records", "record_values", "record_id", RECORD_FIELDS, "R")
INHERITOR = Kind("inheritor", "inheritors", "inheritor_values", "inheritor_id", INHERITOR_FIELDS, "P")
DEFAULTS = {"status": "待审核", "access": "public", "field_access": {}}


def open_store(home: str | Path, readonly: bool = False) -> sqlite_utils.Database:
    """Open (and for writers create and migrate) the store in a data folder."""
    home = Path(home)
    if readonly:
        return connect(home / DB_NAME, readonly=True)
    home.mkdir(parents=True, exist_ok=True)
    db = connect(home / DB_NAME)
    migrate(db)
    return db


def new_id(kind: Kind) -> str:
    """A fresh stable id such as R7K2M9QXA: never reused, safe in URLs."""
    return kind.id_prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(9))


def get(db: sqlite_utils.Database, kind: Kind, entity_id: str) -> dict[str, Any] | None:
    """One record or inheritor with all its fields, or None."""
    cursor = db.execute(f"SELECT * FROM {kind.table} WHERE id = ?", [entity_id])
    row = cursor.fetchone()
    if row is None:
        return None
    columns = [d[0] for d in cursor.description]
    return _assemble(db, kind, dict(zip(columns, row, strict=True)))


def find_id(db: sqlite_utils.Database, kind: Kind, column: str, value: str) -> str | None:
    """The id of the entity whose column (ref, sub_item_code, ...) has this value."""
    row = db.execute(f"SELECT id FROM {kind.table} WHERE {column} = ? ORDER BY id LIMIT 1", [value]).fetchone()
    return row[0] if row else None


def iterate(
    db: sqlite_utils.Database, kind: Kind, where: str = "", params: list | None = None
) -> Iterator[dict[str, Any]]:
    """Every entity of a kind, ordered by id, optionally filtered by a SQL condition."""
    sql = f"SELECT * FROM {kind.table} {'WHERE ' + where if where else ''} ORDER BY id"
    for row in db.query(sql, params or []):
        yield _assemble(db, kind, row)


def ids(db: sqlite_utils.Database, kind: Kind) -> Iterator[str]:
    """The ids of every entity of a kind, in order, streamed."""
    for row in db.execute(f"SELECT id FROM {kind.table} ORDER BY id"):
        yield row[0]


def iterate_some(db: sqlite_utils.Database, kind: Kind, entity_ids: Iterable[str]) -> Iterator[dict[str, Any]]:
    """These entities (those that exist), ordered by id."""
    return iterate(db, kind, "id IN (SELECT value FROM json_each(?))", [json.dumps(list(entity_ids))])


def _assemble(db: sqlite_utils.Database, kind: Kind, row: dict[str, Any]) -> dict[str, Any]:
    entity: dict[str, Any] = {}
    lists: dict[str, list[Any]] = {f.name: [] for f in kind.fields if f.type in LIST_TYPES}
    for field, value in db.execute(
        f"SELECT field, value FROM {kind.values_table} WHERE {kind.key} = ? ORDER BY field, position", [row["id"]]
    ):
        lists.setdefault(field, []).append(json.loads(value) if field == "native_names" else value)
    if kind is INHERITOR:
        lists["items"] = [
            r[0]
            for r in db.execute(
                "SELECT record_id FROM inheritor_items WHERE inheritor_id = ? ORDER BY position", [row["id"]]
            )
        ]
    for field in kind.fields:
        if field.type in LIST_TYPES:
            entity[field.name] = lists[field.name]
        elif field.type == "field_access":
            entity[field.name] = json.loads(row[field.name] or "{}")
        elif field.type == "bool" and row[field.name] is not None:
            entity[field.name] = bool(row[field.name])
        else:
            entity[field.name] = row[field.name]
    entity.update(version=row["version"], created_at=row["created_at"], updated_at=row["updated_at"])
    return entity


def diff(kind: Kind, old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields that differ, as {field: [old, new]}."""
    old = old or {}
    return {
        f.name: [old.get(f.name), new.get(f.name)]
        for f in kind.fields
        if f.name != "id" and _empty_as_none(old.get(f.name)) != _empty_as_none(new.get(f.name))
    }


def _empty_as_none(value: Any) -> Any:
    return None if value in ("", [], {}) else value


def put(db: sqlite_utils.Database, kind: Kind, entity: dict[str, Any], user: str, note: str = "") -> str:
    """Create or update one entity inside an open write transaction.

    Writes the row and its lists, a revision with the field diff (heritage.versioned), and an
    outbox row for the indexer.  Returns 新增, 更新 or 未变 (nothing written when nothing changed).
    """
    existing = get(db, kind, entity["id"])
    merged: dict[str, Any] = {f.name: entity.get(f.name) for f in kind.fields}
    for name, default in DEFAULTS.items():
        if name in merged and merged[name] in (None, {}):
            merged[name] = existing[name] if existing else default

    def write_rows(version: int, stamp: str, created_at: str) -> None:
        row = {f.name: _column_value(f, merged[f.name]) for f in kind.fields if f.type not in LIST_TYPES}
        row.update(version=version, updated_at=stamp, created_at=created_at)
        if kind is RECORD:
            row["item_key"] = item_key(merged["title"], merged["category"], merged["region_codes"] or [])
        db.execute(_upsert_sql(kind.table, tuple(row)), list(row.values()))
        _write_lists(db, kind, merged)
        outbox.add(db, kind.name, merged["id"], version, stamp)

    return versioned.save(db, kind.name, existing, merged, diff(kind, existing, merged), user, write_rows, note)


@cache
def _upsert_sql(table: str, columns: tuple[str, ...]) -> str:
    """One prepared upsert per kind: the hot path of an import writes plain SQL (see README, 基准)."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        f" ON CONFLICT(id) DO UPDATE SET {updates}"
    )


def _column_value(field: Field, value: Any) -> Any:
    if field.type == "field_access":
        return json.dumps(value or {}, ensure_ascii=False, sort_keys=True)
    if field.type == "bool" and value is not None:
        return int(value)
    return value


def _write_lists(db: sqlite_utils.Database, kind: Kind, entity: dict[str, Any]) -> None:
    entity_id = entity["id"]
    db.execute(f"DELETE FROM {kind.values_table} WHERE {kind.key} = ?", [entity_id])
    values = []
    for field in kind.fields:
        if field.type not in LIST_TYPES or (kind is INHERITOR and field.name == "items"):
            continue
        for position, value in enumerate(entity[field.name] or []):
            stored = json.dumps(value, ensure_ascii=False, sort_keys=True) if field.type == "native" else value
            values.append((entity_id, field.name, position, stored))
    db.conn.executemany(
        f"INSERT INTO {kind.values_table} ({kind.key}, field, position, value) VALUES (?, ?, ?, ?)", values
    )
    if kind is INHERITOR:
        db.execute("DELETE FROM inheritor_items WHERE inheritor_id = ?", [entity_id])
        db.conn.executemany(
            "INSERT INTO inheritor_items (inheritor_id, record_id, position) VALUES (?, ?, ?)",
            [(entity_id, record_id, position) for position, record_id in enumerate(entity["items"] or [])],
        )


def count(db: sqlite_utils.Database, kind: Kind) -> int:
    """How many entities of a kind the store holds."""
    return db.execute(f"SELECT count(*) FROM {kind.table}").fetchone()[0]


def versions(db: sqlite_utils.Database, kind: Kind) -> dict[str, int]:
    """Every entity of a kind: id -> the version saved last."""
    return {row[0]: row[1] for row in db.execute(f"SELECT id, version FROM {kind.table}")}


def field_access_overrides(db: sqlite_utils.Database, kind: Kind) -> dict[str, dict[str, str]]:
    """The entities whose ``field_access`` overrides a field's default access: id -> {field: access}, by id."""
    return {
        entity_id: json.loads(overrides)
        for entity_id, overrides in db.execute(
            f"SELECT id, field_access FROM {kind.table} WHERE field_access NOT IN ('', '{{}}') ORDER BY id"
        )
    }


def titles_and_aliases(db: sqlite_utils.Database, record_ids: Iterable[str] | None = None) -> list[str]:
    """The titles and aliases of the records (of some, or of all): the names the dictionary learns."""
    if record_ids is None:
        titles = db.execute("SELECT title FROM records").fetchall()
        aliases = db.execute("SELECT value FROM record_values WHERE field = 'aliases'").fetchall()
    else:
        ids = json.dumps(list(record_ids))
        titles = db.execute("SELECT title FROM records WHERE id IN (SELECT value FROM json_each(?))", [ids]).fetchall()
        aliases = db.execute(
            "SELECT value FROM record_values WHERE field = 'aliases' AND record_id IN (SELECT value FROM json_each(?))",
            [ids],
        ).fetchall()
    return [row[0] for row in titles + aliases]


def same_items(db: sqlite_utils.Database) -> list[list[str]]:
    """Records the store holds more than once for one item: the ids of each set of records with the
    same name, category and places (records of one item from one place, heritage.items), by id."""
    rows = db.execute(
        "SELECT item_key, id FROM records WHERE item_key IN"
        " (SELECT item_key FROM records GROUP BY item_key HAVING count(*) > 1) ORDER BY item_key, id"
    )
    return [[record_id for _, record_id in group] for _, group in itertools.groupby(rows, key=lambda row: row[0])]
