"""Exhibits (专题展览): curated, ordered sets of records with an introduction."""

from __future__ import annotations

from functools import partial
from typing import Any

import sqlite_utils

from heritage import versioned
from heritage.fields import LONG_MAX, clean_text, parse_id
from heritage.visibility import published_condition

STATUSES = ("草稿", "已发布")


class ExhibitError(ValueError):
    """An exhibit that cannot be saved; the message says why, in Chinese."""


def _checked(db: sqlite_utils.Database, exhibit: dict[str, Any]) -> dict[str, Any]:
    try:
        clean = {
            "id": parse_id(exhibit.get("id", "")),
            "title": clean_text(exhibit.get("title", "")),
            "intro": clean_text(exhibit.get("intro", ""), LONG_MAX),
            "position": int(exhibit.get("position") or 0),
            "status": exhibit.get("status") or "已发布",
            "cover_record": clean_text(exhibit.get("cover_record") or "") or None,
        }
        items = [
            {"record_id": str(item["record_id"]), "note": clean_text(item.get("note", ""))}
            for item in exhibit.get("items", [])
        ]
    except (ValueError, KeyError, TypeError) as error:
        raise ExhibitError(f"专题展览“{exhibit.get('id', '')}”：{error}") from error
    if not clean["title"]:
        raise ExhibitError(f"专题展览“{clean['id']}”缺少标题")
    if clean["status"] not in STATUSES:
        raise ExhibitError(f"专题展览的状态应为 {'、'.join(STATUSES)} 之一")
    for item in items:
        if not db.execute("SELECT 1 FROM records WHERE id = ?", [item["record_id"]]).fetchone():
            raise ExhibitError(f"专题展览“{clean['id']}”中的记录 {item['record_id']} 不存在")
    cover = clean["cover_record"]
    if cover and not db.execute("SELECT 1 FROM media WHERE record_id = ? AND medium = 'image'", [cover]).fetchone():
        raise ExhibitError(f"专题展览“{clean['id']}”的封面：记录 {cover} 不存在或还没有上传图片")
    return clean | {"items": items}


def put(db: sqlite_utils.Database, exhibit: dict[str, Any], user: str) -> str:
    """Create or replace an exhibit and its ordered items inside an open write transaction.

    Returns 新增, 更新 or 未变; every change is a revision (entity ``exhibit``)."""
    new = _checked(db, exhibit)
    old = get(db, new["id"])
    return versioned.save(
        db, "exhibit", old, new, versioned.field_changes(old, new, new), user, partial(_write_rows, db, new)
    )


def _write_rows(db: sqlite_utils.Database, new: dict[str, Any], version: int, stamp: str, created_at: str) -> None:
    """The exhibit's row and its ordered items, at a version."""
    db.execute(
        "INSERT INTO exhibits (id, title, intro, position, status, cover_record, version, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title,"
        " intro = excluded.intro, position = excluded.position, status = excluded.status,"
        " cover_record = excluded.cover_record, version = excluded.version, updated_at = excluded.updated_at",
        [
            new["id"],
            new["title"],
            new["intro"],
            new["position"],
            new["status"],
            new["cover_record"],
            version,
            created_at,
            stamp,
        ],
    )
    db.execute("DELETE FROM exhibit_items WHERE exhibit_id = ?", [new["id"]])
    db.conn.executemany(
        "INSERT INTO exhibit_items (exhibit_id, record_id, position, note) VALUES (?, ?, ?, ?)",
        [(new["id"], i["record_id"], n, i["note"]) for n, i in enumerate(new["items"])],
    )


def get(db: sqlite_utils.Database, exhibit_id: str) -> dict[str, Any] | None:
    """One exhibit with its items in order, or None."""
    rows = list(db.query("SELECT * FROM exhibits WHERE id = ?", [exhibit_id]))
    return _with_items(db, rows[0]) if rows else None


def _with_items(db: sqlite_utils.Database, exhibit: dict[str, Any]) -> dict[str, Any]:
    items = list(
        db.query("SELECT record_id, note FROM exhibit_items WHERE exhibit_id = ? ORDER BY position", [exhibit["id"]])
    )
    return exhibit | {"items": items}


def listing(db: sqlite_utils.Database, published_only: bool = True) -> list[dict[str, Any]]:
    """Exhibits in their display order, each with its items."""
    where, params = published_condition() if published_only else ("1", [])
    rows = list(db.query(f"SELECT * FROM exhibits WHERE {where} ORDER BY position, id", params))
    return [_with_items(db, row) for row in rows]


def containing(db: sqlite_utils.Database, record_id: str) -> list[dict[str, Any]]:
    """The published exhibits that show a record (id and title), in their display order."""
    where, params = published_condition("e")
    return list(
        db.query(
            "SELECT DISTINCT e.id, e.title FROM exhibit_items i JOIN exhibits e ON e.id = i.exhibit_id"
            f" WHERE i.record_id = ? AND {where} ORDER BY e.position",
            [record_id, *params],
        )
    )
