"""The real reference data beside the checkout (../shared/data), and a store that holds it, for benchmarks.

A benchmark that needs it asks :func:`absent` first and stops with its message when the data is not there
(a fresh checkout has no ../shared)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from heritage.importer import import_file
from heritage.store import open_store

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NATIONAL_LIST = SHARED_DATA / "ich-national-list" / "records.jsonl"
INHERITORS = SHARED_DATA / "ich-inheritors" / "records.jsonl"


def absent() -> str | None:
    """Why the national list cannot be loaded here, or None when it can."""
    missing = [path for path in (NATIONAL_LIST, INHERITORS) if not path.exists()]
    return f"跳过：{missing[0]} 不存在" if missing else None


@contextmanager
def national_store() -> Iterator[tuple[Path, sqlite_utils.Database]]:
    """(data folder, store) of a new store in a temporary folder, with the national list and its
    inheritors imported; the folder is removed afterwards."""
    with tempfile.TemporaryDirectory() as work:
        home = Path(work) / "instance"
        db = open_store(home)
        for path, source in ((NATIONAL_LIST, "ich-list"), (INHERITORS, "ich-inheritors")):
            if not import_file(db, path, source).committed:
                raise SystemExit(f"导入失败：{path}")
        yield home, db
