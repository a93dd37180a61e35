"""A record's history: every save is a revision with who, when and a field diff; any version can be
read back, and restored (the restore is itself a new revision)."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from heritage import store
from heritage.store import Kind
from heritage.workflow import OPERATOR, WORKFLOW_FIELDS, WorkflowError, refusals


def last_change(db: sqlite_utils.Database) -> int | None:
    """The number of the newest revision of anything: a key that moves whenever the store changes."""
    return db.execute("SELECT max(id) FROM revisions").fetchone()[0]


def revisions(db: sqlite_utils.Database, kind: Kind, entity_id: str) -> list[dict[str, Any]]:
    """Every revision, newest first: version, user, at, note, diff ({field: [old, new]})."""
    rows = db.query(
        "SELECT version, user, at, note, diff FROM revisions WHERE entity = ? AND entity_id = ? ORDER BY version DESC",
        [kind.name, entity_id],
    )
    return [row | {"diff": json.loads(row["diff"] or "{}")} for row in rows]


def changed_since(db: sqlite_utils.Database, kind: Kind, entity_id: str, version: int, fields: tuple[str, ...]) -> bool:
    """True when a revision after ``version`` changed one of these fields."""
    paths = [f"$.{name}" for name in fields]
    changed = " OR ".join("json_type(diff, ?) IS NOT NULL" for _ in paths)
    return (
        db.execute(
            f"SELECT 1 FROM revisions WHERE entity = ? AND entity_id = ? AND version > ? AND ({changed}) LIMIT 1",
            [kind.name, entity_id, version, *paths],
        ).fetchone()
        is not None
    )


def at_version(db: sqlite_utils.Database, kind: Kind, entity_id: str, version: int) -> dict[str, Any] | None:
    """The entity as it was saved at a version (undoing the later diffs), or None."""
    current = store.get(db, kind, entity_id)
    if current is None or not 1 <= version <= current["version"]:
        return None
    entity = {f.name: current[f.name] for f in kind.fields}
    for revision in revisions(db, kind, entity_id):
        if revision["version"] <= version:
            break
        for name, (old, _new) in revision["diff"].items():
            entity[name] = old
    return entity | {"version": version}


def restore(
    db: sqlite_utils.Database, kind: Kind, entity_id: str, version: int, user: str, role: str = OPERATOR
) -> str:
    """Save an earlier version again, inside an open write transaction; returns what put() returns.
    Raises WorkflowError when the role may not make that write (a curator restoring a wider access)."""
    current = store.get(db, kind, entity_id)
    entity = at_version(db, kind, entity_id, version)
    if current is None or entity is None:
        raise ValueError(f"没有第 {version} 版")
    entity.pop("version")
    for name in WORKFLOW_FIELDS & set(entity):
        entity[name] = current[name]
    refused = refusals(db, role, kind, entity | {"id": entity_id})
    if refused:
        raise WorkflowError("；".join(reason for _, reason in refused))
    return store.put(db, kind, entity, user, note=f"恢复到第 {version} 版")


def latest(db: sqlite_utils.Database) -> int | None:
    """The newest revision's number (of any entity): it changes whenever anything is saved; None when empty."""
    return db.execute("SELECT max(id) FROM revisions").fetchone()[0]


def recent_records(db: sqlite_utils.Database, user: str, limit: int = 10) -> list[dict[str, Any]]:
    """The records a user saved last, newest first: id, at (their last save) and title."""
    return list(
        db.query(
            "SELECT r.entity_id AS id, max(r.at) AS at, c.title FROM revisions r JOIN records c ON c.id = r.entity_id"
            # +r.entity: read the user's saves through (user, at), not every record's revisions through entity
            " WHERE +r.entity = 'record' AND r.user = ? GROUP BY r.entity_id ORDER BY at DESC, max(r.id) DESC LIMIT ?",
            [user, limit],
        )
    )
