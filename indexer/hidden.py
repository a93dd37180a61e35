"""Records the index may know more about than a reader may see, and matching them only on what
the reader may see.

The index leaves out of the body every field a record keeps from the public, but its names and
facet fields (title, aliases, groups, places …) are indexed as stored, and a record saved since
the last sync is indexed as it was.  Those records — a field of theirs that is indexed outside
the body hidden from the reader, or a change still in the outbox — are *suspects*: for them a
query is answered again on a small in-memory index of their documents as the reader may see them
(heritage.visibility.view), so a hidden word never makes a record match."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

import sqlite_utils
from whoosh import query as Q
from whoosh.filedb.filestore import RamStorage

from heritage import store
from heritage.fields import LIST_KINDS, RECORD_FIELDS
from heritage.visibility import OPENS, view
from indexer.documents import document, make_schema

# Fields indexed as stored (outside the body, which documents.document already limits to public fields).
INDEXED_AS_STORED = frozenset({"title", "aliases", "native_names", "category", "ethnic_groups", "region_codes",
                               "level", "batch", "listing_type", "year"})


@dataclass
class Suspects:
    """The suspects of one reader in one index reader: their docnums there, and a searcher over
    their documents as the reader may see them."""

    docnums: frozenset[int]
    searcher: object | None

    locate: Callable[[str], frozenset[int]]

    def verify(self, query: Q.Query) -> frozenset[int]:
        """The suspects (main-index docnums) the query matches on what the reader may see."""
        if self.searcher is None or query is Q.NullQuery:
            return frozenset()
        found = (self.searcher.stored_fields(n)["id"] for n in self.searcher.docs_for_query(query))
        return frozenset().union(*(self.locate(i) for i in found))


def suspect_ids(db: sqlite_utils.Database, reader: str) -> set[str]:
    """Records with a change not yet indexed, or an indexed-as-stored field the reader may not see."""
    ids = {row[0] for row in db.execute(
        "SELECT DISTINCT entity_id FROM outbox WHERE entity = 'record' AND done_at IS NULL")}
    for record_id, overrides in db.execute("SELECT id, field_access FROM records WHERE field_access NOT IN ('', '{}')"):
        hidden = {name for name, level in json.loads(overrides).items() if level not in OPENS[reader]}
        if hidden & INDEXED_AS_STORED:
            ids.add(record_id)
    return ids


def _masked(record: dict, reader: str) -> dict | None:
    """The record with every field the reader may not see emptied, or None when it is not for them."""
    seen = view(record, RECORD_FIELDS, reader)
    if seen is None:
        return None
    empty = {f.name: [] if f.kind in LIST_KINDS else "" for f in RECORD_FIELDS}
    return empty | {"year": None, "batch": None} | seen | {
        name: record[name] for name in ("status", "access", "field_access", "version")}


def suspects(db: sqlite_utils.Database, reader: str, locate: Callable[[str], frozenset[int]]) -> Suspects:
    """The reader's suspects among the records the main index holds (``locate``: id -> its docnums there)."""
    ids = sorted(i for i in suspect_ids(db, reader) if locate(i))
    if not ids:
        return Suspects(frozenset(), None, locate)
    index = RamStorage().create_index(make_schema())
    with index.writer() as writer:
        for record_id in ids:
            masked = _masked(store.get(db, store.RECORD, record_id), reader)
            if masked:
                writer.add_document(**document(masked))
    return Suspects(frozenset().union(*(locate(i) for i in ids)), index.searcher(), locate)
