"""The same item twice: records of one item from one place (same name, category and places,
heritage.store.same_items) show once in results, the best ranked of them kept."""

from __future__ import annotations

import sqlite_utils
from whoosh import query as Q

from heritage import history, store
from indexer.engines import Engine

_cache: dict[tuple[int, int | None], list[frozenset[int]]] = {}


def _copies(eng: Engine, db: sqlite_utils.Database) -> list[frozenset[int]]:
    """The documents of each item the store holds more than once, for this reader and data version."""
    key = (id(eng.reader_cache), history.last_change(db))
    if key not in _cache:
        _cache.clear()
        _cache[key] = [
            frozenset().union(*(eng.docs("id", record_id) for record_id in ids)) for ids in store.same_items(db)
        ]
    return _cache[key]


def collapse(eng: Engine, db: sqlite_utils.Database, query: Q.Query, matched: frozenset[int]) -> frozenset[int]:
    """The matched documents with each item's other copies left out (the best ranked one kept)."""
    left_out: set[int] = set()
    for docs in _copies(eng, db):
        met = docs & matched
        if len(met) > 1:
            best = eng.ranked(query, met, "relevance", 1, 1)
            kept = eng.docs("id", best[0][0]) if best else frozenset([min(met)])
            left_out |= met - kept
    return matched - left_out if left_out else matched
