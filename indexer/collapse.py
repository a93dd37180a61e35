"""The same item twice: records of one item from one place (same name, category and places,
heritage.store.same_items) show once in results, the best ranked of them kept."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils
from whoosh import query as Q

from heritage import history, store
from indexer.docsets import DocSet, union
from indexer.engines import Engine


@dataclass(frozen=True)
class Copies:
    """The documents of the items the store holds more than once, for one reader and data version."""

    items: list[DocSet]  # the documents of each such item
    every: DocSet  # every such document
    item_of: dict[int, int]  # document -> the number of its item
    record_of: dict[int, str]  # document -> its record's id
    docs_of: dict[str, DocSet]  # record id -> its documents


_cache: dict[tuple[int, int | None], Copies] = {}


def copies(eng: Engine, db: sqlite_utils.Database) -> Copies:
    """The copies for this reader and data version, looked up once (a query then reads them from here)."""
    key = (id(eng.reader_cache), history.last_change(db))
    if key not in _cache:
        _cache.clear()
        items: list[DocSet] = []
        item_of: dict[int, int] = {}
        record_of: dict[int, str] = {}
        docs_of: dict[str, DocSet] = {}
        for item, ids in enumerate(store.same_items(db)):
            for record_id in ids:
                docs_of[record_id] = eng.docs("id", record_id)
                for docnum in docs_of[record_id]:
                    item_of[docnum], record_of[docnum] = item, record_id
            items.append(union(docs_of[record_id] for record_id in ids))
        _cache[key] = Copies(items, union(items), item_of, record_of, docs_of)
    return _cache[key]


def collapse(eng: Engine, db: sqlite_utils.Database, query: Q.Query, matched: DocSet) -> DocSet:
    """The matched documents with each item's other copies left out (the best ranked one kept).

    The copies matched are ranked together in one pass of the engine (each pass walks every document
    the query matches; one pass per item made a query over many copies take seconds): an item's
    best is its first copy in that order, as ranking its copies alone would give (Whoosh orders by
    score, then by document number, and a score does not depend on the documents ranked with it)."""
    known = copies(eng, db)
    among = {known.item_of[docnum] for docnum in known.every & matched}
    met = [found for at in sorted(among) if len(found := known.items[at] & matched) > 1]
    if not met:
        return matched
    copied = union(met)
    rank = {docnum: at for at, (docnum, _) in enumerate(eng.ranked(query, copied, "relevance", 1, len(copied)))}
    left_out: list[DocSet] = []
    for found in met:
        ranked = [docnum for docnum in found if docnum in rank]
        best = min(ranked, key=rank.__getitem__) if ranked else min(found)
        kept = known.docs_of[known.record_of[best]] if ranked else DocSet([best])
        left_out.append(found - kept)
    return matched - union(left_out)
