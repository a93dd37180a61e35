"""Records the index may know more about than a reader may see, and matching them only on what
the reader may see.

The index leaves out of the body every field a record keeps from the public, but its names and
facet fields (title, aliases, groups, places …) are indexed as stored, and a record saved since
the last sync is indexed as it was.  Those records — a field of theirs that is indexed outside
the body hidden from the reader, or a change of status or access not yet indexed — are
*suspects*: for them a query is answered again on a small in-memory index of their documents as
the reader may see them (heritage.visibility.view), so a hidden word never makes a record match.
(A change of text alone, not yet indexed, leaves the record as it was: what was indexed was
visible under the same access.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils
from whoosh import query as Q
from whoosh.filedb.filestore import RamStorage
from whoosh.searching import Searcher

from heritage import outbox, people, store
from heritage.fields import LIST_TYPES, RECORD_FIELDS
from heritage.history import changed_since
from heritage.visibility import OPENS, view
from indexer.docsets import EMPTY, DocSet, union
from indexer.documents import document, make_schema

# At most this many suspects are matched again; any others (a large batch of saves the index has not
# taken in yet) are left out of results until it has, a matter of seconds.
MAX_REMATCH = 500
# Fields indexed as stored (outside the body, which documents.document already limits to public fields).
INDEXED_AS_STORED = frozenset(
    {
        "title",
        "aliases",
        "native_names",
        "category",
        "ethnic_groups",
        "region_codes",
        "level",
        "batch",
        "listing_type",
        "year",
        "item_number",
    }
)
# The fields that say who may see a record: a change of one, not yet indexed, makes the record a suspect.
WHO_MAY_SEE = ("status", "access", "field_access")


@dataclass
class Suspects:
    """The suspects of one reader in one index reader: their docnums there, and a searcher over
    their documents as the reader may see them."""

    docnums: DocSet
    searcher: Searcher | None

    locate: Callable[[str], DocSet]

    def verify(self, query: Q.Query) -> DocSet:
        """The suspects (main-index docnums) the query matches on what the reader may see."""
        if self.searcher is None or query is Q.NullQuery:
            return EMPTY
        found = (self.searcher.stored_fields(n)["id"] for n in self.searcher.docs_for_query(query))
        return union(self.locate(i) for i in found)


def suspect_ids(db: sqlite_utils.Database, reader: str, indexed_version: Callable[[str], int | None]) -> list[str]:
    """Records with an indexed-as-stored field the reader may not see, then those whose status or access
    changed after the version the index holds (``indexed_version``: id -> that version, None if absent), then
    the records of inheritors with a pending change whose name the reader may not see."""
    ids = [
        record_id
        for record_id, overrides in store.field_access_overrides(db, store.RECORD).items()
        if {name for name, level in overrides.items() if level not in OPENS[reader]} & INDEXED_AS_STORED
    ]
    for record_id in outbox.pending_ids(db, store.RECORD.name):
        version = indexed_version(record_id)
        if version is not None and changed_since(db, store.RECORD, record_id, version, WHO_MAY_SEE):
            ids.append(record_id)
    hidden_people = people.hidden_from(db, reader, outbox.pending_ids(db, store.INHERITOR.name))
    ids += people.records_of(db, hidden_people)
    return list(dict.fromkeys(ids))


def _masked(record: dict, reader: str) -> dict | None:
    """The record with every field the reader may not see emptied, or None when it is not for them."""
    seen = view(record, RECORD_FIELDS, reader)
    if seen is None:
        return None
    empty = {f.name: [] if f.type in LIST_TYPES else "" for f in RECORD_FIELDS}
    return (
        empty
        | {"year": None, "batch": None}
        | seen
        | {name: record[name] for name in ("status", "access", "field_access", "version")}
    )


def suspects(
    db: sqlite_utils.Database,
    reader: str,
    locate: Callable[[str], DocSet],
    indexed_version: Callable[[str], int | None],
) -> Suspects:
    """The reader's suspects among the records the main index holds (``locate``: id -> its docnums there)."""
    ids = [i for i in suspect_ids(db, reader, indexed_version) if locate(i)]
    if not ids:
        return Suspects(EMPTY, None, locate)
    index = RamStorage().create_index(make_schema())
    carried = people.names_by_record(db, ids[:MAX_REMATCH])
    with index.writer() as writer:
        for record_id in ids[:MAX_REMATCH]:
            record = store.get(db, store.RECORD, record_id)
            masked = _masked(record, reader) if record else None
            if masked:
                writer.add_document(**document(masked, carried.get(record_id)))
    return Suspects(union(locate(i) for i in ids), index.searcher(), locate)
