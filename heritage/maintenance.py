"""Integrity checks and verified online backups of the store."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import sqlite_utils


def check(db: sqlite_utils.Database) -> list[str]:
    """Problems found in the store, in Chinese; an empty list means it is sound."""
    problems = [f"完整性检查：{row[0]}" for row in db.execute("PRAGMA integrity_check") if row[0] != "ok"]
    problems += [
        f"外键错误：{table} 第 {rowid} 行引用了不存在的 {parent}"
        for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check")
    ]
    for entity, table in (("record", "records"), ("inheritor", "inheritors")):
        missing = db.execute(
            f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM revisions r"
            f" WHERE r.entity = ? AND r.entity_id = t.id AND r.version = t.version)",
            [entity],
        ).fetchone()[0]
        if missing:
            problems.append(f"{table}：{missing} 条没有对应当前版本的修订记录")
    return problems


def backup_media(home: Path, target: Path) -> int:
    """Copy the data folder's images and covers beside a database backup (``<target>.media``), after the
    database itself, so every image row in the backup has its files; returns how many files."""
    source = Path(home) / "media"
    destination = Path(target).with_name(Path(target).name + ".media")
    if not source.exists():
        return 0
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("*.tmp"))
    return sum(1 for path in destination.rglob("*") if path.is_file())


def backup(db: sqlite_utils.Database, target: Path) -> int:
    """Copy the live store with SQLite's online backup API, then verify the copy; returns its size."""
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"备份文件已存在：{target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    copy = sqlite3.connect(target)
    try:
        db.conn.backup(copy)
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise RuntimeError(f"备份校验失败：{result}")
    finally:
        copy.close()
    return target.stat().st_size
