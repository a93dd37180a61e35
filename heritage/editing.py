"""Saving what a curator typed: every field parsed with the same rules as an import, errors per
field in Chinese, and optimistic locking — a save based on an old version is refused and kept."""

from __future__ import annotations

import json
import re
from typing import Any, cast

import sqlite_utils

from heritage import store
from heritage.db import now, write
from heritage.fields import ACCESS_LABELS, Field, parse_value
from heritage.importer import cross_check
from heritage.regions import divisions
from heritage.store import Kind
from heritage.workflow import WORKFLOW_FIELDS

# Fields a form never sets as plain fields: the id is given, the status moves through the workflow,
# field access and an inheritor's items have inputs of their own.
NOT_EDITED = {"id", "field_access", "items"} | WORKFLOW_FIELDS
_CODE = re.compile(r"^\s*(\d{6})\b")


class Conflict(Exception):
    """Someone saved the entity after this edit began; the edit is kept as a draft."""

    def __init__(self, draft_id: int, current_version: int):
        super().__init__(
            f"这条记录在您打开后已被他人保存（现为第 {current_version} 版）。"
            f"您的修改没有覆盖它，已另存为草稿 #{draft_id}，可对照后重新保存。"
        )
        self.draft_id, self.current_version = draft_id, current_version


def editable(kind: Kind) -> list[Field]:
    """The fields a curator edits on a form, in the registry's order."""
    return [f for f in kind.fields if f.name not in NOT_EDITED]


def _regions(text: str) -> list[str]:
    """Region lines as typed (522630, 522630 贵州省…台江县, 黔东南, 贵州省台江县) -> codes; raises ValueError."""
    codes = []
    tree = divisions()
    for line in re.split(r"[\n；;]+", text or ""):
        line = line.strip()
        if not line:
            continue
        code = _CODE.match(line)
        found = tree.find(code[1]) if code else tree.find(line)
        if not found:
            options = "、".join(f"{tree.label(r.code)}（{r.code}）" for r in tree.suggest(line, 5))
            raise ValueError(
                f"“{line}”"
                + (f"可能是：{options}；请写出上级地名或代码" if options else "不是可识别的地名或行政区划代码")
            )
        codes += [r.code for r in found]
    return list(dict.fromkeys(codes))


def parse_form(
    db: sqlite_utils.Database, kind: Kind, cells: dict[str, str], access: dict[str, str], links: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """(entity, errors by field name) from a form's cells; ``access`` holds each field's chosen level
    (only those differing from the field's default are stored), ``links`` an inheritor's items."""
    entity: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in editable(kind):
        try:
            value = cells.get(field.name, "")
            entity[field.name] = _regions(value) if field.type == "regions" else parse_value(field, value, kind.fields)
        except ValueError as error:
            errors[field.name] = str(error)
    entity["field_access"] = {
        f.name: access[f.name]
        for f in editable(kind)
        if access.get(f.name) in ACCESS_LABELS and access[f.name] != f.access and f.type != "access"
    }
    if kind is store.INHERITOR:
        entity["items"] = links or []
    for name, reason in cross_check(db, kind, entity):
        errors.setdefault(name, reason)
    return entity, errors


def save(
    db: sqlite_utils.Database, kind: Kind, entity: dict[str, Any], base_version: int | None, user: str, note: str = ""
) -> str:
    """Save an edit made on ``base_version`` (None for a new entity); returns 新增, 更新 or 未变.

    When the stored version has moved on, nothing is overwritten: the edit is kept in ``drafts``
    and Conflict is raised.  Workflow fields keep their stored values."""
    conflict = None
    with write(db):
        current = store.get(db, kind, entity["id"])
        if current is not None and current["version"] != base_version:
            cursor = db.execute(
                "INSERT INTO drafts (entity, entity_id, base_version, current_version, user, at, data)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    kind.name,
                    entity["id"],
                    base_version,
                    current["version"],
                    user,
                    now(),
                    json.dumps(entity, ensure_ascii=False),
                ],
            )
            conflict = Conflict(cast(int, cursor.lastrowid), current["version"])  # an INSERT sets it
        else:
            if current is not None:
                entity = entity | {n: current[n] for n in WORKFLOW_FIELDS if n in current}
            result = store.put(db, kind, entity, user, note=note)
    if conflict:
        raise conflict
    return result


def draft(db: sqlite_utils.Database, draft_id: int) -> dict[str, Any] | None:
    """A kept draft: entity, entity_id, base/current version, user, at and the data it held."""
    rows = list(db.query("SELECT * FROM drafts WHERE id = ?", [draft_id]))
    return rows[0] | {"data": json.loads(rows[0]["data"])} if rows else None
