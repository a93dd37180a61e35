"""What a reader of the site may see: every page and API answer goes through heritage.visibility.view."""
from __future__ import annotations

import json
from typing import Any

from flask import abort, session
from markupsafe import Markup

from heritage import store
from heritage.fields import INHERITOR_FIELDS, RECORD_FIELDS
from heritage.visibility import view
from web.auth import current_user
from web.db import get_db

PUBLIC_RECORD = "status = '已发布' AND access = 'public'"


def audience() -> str:
    """Who reads: researcher for a signed-in account (every role may see researchers' fields), else public."""
    return "researcher" if session.get("user") and current_user() else "public"


def record_or_none(record_id: str, reader: str = "public") -> dict[str, Any] | None:
    """A published record as a reader may see it, or None when it is missing, unpublished or not for them."""
    return view(store.get(get_db(), store.RECORD, record_id), RECORD_FIELDS, reader)


def published(record_id: str, reader: str = "public") -> dict[str, Any]:
    """A record as a reader may see it; else 404."""
    return record_or_none(record_id, reader) or abort(404)


def public_inheritor(inheritor_id: str, reader: str = "public") -> dict[str, Any]:
    """An inheritor as a reader may see them, with only the items the reader may see; else 404."""
    person = view(store.get(get_db(), store.INHERITOR, inheritor_id), INHERITOR_FIELDS, reader) or abort(404)
    person["items"] = [r for r in (record_or_none(i, reader) for i in person.get("items", [])) if r]
    return person


def inheritor_rows(where: str = "1", params: list | None = None, reader: str = "public") -> list[dict[str, Any]]:
    """The inheritors a reader may see among those a SQL condition picks, as listing rows (views of
    id, name, sex, ethnic group, category, level and place), in name order."""
    rows = get_db().query(
        "SELECT id, name, sex, ethnic_group, category, level, region_text, access, field_access, version"
        f" FROM inheritors WHERE {where}", params or [])
    people = [view(row | {"field_access": json.loads(row["field_access"] or "{}")}, INHERITOR_FIELDS, reader)
              for row in rows]
    return sorted((p for p in people if p), key=lambda p: (p.get("name") or "", p["id"]))


def inheritors_of(record_id: str, reader: str = "public") -> list[dict[str, Any]]:
    """The inheritors of a record a reader may see: id, name, ethnic group (as far as they may see them)."""
    return inheritor_rows("id IN (SELECT inheritor_id FROM inheritor_items WHERE record_id = ?)", [record_id], reader)


def json_ld(data: Any) -> Markup:
    """schema.org data for a <script type="application/ld+json"> block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
