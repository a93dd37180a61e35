"""The outbox: every save leaves a row here for the search index, marked done once the index holds it.

Rows are positions in one sequence (their ids): a sync takes the oldest pending rows, applies them
and marks them done; a rebuild marks done everything up to the position it started from.  Marking
done is the last step, so a crash at any point leaves the rows pending and they are applied again.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from heritage.db import now, write


@dataclass(frozen=True)
class Change:
    """One pending outbox row: its position, what changed (entity kind and id) and when."""

    position: int
    entity: str
    entity_id: str
    created_at: str | None


def add(db: sqlite_utils.Database, entity: str, entity_id: str, version: int, stamp: str) -> None:
    """Leave a change for the index, inside the save's open write transaction."""
    db.execute(
        "INSERT INTO outbox (entity, entity_id, version, created_at) VALUES (?, ?, ?, ?)",
        [entity, entity_id, version, stamp],
    )


def pending_count(db: sqlite_utils.Database) -> int:
    """How many saved changes the search index has not taken in yet."""
    return db.execute("SELECT count(*) FROM outbox WHERE done_at IS NULL").fetchone()[0]


def pending(db: sqlite_utils.Database, limit: int | None = None) -> list[Change]:
    """The pending changes, oldest first (at most ``limit`` of them)."""
    rows = db.execute(
        "SELECT id, entity, entity_id, created_at FROM outbox WHERE done_at IS NULL ORDER BY id LIMIT ?",
        [-1 if limit is None else limit],
    ).fetchall()
    return [Change(*row) for row in rows]


def pending_ids(db: sqlite_utils.Database, entity: str) -> list[str]:
    """The ids of the entities of a kind (record, inheritor) with a pending change, in id order."""
    return [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT entity_id FROM outbox WHERE entity = ? AND done_at IS NULL ORDER BY entity_id", [entity]
        )
    ]


def last_position(db: sqlite_utils.Database) -> int:
    """The position of the newest change (0 when there is none): a rebuild's snapshot."""
    return db.execute("SELECT coalesce(max(id), 0) FROM outbox").fetchone()[0]


def mark_done(db: sqlite_utils.Database, changes: list[Change]) -> None:
    """Mark these changes done, in one write transaction of their own."""
    with write(db):
        db.conn.executemany(
            "UPDATE outbox SET done_at = ? WHERE id = ?", [(now(), change.position) for change in changes]
        )


def mark_done_upto(db: sqlite_utils.Database, position: int) -> None:
    """Mark every pending change up to a position done, in one write transaction of their own."""
    with write(db):
        db.execute("UPDATE outbox SET done_at = ? WHERE id <= ? AND done_at IS NULL", [now(), position])
