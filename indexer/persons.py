"""Person results: the inheritors a query names, by name, in traditional characters or in pinyin
(full or initials), as the reader may see them (heritage.people, heritage.visibility).

The names are compared as indexer.analysis compares words (normalized: NFKC, traditional ->
simplified, lower case), so 王安江, 王安江 typed in traditional characters, wanganjiang and waj all
name the same person.  The table of names is built once per reader and store state."""

from __future__ import annotations

import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

import sqlite_utils

from heritage import history, people
from indexer.analysis import name_key, normalize, whole_pinyin

MAX_PEOPLE = 10  # persons shown for one query; a name many share lists the first by how it matched, then name
# How a query matched a person, best first.
_BY_NAME, _BY_PINYIN, _BY_INITIALS = range(3)
Table = dict[str, list[tuple[int, str, str]]]  # key -> [(how it matched, name, inheritor id)]
_tables: dict[tuple[str, str], tuple[int | None, Table]] = {}  # (store, reader) -> (its state, its table)
_lock = threading.Lock()


def _table(home: Path, db: sqlite_utils.Database, reader: str) -> Table:
    """Every key a reader may find an inheritor by, for the store of a data folder as it is now."""
    key, state = (str(Path(home).resolve()), reader), history.last_change(db)
    with _lock:
        if key not in _tables or _tables[key][0] != state:
            table: Table = defaultdict(list)
            for inheritor_id, name in people.names(db, reader):
                compared = name_key(name)
                keys = [compared, *whole_pinyin(compared)]
                for how, found in zip((_BY_NAME, _BY_PINYIN, _BY_INITIALS), keys, strict=False):
                    if len(found) >= 2:
                        table[found].append((how, name, inheritor_id))
            _tables[key] = (state, dict(table))
        return _tables[key][1]


def named_in(home: Path, db: sqlite_utils.Database, query: str, reader: str) -> list[dict[str, Any]]:
    """The persons (heritage.people.person) a query names: as a whole, or one of its space-separated words."""
    table = _table(home, db, reader)
    typed = [query, *normalize(query).split()]
    best: dict[str, tuple[int, str, str]] = {}
    for how, name, inheritor_id in (entry for text in typed for entry in table.get(name_key(text), [])):
        best[inheritor_id] = min(best.get(inheritor_id, (how, name, inheritor_id)), (how, name, inheritor_id))
    found = (people.person(db, inheritor_id, reader) for _, _, inheritor_id in sorted(best.values())[:MAX_PEOPLE])
    return [p for p in found if p]
