"""Exhibits, articles and featured records as the public sees them (the pages and the API share these)."""

from __future__ import annotations

from typing import Any

from flask import abort

from heritage import articles, exhibits, listings
from heritage.visibility import published
from web.db import get_db
from web.pictures import exhibit_picture
from web.visible import record_or_none

# The home page's 节日与技艺: how many shipped records of each category it shows.
FEATURED = {"民俗": 4, "传统技艺": 2, "传统美术": 2}


def public_exhibit(exhibit_id: str) -> dict[str, Any] | None:
    """A published exhibit with its public records in order (each with the curator's note), its sections
    (each with its own items; ``loose`` holds items in none), sources and picture; or None."""
    exhibit = exhibits.get(get_db(), exhibit_id)
    if not published(exhibit):
        return None
    items = []
    for item in exhibit["items"]:
        record = record_or_none(item["record_id"])
        if record:
            items.append({"record": record, "note": item["note"], "section": item["section"]})
    sections = [s | {"items": [i for i in items if i["section"] == n]} for n, s in enumerate(exhibit["sections"])]
    chosen = [exhibit["cover_record"]] if exhibit["cover_record"] and record_or_none(exhibit["cover_record"]) else []
    picture = exhibit_picture(exhibit_id, chosen + [item["record"]["id"] for item in items])
    return {key: exhibit[key] for key in ("id", "title", "intro", "updated_at", "sources")} | {
        "items": items,
        "sections": sections,
        "loose": [i for i in items if i["section"] is None],
        "picture": picture,
    }


def public_exhibits() -> list[dict[str, Any]]:
    """Every published exhibit, in the curators' order."""
    return [e for e in (public_exhibit(row["id"]) for row in exhibits.listing(get_db())) if e]


def featured_records() -> list[dict[str, Any]]:
    """Festivals and crafts for the home page: the first public records of the corpus in each category."""
    ids = [i for category, count in FEATURED.items() for i in listings.featured_ids(get_db(), category, count)]
    return [r for r in map(record_or_none, ids) if r]


def public_article(article_id: str) -> dict[str, Any]:
    """A published article; else 404."""
    article = articles.get(get_db(), article_id)
    return article if published(article) else abort(404)
