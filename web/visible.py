"""What a reader of the site may see: every page and API answer goes through heritage.visibility.view."""

from __future__ import annotations

from typing import Any

from flask import abort, session

from heritage import store
from heritage.fields import INHERITOR_FIELDS, RECORD_FIELDS
from heritage.visibility import PUBLIC, RESEARCHER, view
from web.db import get_db
from web.sessions import current_user


def audience() -> str:
    """Who reads: researcher for a signed-in account (every role may see researchers' fields), else public."""
    return RESEARCHER if session.get("user") and current_user() else PUBLIC


def record_or_none(record_id: str, reader: str = PUBLIC) -> dict[str, Any] | None:
    """A published record as a reader may see it, or None when it is missing, unpublished or not for them."""
    return view(store.get(get_db(), store.RECORD, record_id), RECORD_FIELDS, reader)


def published(record_id: str, reader: str = PUBLIC) -> dict[str, Any]:
    """A record as a reader may see it; else 404."""
    return record_or_none(record_id, reader) or abort(404)


def public_inheritor(inheritor_id: str, reader: str = PUBLIC) -> dict[str, Any]:
    """An inheritor as a reader may see them, with only the items the reader may see; else 404."""
    person = view(store.get(get_db(), store.INHERITOR, inheritor_id), INHERITOR_FIELDS, reader) or abort(404)
    person["items"] = [r for r in (record_or_none(i, reader) for i in person.get("items", [])) if r]
    return person
