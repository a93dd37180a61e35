"""Public clues (互动交流): anyone may report a festival, craft or inheritor they know; it becomes a
线索 record for the curators, never public, its contact kept apart and never shown."""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlite_utils

from heritage import store
from heritage.db import now, write
from heritage.fields import RECORD_FIELDS, clean_text, parse_value

PER_HOUR = 5
_BY_NAME = {f.name: f for f in RECORD_FIELDS}


class ClueError(ValueError):
    """A clue that cannot be accepted; the message says why, in Chinese (field is the form field)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def client_key(address: str, secret: str) -> str:
    """A keyed hash of the sender's address: enough to count submissions, not to recover the address."""
    return hashlib.sha256(f"{secret}|{address}".encode()).hexdigest()[:32]


def submit(db: sqlite_utils.Database, form: dict[str, str], client: str) -> str:
    """Turn a public clue into a 线索 record (access internal); returns its id.

    :param form: title, category, ethnic_groups, region_text, content, contact (optional)
    :param client: client_key() of the sender, for the limit of PER_HOUR clues an hour"""
    try:
        title = clean_text(form.get("title", ""))
        entity = {"title": title, "category": parse_value(_BY_NAME["category"], form.get("category", ""))}
    except ValueError as error:
        raise ClueError("title", str(error)) from error
    if not title:
        raise ClueError("title", "请写出项目或传承人的名称")
    if not entity["category"]:
        raise ClueError("category", "请选择类别")
    for name in ("ethnic_groups", "region_text", "content"):
        try:
            entity[name] = parse_value(_BY_NAME[name], form.get(name, ""))
        except ValueError as error:
            raise ClueError(name, str(error)) from error
    contact = clean_text(form.get("contact", ""))
    entity.update(id=store.new_id(store.RECORD), status="线索", access="internal", sources=["公众线索（互动交流）"])
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    with write(db):
        recent = db.execute("SELECT count(*) FROM clue_log WHERE client = ? AND at > ?", [client, since]).fetchone()[0]
        if recent >= PER_HOUR:
            raise ClueError("", f"提交太频繁：每小时至多 {PER_HOUR} 条，请稍后再试")
        store.put(db, store.RECORD, entity, "公众线索", note="互动交流")
        db.execute("INSERT INTO clue_log (client, at) VALUES (?, ?)", [client, now()])
        if contact:
            db.execute(
                "INSERT INTO clue_contacts (record_id, contact, created_at) VALUES (?, ?, ?)",
                [entity["id"], contact, now()],
            )
    return entity["id"]


def contact(db: sqlite_utils.Database, record_id: str) -> str | None:
    """The contact a clue's sender left, for curators only."""
    row = db.execute("SELECT contact FROM clue_contacts WHERE record_id = ?", [record_id]).fetchone()
    return row[0] if row else None
