"""Festival days between two dates, computed from the published festivals' rules and kept per data
version: the calendar pages, the API, the feed and the home page read them here."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from heritage import calendar, history, listings
from web.db import get_db, home


def festival_occurrences(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Each published, public festival's days from start to end: date, id, title, days, rule."""
    return [dict(item) for item in _occurrences(str(home()), history.latest(get_db()), start, end)]


@lru_cache(maxsize=64)
def _occurrences(folder: str, stamp: int | None, start: dt.date, end: dt.date) -> tuple:
    """Computed once per store, data version (the last revision) and range, from what the public may see."""
    found = [
        {
            "date": o.date.isoformat(),
            "id": record["id"],
            "title": record.get("title") or "",
            "days": o.days,
            "rule": rule,
        }
        for record in listings.festivals(get_db())
        for rule in record.get("dates", [])
        for o in calendar.between([rule], start, end)
    ]
    return tuple(tuple(f.items()) for f in sorted(found, key=lambda f: (f["date"], f["id"])))


def first_festivals(start: dt.date, end: dt.date, count: int) -> list[dict[str, Any]]:
    """The first ``count`` festivals from start to end, each once, with its date as ``day``."""
    found, seen = [], set()
    for item in festival_occurrences(start, end):
        if item["id"] not in seen and len(found) < count:
            seen.add(item["id"])
            found.append(item | {"day": dt.date.fromisoformat(item["date"])})
    return found


def uncomputed_festivals() -> list[dict[str, Any]]:
    """The published festivals whose dates are kept as written on another calendar (藏历, 水历…):
    id, title and rule (the heading says they are not computed); the calendar pages list them apart."""
    return [dict(item) for item in _uncomputed(str(home()), history.latest(get_db()))]


@lru_cache(maxsize=8)
def _uncomputed(folder: str, stamp: int | None) -> tuple:
    """Found once per store and data version, from what the public may see."""
    found = [
        {"id": record["id"], "title": record.get("title") or "", "rule": rule}
        for record in listings.festivals(get_db())
        for rule in record.get("dates", [])
        if calendar.uncomputed([rule])
    ]
    return tuple(tuple(f.items()) for f in found)
