"""Exhibits (专题展览) told as stories: an introduction, sections of narrative text, and ordered
records, each with a note saying why it is there and the section it belongs to; with the sources."""

from __future__ import annotations

from functools import partial
from typing import Any

import sqlite_utils

from heritage import versioned
from heritage.fields import LONG_MAX, clean_text, parse_id, split_list
from heritage.visibility import published_condition
from heritage.workflow import OPERATOR, REVIEWERS

STATUSES = ("草稿", "已发布")
# What a save compares: a change in any of these is a new version.
COMPARED = ("title", "intro", "position", "status", "cover_record", "sources", "sections", "items")


class ExhibitError(ValueError):
    """An exhibit that cannot be saved; the message says why, in Chinese."""


def _position(value: Any) -> int:
    text = str(value or 0).strip()
    if not text.lstrip("-").isdigit() or len(text) > 6:
        raise ValueError(f"顺序“{text}”应为整数")
    return int(text)


def _sections(exhibit: dict[str, Any]) -> list[dict[str, str]]:
    sections = [
        {"heading": clean_text(s.get("heading") or ""), "body": clean_text(s.get("body") or "", LONG_MAX)}
        for s in exhibit.get("sections") or []
    ]
    for n, section in enumerate(sections, 1):
        if not section["heading"]:
            raise ValueError(f"第 {n} 章缺少标题")
    return sections


def _items(exhibit: dict[str, Any], sections: int) -> list[dict[str, Any]]:
    items = []
    for item in exhibit.get("items") or []:
        section = item.get("section")
        section = None if section in (None, "") else int(section)
        if section is not None and not 0 <= section < sections:
            raise ValueError(f"记录 {item['record_id']} 所在的章不存在")
        items.append(
            {"record_id": str(item["record_id"]), "note": clean_text(item.get("note") or ""), "section": section}
        )
    return items


def _checked(db: sqlite_utils.Database, exhibit: dict[str, Any]) -> dict[str, Any]:
    try:
        clean = {
            "id": parse_id(exhibit.get("id", "")),
            "title": clean_text(exhibit.get("title", "")),
            "intro": clean_text(exhibit.get("intro", ""), LONG_MAX),
            "position": _position(exhibit.get("position")),
            "status": exhibit.get("status") or "已发布",
            "cover_record": clean_text(exhibit.get("cover_record") or "") or None,
            "sources": split_list(exhibit.get("sources") or []),
        }
        sections = _sections(exhibit)
        items = _items(exhibit, len(sections))
    except (ValueError, KeyError, TypeError) as error:
        raise ExhibitError(f"专题展览“{exhibit.get('id', '')}”：{error}") from error
    if not clean["title"]:
        raise ExhibitError(f"专题展览“{clean['id']}”缺少标题")
    if clean["status"] not in STATUSES:
        raise ExhibitError(f"专题展览的状态应为 {'、'.join(STATUSES)} 之一")
    seen = [item["record_id"] for item in items]
    twice = next((i for n, i in enumerate(seen) if i in seen[:n]), None)
    if twice:
        raise ExhibitError(f"专题展览“{clean['id']}”中的记录 {twice} 出现了两次")
    for item in items:
        if not db.execute("SELECT 1 FROM records WHERE id = ?", [item["record_id"]]).fetchone():
            raise ExhibitError(f"专题展览“{clean['id']}”中的记录 {item['record_id']} 不存在")
    cover = clean["cover_record"]
    if cover and not db.execute("SELECT 1 FROM media WHERE record_id = ? AND medium = 'image'", [cover]).fetchone():
        raise ExhibitError(f"专题展览“{clean['id']}”的封面：记录 {cover} 不存在或还没有上传图片")
    return clean | {"sections": sections, "items": items}


def statuses_for(role: str, stored_status: str | None) -> tuple[str, ...]:
    """The statuses a role may give an exhibit now stored with ``stored_status`` (None: a new one): only
    reviewers publish an exhibit or take a published one down, as with records; others keep its status."""
    if role == OPERATOR or role in REVIEWERS:
        return STATUSES
    return (stored_status or STATUSES[0],)


def put(db: sqlite_utils.Database, exhibit: dict[str, Any], user: str, role: str = OPERATOR) -> str:
    """Create or replace an exhibit and its ordered items inside an open write transaction, as ``role``
    may (see :func:`statuses_for`).

    Returns 新增, 更新 or 未变; every change is a revision (entity ``exhibit``)."""
    new = _checked(db, exhibit)
    old = get(db, new["id"])
    if new["status"] not in statuses_for(role, old["status"] if old else None):
        raise ExhibitError("只有审核人可以发布专题展览，或撤下已发布的展览")
    return versioned.save(
        db, "exhibit", old, new, versioned.field_changes(old, new, COMPARED), user, partial(_write_rows, db, new)
    )


def _write_rows(db: sqlite_utils.Database, new: dict[str, Any], version: int, stamp: str, created_at: str) -> None:
    """The exhibit's row, its sections and its ordered items, at a version."""
    db.execute(
        "INSERT INTO exhibits (id, title, intro, position, status, cover_record, sources, version, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title,"
        " intro = excluded.intro, position = excluded.position, status = excluded.status,"
        " cover_record = excluded.cover_record, sources = excluded.sources, version = excluded.version,"
        " updated_at = excluded.updated_at",
        [
            new["id"],
            new["title"],
            new["intro"],
            new["position"],
            new["status"],
            new["cover_record"],
            "\n".join(new["sources"]),
            version,
            created_at,
            stamp,
        ],
    )
    for table in ("exhibit_items", "exhibit_sections"):
        db.execute(f"DELETE FROM {table} WHERE exhibit_id = ?", [new["id"]])
    db.conn.executemany(
        "INSERT INTO exhibit_sections (exhibit_id, position, heading, body) VALUES (?, ?, ?, ?)",
        [(new["id"], n, s["heading"], s["body"]) for n, s in enumerate(new["sections"])],
    )
    db.conn.executemany(
        "INSERT INTO exhibit_items (exhibit_id, record_id, position, note, section) VALUES (?, ?, ?, ?, ?)",
        [(new["id"], i["record_id"], n, i["note"], i["section"]) for n, i in enumerate(new["items"])],
    )


def from_toml(exhibit: dict[str, Any]) -> dict[str, Any]:
    """A shipped exhibit as corpus/exhibits.toml writes it (``[[exhibit.section]]`` tables, each with a
    heading, a body and its items) in the form :func:`put` takes."""
    sections = exhibit.get("section", [])
    items = [
        {"record_id": item["record"], "note": item.get("note", ""), "section": n}
        for n, section in enumerate(sections)
        for item in section.get("items", [])
    ]
    return {key: value for key, value in exhibit.items() if key != "section"} | {
        "sections": [{"heading": s["heading"], "body": s.get("body", "")} for s in sections],
        "items": items,
    }


def get(db: sqlite_utils.Database, exhibit_id: str) -> dict[str, Any] | None:
    """One exhibit with its items in order, or None."""
    rows = list(db.query("SELECT * FROM exhibits WHERE id = ?", [exhibit_id]))
    return _with_items(db, rows[0]) if rows else None


def _with_items(db: sqlite_utils.Database, exhibit: dict[str, Any]) -> dict[str, Any]:
    """The row with its sources as a list, its sections and its items in order."""
    key = [exhibit["id"]]
    items = list(
        db.query("SELECT record_id, note, section FROM exhibit_items WHERE exhibit_id = ? ORDER BY position", key)
    )
    sections = list(db.query("SELECT heading, body FROM exhibit_sections WHERE exhibit_id = ? ORDER BY position", key))
    sources = (exhibit.get("sources") or "").splitlines()
    return exhibit | {"sources": sources, "sections": sections, "items": items}


def edited_by_others(db: sqlite_utils.Database, exhibit_id: str, user: str) -> bool:
    """Whether anyone but ``user`` has saved the exhibit."""
    found = db.execute(
        "SELECT 1 FROM revisions WHERE entity = 'exhibit' AND entity_id = ? AND user != ?", [exhibit_id, user]
    ).fetchone()
    return found is not None


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
