"""What makes records copies of one item from one place: the same name, category and places
(heritage.store.same_items; search shows such copies once, indexer.collapse)."""

from __future__ import annotations

import json
from collections.abc import Iterable


def item_key(title: str | None, category: str | None, places: Iterable[str]) -> str:
    """The key records of one item from one place share: name, category and region codes (in order)."""
    return json.dumps([title, category, sorted(places)], ensure_ascii=False)
