"""The same item twice: records of one item from one place (same name, category and places,
heritage.store.same_items) show once in results, the best ranked of them kept."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sqlite_utils
from whoosh import query as Q

from heritage import history, store
from indexer.docsets import DocSet, from_array, to_array, union
from indexer.engines import Engine


@dataclass(frozen=True)
class Copies:
    """The documents of the items the store holds more than once, for one reader and data version."""

    every: DocSet  # every such document
    item_of: dict[int, int]  # document -> the number of its item
    record_of: dict[int, str]  # document -> its record's id
    docs_of: dict[str, DocSet]  # record id -> its documents
    items: list[DocSet]  # each item's documents
    firsts: DocSet  # each item's lowest document
    first_records: DocSet  # the documents of the records those are of
    docs: np.ndarray  # every such document, ascending, and aligned with it:
    item: np.ndarray  # the number of its item
    record: np.ndarray  # the number of its record


_cache: dict[tuple[int, int | None], Copies] = {}


def copies(eng: Engine, db: sqlite_utils.Database) -> Copies:
    """The copies for this reader and data version, looked up once (a query then reads them from here)."""
    key = (id(eng.reader_cache), history.last_change(db))
    if key not in _cache:
        _cache.clear()
        item_of: dict[int, int] = {}
        record_of: dict[int, str] = {}
        docs_of: dict[str, DocSet] = {}
        items: list[DocSet] = []
        for item, ids in enumerate(store.same_items(db)):
            for record_id in ids:
                docs_of[record_id] = eng.docs("id", record_id)
                for docnum in docs_of[record_id]:
                    item_of[docnum], record_of[docnum] = item, record_id
            items.append(union(docs_of[record_id] for record_id in ids))
        firsts = DocSet(docs.min() for docs in items if docs)
        first_records = union(docs_of[record_of[docnum]] for docnum in firsts)
        every = DocSet(item_of)
        docs = to_array(every)
        numbers = {record_id: number for number, record_id in enumerate(docs_of)}
        item_numbers = np.fromiter((item_of[d] for d in every), dtype=np.int64, count=len(every))
        record_numbers = np.fromiter((numbers[record_of[d]] for d in every), dtype=np.int64, count=len(every))
        _cache[key] = Copies(
            every, item_of, record_of, docs_of, items, firsts, first_records, docs, item_numbers, record_numbers
        )
    return _cache[key]


def collapse(eng: Engine, db: sqlite_utils.Database, query: Q.Query, matched: DocSet) -> DocSet:
    """The matched documents with each item's other copies left out (the best ranked one kept).

    The copies matched are ranked together in one pass of the engine (each pass walks every document
    the query matches; one pass per item made a query over many copies take seconds): an item's
    best is its first copy in that order, as ranking its copies alone would give (Whoosh orders by
    score, then by document number, and a score does not depend on the documents ranked with it).
    When every document scores alike (no words: browsing), the best is the lowest-numbered copy."""
    known = copies(eng, db)
    among = known.every & matched
    if len(among) < 2:
        return matched
    if isinstance(query, Q.Every):
        return matched - (among - _lowest_kept(known, matched, among))
    return matched - (among - _first_of_each(known, eng.order(query, among)))


def _first_of_each(known: Copies, order: np.ndarray) -> DocSet:
    """The documents of each item's first copy in an order (all the documents of that copy's record), by
    array operations: at 10^6 records a loop over the 80,000 copies a broad word matches took 70 ms."""
    at = np.searchsorted(known.docs, order)  # each document's place among the copies
    first = np.unique(known.item[at], return_index=True)[1]  # each item's first place in the order
    kept = np.isin(known.record, known.record[at[first]], kind="table")  # record numbers are dense
    return from_array(known.docs[kept])


def _lowest_kept(known: Copies, matched: DocSet, among: DocSet) -> DocSet:
    """The documents kept of each item when every document scores alike: its lowest-numbered matched copy's
    record; by set operations where an item's lowest copy is matched, one item at a time where it is not."""
    lost = known.firsts - matched  # items whose lowest copy is not matched
    if len(lost) > len(among):  # most items lost it: one pass over the matched copies instead
        return _first_of_each(known, to_array(among))
    kept = [known.first_records & matched]
    for docnum in lost:
        if found := known.items[known.item_of[docnum]] & matched:
            kept.append(known.docs_of[known.record_of[found.min()]])
    return union(kept)
