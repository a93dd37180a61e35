"""Person results: the inheritors a query names, by name, in traditional characters or in pinyin
(full or initials), as the reader may see them (heritage.people, heritage.visibility).

The names are compared as indexer.analysis compares words (normalized: NFKC, traditional ->
simplified, lower case), so 王安江, 王安江 typed in traditional characters, wanganjiang and waj all
name the same person.  The table of names is built once per reader and store state."""

from __future__ import annotations

import functools
import threading
from collections import defaultdict
from dataclasses import dataclass, field
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


@functools.lru_cache(maxsize=65536)
def _keys(name: str) -> tuple[str, ...]:
    """A name as compared, then its full pinyin and initials (remembered: the table is rebuilt after every
    change to the store, and pinyin is most of its cost)."""
    compared = name_key(name)
    return (compared, *whole_pinyin(compared))


def _table(home: Path, db: sqlite_utils.Database, reader: str) -> Table:
    """Every key a reader may find an inheritor by, for the store of a data folder as it is now."""
    key, state = (str(Path(home).resolve()), reader), history.last_change(db)
    with _lock:
        if key not in _tables or _tables[key][0] != state:
            table: Table = defaultdict(list)
            for inheritor_id, name in people.names(db, reader):
                for how, found in zip((_BY_NAME, _BY_PINYIN, _BY_INITIALS), _keys(name), strict=False):
                    if len(found) >= 2:
                        table[found].append((how, name, inheritor_id))
            _tables[key] = (state, dict(table))
        return _tables[key][1]


@dataclass(frozen=True)
class Named:
    """The persons a query names (heritage.people.person), and for each word that is a person's name or
    its full pinyin, the item numbers of the items they carry on (their other sub-items are related)."""

    people: tuple[dict[str, Any], ...] = ()
    item_numbers: dict[str, tuple[str, ...]] = field(default_factory=dict)


def named_in(home: Path, db: sqlite_utils.Database, query: str, reader: str) -> Named:
    """The persons a query names: as a whole, or one of its space-separated words."""
    table = _table(home, db, reader)
    typed = list(dict.fromkeys(name_key(text) for text in [query, *normalize(query).split()]))
    best: dict[str, tuple[int, str, str]] = {}
    words: dict[str, str] = {}  # inheritor id -> the word that names them in full
    for text in typed:
        for how, name, inheritor_id in table.get(text, []):
            best[inheritor_id] = min(best.get(inheritor_id, (how, name, inheritor_id)), (how, name, inheritor_id))
            if how != _BY_INITIALS:
                words.setdefault(inheritor_id, text)
    chosen = sorted(best.values())[:MAX_PEOPLE]
    found = [p for p in (people.person(db, inheritor_id, reader) for _, _, inheritor_id in chosen) if p]
    numbers: dict[str, list[str]] = defaultdict(list)
    for person in found:
        if person["id"] in words:
            numbers[words[person["id"]]] += [i["item_number"] for i in person["items"] if i.get("item_number")]
    return Named(tuple(found), {word: tuple(dict.fromkeys(n)) for word, n in numbers.items()})
