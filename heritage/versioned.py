"""The one versioned save: records, inheritors, exhibits and articles are each saved as a new
version with a revision (who, when, the field diff), and only when something changed.

Each kind keeps its own rules (cleaning, defaults, how fields compare) and its own rows; what a
save does around them is here, once."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import sqlite_utils

from heritage.db import now

# Writes an entity's rows for a version: (version, stamp, created_at).
RowWriter = Callable[[int, str, str], None]


def save(
    db: sqlite_utils.Database,
    entity: str,
    old: dict[str, Any] | None,
    new: dict[str, Any],
    changes: dict[str, list[Any]],
    user: str,
    write_rows: RowWriter,
    note: str = "",
) -> str:
    """Save ``new`` (an entity of kind ``entity`` whose stored state is ``old``, None when new) inside an
    open write transaction: nothing when an existing entity has no ``changes``, else its rows through
    ``write_rows`` at the next version and one revision with ``changes``.  Returns 新增, 更新 or 未变."""
    if not db.conn.in_transaction:
        raise RuntimeError(f"saving a {entity} must run inside heritage.db.write()")
    if old and not changes:
        return "未变"
    stamp = now()
    version = old["version"] + 1 if old else 1
    write_rows(version, stamp, old["created_at"] if old else stamp)
    db.execute(
        "INSERT INTO revisions (entity, entity_id, version, user, at, note, diff) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [entity, new["id"], version, user, stamp, note, json.dumps(changes, ensure_ascii=False)],
    )
    return "更新" if old else "新增"


def field_changes(old: dict[str, Any] | None, new: dict[str, Any], names: Iterable[str]) -> dict[str, list[Any]]:
    """The named fields that differ, as {field: [old, new]}; every one of them for a new entity."""
    return {name: [old.get(name) if old else None, new[name]] for name in names if not old or old[name] != new[name]}
