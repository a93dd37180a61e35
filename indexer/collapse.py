"""The same item twice: records of one item from one place (same name, category and places,
heritage.store.same_items) show once in results, the best ranked of them kept."""

from __future__ import annotations

import sqlite_utils
from whoosh import query as Q

from heritage import history, store
from indexer.engines import Engine

_cache: dict[tuple[int, int | None], tuple[dict[int, int], frozenset[int]]] = {}


def _copies(eng: Engine, db: sqlite_utils.Database) -> tuple[dict[int, int], frozenset[int]]:
    """Each document of an item the store holds more than once -> the number of its item, and those
    documents, for this reader and data version (a query looks only at the copies it matched)."""
    key = (id(eng.reader_cache), history.last_change(db))
    if key not in _cache:
        _cache.clear()
        item_of = {
            docnum: item
            for item, ids in enumerate(store.same_items(db))
            for record_id in ids
            for docnum in eng.docs("id", record_id)
        }
        _cache[key] = item_of, frozenset(item_of)
    return _cache[key]


def collapse(eng: Engine, db: sqlite_utils.Database, query: Q.Query, matched: frozenset[int]) -> frozenset[int]:
    """The matched documents with each item's other copies left out (the best ranked one kept).

    The copies matched are ranked together in one pass of the engine (each pass walks every document
    the query matches; one pass per item made a query over many copies take seconds): an item's
    best is its first copy in that order, as ranking its copies alone would give (Whoosh orders by
    score, then by document number, and a score does not depend on the documents ranked with it)."""
    item_of, copied = _copies(eng, db)
    items: dict[int, set[int]] = {}
    for docnum in matched & copied:
        items.setdefault(item_of[docnum], set()).add(docnum)
    met = [found for found in items.values() if len(found) > 1]
    if not met:
        return matched
    copies = frozenset().union(*met)
    rank: dict[int, int] = {}
    for at, (record_id, _) in enumerate(eng.ranked(query, copies, "relevance", 1, len(copies))):
        for docnum in eng.docs("id", record_id):
            rank.setdefault(docnum, at)
    left_out: set[int] = set()
    for found in met:
        ranked = [docnum for docnum in found if docnum in rank]
        best = min(ranked, key=rank.__getitem__) if ranked else min(found)
        kept = eng.docs("id", eng.stored(best)["id"]) if ranked else frozenset([best])
        left_out |= found - kept
    return matched - left_out
