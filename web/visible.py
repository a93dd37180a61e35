"""What the public may see: published, public records and inheritors, and only their public fields."""
from __future__ import annotations

import json
from typing import Any

from flask import abort, session
from markupsafe import Markup

from heritage import store
from heritage.fields import INHERITOR_FIELDS, RECORD_FIELDS, visible_fields
from web.auth import current_user
from web.db import get_db

PUBLIC_RECORD = "status = '已发布' AND access = 'public'"
READABLE = {"public": ("public",), "researcher": ("public", "researcher")}
HIDDEN_COLUMNS = ("access", "field_access")


def audience() -> str:
    """Who reads: researcher for a signed-in account (every role may see researchers' fields), else public."""
    return "researcher" if session.get("user") and current_user() else "public"


def _view(entity: dict[str, Any], fields: tuple, reader: str = "public") -> dict[str, Any]:
    shown = visible_fields(entity, fields, reader) - set(HIDDEN_COLUMNS)
    return {name: entity[name] for name in sorted(shown)} | {"version": entity["version"]}


def record_or_none(record_id: str, reader: str = "public") -> dict[str, Any] | None:
    """A published record as a reader may see it, or None when it is missing, unpublished or not for them."""
    record = store.get(get_db(), store.RECORD, record_id)
    if record is None or record["status"] != "已发布" or record["access"] not in READABLE[reader]:
        return None
    return _view(record, RECORD_FIELDS, reader)


def published(record_id: str, reader: str = "public") -> dict[str, Any]:
    """A record as a reader may see it; else 404."""
    return record_or_none(record_id, reader) or abort(404)


def public_inheritor(inheritor_id: str) -> dict[str, Any]:
    """An inheritor as the public may see it, with only published items; else 404."""
    person = store.get(get_db(), store.INHERITOR, inheritor_id)
    if person is None or person["access"] != "public":
        abort(404)
    view = _view(person, INHERITOR_FIELDS)
    view["items"] = [r for r in (record_or_none(i) for i in person["items"]) if r]
    return view


def inheritors_of(record_id: str) -> list[dict[str, Any]]:
    """The public inheritors of a record: id, name, ethnic group."""
    return list(get_db().query(
        "SELECT i.id, i.name, i.ethnic_group FROM inheritor_items x JOIN inheritors i ON i.id = x.inheritor_id"
        " WHERE x.record_id = ? AND i.access = 'public' ORDER BY i.name", [record_id]))


def json_ld(data: Any) -> Markup:
    """schema.org data for a <script type="application/ld+json"> block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
