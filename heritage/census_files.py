"""Census figures kept as files in the data folder (``census/``), so that the index sync worker, a
process of its own, counts them once and the site's requests only read them.

They are derived: each file names the store's state it was counted from, and is used only while the
store is in that state; the store stays the one source of truth."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils

FOLDER = "census"
FORMAT = 2  # raised whenever what a file holds changes: older files are then counted again


def _folder(db: sqlite_utils.Database) -> Path | None:
    """``census/`` beside the store's file (None for a store in memory)."""
    stored = db.execute("PRAGMA database_list").fetchone()[2]
    return Path(stored).parent / FOLDER if stored else None


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:24]


def _path(db: sqlite_utils.Database, name: Any, state: Any) -> Path | None:
    """The file of a name for a state: named by both, so that whether it is current is whether it exists."""
    folder = _folder(db)
    return folder / f"{_digest(name)}-{_digest(state)}.json" if folder else None


def current(db: sqlite_utils.Database, name: Any, state: Any) -> bool:
    """Whether something is kept under a name for this state (without reading it)."""
    path = _path(db, name, state)
    return bool(path and path.is_file())


def read(db: sqlite_utils.Database, name: Any, state: Any) -> dict[str, Any] | None:
    """What was kept under a name when the store was in this state, or None."""
    return _read(_path(db, name, state), name, state)


def later(db: sqlite_utils.Database, name: Any, state: Any) -> Callable[[], dict[str, Any] | None]:
    """:func:`read` of a name and a state when called, without the connection (which a request closes)."""
    path = _path(db, name, state)
    return lambda: _read(path, name, state)


def _read(path: Path | None, name: Any, state: Any) -> dict[str, Any] | None:
    try:
        kept = json.loads(path.read_text("utf-8")) if path else None
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("format") != FORMAT:
        return None
    return kept["content"] if kept.get("name") == name and kept.get("state") == state else None


def write(db: sqlite_utils.Database, name: Any, state: Any, content: dict[str, Any]) -> None:
    """Keep content under a name for the store's state, replacing the file at once (readers never see half),
    and remove what was kept under the name for earlier states."""
    path = _path(db, name, state)
    if path is None:
        return
    path.parent.mkdir(exist_ok=True)
    kept = {"format": FORMAT, "name": name, "state": state, "content": content}
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(kept, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for earlier in path.parent.glob(f"{_digest(name)}-*.json"):
        if earlier != path:
            earlier.unlink(missing_ok=True)
