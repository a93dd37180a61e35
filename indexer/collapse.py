"""The same item twice: records of one item from one place (same name, category and places,
heritage.store.same_items) show once in results, the best ranked of them kept."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils
from whoosh import query as Q

from heritage import history, store
from indexer.engines import Engine


@dataclass(frozen=True)
class Copies:
    """The documents of the items the store holds more than once, for one reader and data version."""

    item_of: dict[int, int]  # document -> the number of its item
    record_of: dict[int, str]  # document -> its record's id
    docs_of: dict[str, frozenset[int]]  # record id -> its documents
    docs: frozenset[int]  # every such document


_cache: dict[tuple[int, int | None], Copies] = {}


def _copies(eng: Engine, db: sqlite_utils.Database) -> Copies:
    """The copies for this reader and data version, looked up once (a query then reads them from here)."""
    key = (id(eng.reader_cache), history.last_change(db))
    if key not in _cache:
        _cache.clear()
        item_of: dict[int, int] = {}
        record_of: dict[int, str] = {}
        docs_of: dict[str, frozenset[int]] = {}
        for item, ids in enumerate(store.same_items(db)):
            for record_id in ids:
                docs_of[record_id] = eng.docs("id", record_id)
                for docnum in docs_of[record_id]:
                    item_of[docnum], record_of[docnum] = item, record_id
        _cache[key] = Copies(item_of, record_of, docs_of, frozenset(item_of))
    return _cache[key]


def collapse(eng: Engine, db: sqlite_utils.Database, query: Q.Query, matched: frozenset[int]) -> frozenset[int]:
    """The matched documents with each item's other copies left out (the best ranked one kept).

    The copies matched are ranked together in one pass of the engine (each pass walks every document
    the query matches; one pass per item made a query over many copies take seconds): an item's
    best is its first copy in that order, as ranking its copies alone would give (Whoosh orders by
    score, then by document number, and a score does not depend on the documents ranked with it)."""
    known = _copies(eng, db)
    items: dict[int, set[int]] = {}
    for docnum in matched & known.docs:
        items.setdefault(known.item_of[docnum], set()).add(docnum)
    met = [found for found in items.values() if len(found) > 1]
    if not met:
        return matched
    copies = frozenset().union(*met)
    rank: dict[int, int] = {}
    for at, (record_id, _) in enumerate(eng.ranked(query, copies, "relevance", 1, len(copies))):
        for docnum in known.docs_of.get(record_id, ()):
            rank.setdefault(docnum, at)
    left_out: set[int] = set()
    for found in met:
        ranked = [docnum for docnum in found if docnum in rank]
        best = min(ranked, key=rank.__getitem__) if ranked else min(found)
        kept = known.docs_of[known.record_of[best]] if ranked else frozenset([best])
        left_out |= found - kept
    return matched - left_out
