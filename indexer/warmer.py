"""Warming a new reader before a reader of the site asks.

Each commit of the sync worker gives the engine a new reader, and the first search on it reads from the
index the documents of every audience and of every facet value: seconds at 10^6 records.  A thread of the
web process (``heritage serve``) does that as soon as a commit appears, one term at a time under the
engine's lock, so a search that arrives meanwhile waits for one term, not for all of them."""

from __future__ import annotations

import threading
from pathlib import Path

import sqlite_utils

from heritage.store import open_store
from heritage.visibility import OPENS
from indexer.collapse import copies
from indexer.engine import engine
from indexer.engines import ReaderCache
from indexer.facets import FACETS
from indexer.index import IndexUnavailable


def warm(home: Path, db: sqlite_utils.Database, warmed: ReaderCache | None = None) -> ReaderCache | None:
    """Read what every search needs into the current reader's caches (every audience's documents and
    suspects, every facet value's documents, the copies of items, the words by their pinyin), unless ``warmed`` is that reader's
    cache already; the cache warmed, or None when a newer reader came meanwhile or there is no index."""
    eng = engine(home)
    with eng.lock:
        try:
            eng.refresh()
        except IndexUnavailable:
            return None
        cache = eng.reader_cache
        if cache is warmed:
            return cache
        names = [(name, value) for name in FACETS for value in eng.values(name)]
    for audience in OPENS:
        with eng.lock:
            if eng.reader_cache is not cache:
                return None
            eng.visible(audience)
            eng.suspects(db, audience)
    with eng.lock:
        if eng.reader_cache is not cache:
            return None
        copies(eng, db)
        eng.homophone_table()  # once a generation
    for name, value in names:
        with eng.lock:
            if eng.reader_cache is not cache:
                return None
            eng.docs(name, value)
    return cache


class Warmer(threading.Thread):
    """Warms each new reader of a data folder's index, looking for one every ``interval`` seconds."""

    def __init__(self, home: Path, interval: float = 1.0):
        super().__init__(name="heritage-index-warmer", daemon=True)
        self.home, self.interval = Path(home), interval
        self._stopping = threading.Event()

    def run(self) -> None:
        db, warmed = open_store(self.home), None
        while not self._stopping.wait(self.interval):
            warmed = warm(self.home, db, warmed)

    def stop(self) -> None:
        self._stopping.set()
