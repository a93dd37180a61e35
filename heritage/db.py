"""SQLite connections and the one write path: WAL, synchronous=FULL, BEGIN IMMEDIATE."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 30_000


def connect(path: str | Path, readonly: bool = False) -> sqlite_utils.Database:
    """Open the store; writers get WAL and synchronous=FULL, readers a read-only connection.

    :param path: the SQLite file
    :param readonly: open with ``mode=ro`` and ``query_only`` (public pages)
    """
    if readonly:
        conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA query_only=1")
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    return sqlite_utils.Database(conn)


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, opened with BEGIN IMMEDIATE; commits on success, rolls back on error.

    Every write to the store goes through here, so that a read-then-write never meets
    "database is locked" halfway: the write lock is taken before the first read.
    """
    conn = db.conn
    if conn.in_transaction:
        raise RuntimeError("write() does not nest: a transaction is already open")
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def now() -> str:
    """The current UTC time as ISO 8601 with seconds, the one timestamp format of the store."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
