"""The result shape: one hit as its reader may see it, built from heritage.visibility.view only."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from heritage import store
from heritage.regions import divisions
from heritage.visibility import view
from indexer.highlight import highlight


def hit(db: sqlite_utils.Database, record_id: str, score: float, marks: set[str], reader: str) -> dict[str, Any] | None:
    """A hit as the reader may see it (None when the record is not for them): the snippet, the
    highlights and every value come from heritage.visibility.view only."""
    record = view(store.get(db, store.RECORD, record_id), store.RECORD.fields, reader)
    if record is None:
        return None
    return {
        "id": record["id"],
        "ref": record.get("ref"),
        "title": record.get("title") or "",
        "title_html": str(highlight(record.get("title") or "", marks, width=200)),
        "category": record.get("category"),
        "ethnic_groups": record.get("ethnic_groups", []),
        "regions": places(record.get("region_codes", [])),
        "level": record.get("level"),
        "year": record.get("year"),
        "score": round(score, 4),
        "snippet": str(highlight(record.get("content") or record.get("history") or "", marks)),
    }


def places(codes: list[str]) -> list[dict[str, str]]:
    """Division codes as a hit shows them: code and a short name with its parent (黔东南苗族侗族自治州丹寨县)."""
    tree = divisions()
    return [{"code": c, "name": "".join(r.name for r in tree.ancestors(c)[-2:])} for c in codes]
