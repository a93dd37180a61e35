"""The Whoosh engine: the current generation of the index, one searcher per process (what is cached
per reader, and the set algebra above it, is indexer.engines'); and ``engine(home)``, the process's
engine of the kind the data folder chose (indexer.choice).

This is the engine side of the search boundary (see docs/ARCHITECTURE.md): everything above it
(the query language, the filters, facets, highlights, did-you-mean, related records and the result
shape) asks it through the methods of indexer.engines.Engine only.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from whoosh import query as Q
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet

from indexer import (
    analysis,
    choice,
    whoosh_patch,  # noqa: F401 -- applies the fix for a hang in Whoosh, see there
)
from indexer.docsets import EMPTY, DocSet
from indexer.engines import NOT_OPENED, Engine, ReaderCache
from indexer.index import IndexUnavailable, current_generation, open_generation, tantivy

# A page of at most this many matched documents is scored document by document (WhooshEngine.ranked).
FEW = 1000


class WhooshEngine(Engine):
    """The current Whoosh generation with one searcher, refreshed before each search."""

    name = choice.WHOOSH

    def __init__(self, home: Path):
        super().__init__(home)
        self.searcher: Searcher | None = None

    def refresh(self) -> Searcher:
        """A searcher on the latest commit of the current generation (reopened when its dictionary grew)."""
        path = current_generation(self.home)
        if self.generation is None or path != self.generation.path or self.generation.changed():
            if self.searcher is not None:
                self.searcher.close()
            previous, self.generation = self.generation, open_generation(self.home)
            self.searcher = self.generation.index.searcher()
            self._opened(previous)
        else:
            fresh = self._refreshed()
            if fresh is not self.searcher:
                self.searcher = fresh
                self.reader_cache = ReaderCache()
        analysis.activate(self.generation.segmenter)
        return self.searcher

    @property
    def _searcher(self) -> Searcher:
        """The searcher refresh() opened."""
        if self.searcher is None:
            raise RuntimeError(NOT_OPENED)
        return self.searcher

    def _refreshed(self) -> Searcher:
        """The searcher on the latest commit, opened anew: Whoosh's own refresh reuses the old segment readers,
        and when a concurrent commit makes it retry, the retry meets readers its first try closed."""
        index = self._generation.index
        if index.latest_generation() == self._searcher.reader().generation():
            return self._searcher
        fresh = _retry(index.searcher)
        self._searcher.close()
        return fresh

    def _postings(self, fieldname: str, value: str) -> DocSet:
        reader = self._searcher.reader()
        if not reader.doc_frequency(fieldname, value):
            return EMPTY
        return DocSet(reader.postings(fieldname, value).all_ids())

    def _leaf(self, query: Q.Query) -> DocSet:
        if isinstance(query, Q.Every):
            return DocSet(self._searcher.reader().all_doc_ids())
        return DocSet(self._searcher.docs_for_query(query))

    def _doc_frequency(self, fieldname: str, word: str) -> int:
        return self._searcher.reader().doc_frequency(fieldname, word)

    def _lexicon(self, fieldname: str) -> list[str]:
        return [t.decode("utf-8") if isinstance(t, bytes) else t for t in self._searcher.reader().lexicon(fieldname)]

    def doc_count(self) -> int:
        return self._searcher.reader().doc_count()

    def stored(self, docnum: int) -> dict[str, Any]:
        return self._searcher.stored_fields(docnum)

    def ranked(self, query: Q.Query, matched: DocSet, sort: str, page: int, limit: int) -> list[tuple[int, float]]:
        sortedby = {
            "year": FieldFacet("year", reverse=True),
            "year_asc": FieldFacet("year"),
            "title": FieldFacet("title_key"),
        }.get(sort)
        if sortedby is None and len(matched) <= FEW:
            return self._scored(query, matched)[(page - 1) * limit : page * limit]
        found = self._searcher.search(query, limit=page * limit, filter=set(matched), sortedby=sortedby, terms=False)
        # no len(found): it counts every match
        return [(found[i].docnum, _score(found[i])) for i in range((page - 1) * limit, found.scored_length())]

    def _scored(self, query: Q.Query, matched: DocSet) -> list[tuple[int, float]]:
        """(docnum, score) of the matched documents the query matches, by score then document number, as
        Whoosh's search orders them; its matcher skips straight to each document rather than walking every
        document the query matches, which a filtered search does."""
        searcher = self._searcher
        context = searcher.context()
        scored: list[tuple[float, int]] = []
        for leaf, offset in searcher.leaf_searchers():
            wanted = sorted(d - offset for d in matched if offset <= d < offset + leaf.doc_count_all())
            if not wanted:
                continue
            matcher = query.matcher(leaf, context)
            for docnum in wanted:
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if matcher.is_active() and matcher.id() == docnum:
                    scored.append((-matcher.score(), docnum + offset))
        return [(docnum, -score) for score, docnum in sorted(scored)]


def _score(hit: Any) -> float:
    """The relevance score of a hit (a sorted search puts the sort key there instead)."""
    return float(hit.score) if isinstance(hit.score, (int, float)) else 0.0


def _retry(action: Any, attempts: int = 5) -> Any:
    """Run a reader action again when a concurrent commit briefly removed a file it opens."""
    for attempt in range(attempts):
        try:
            return action()
        except FileNotFoundError:
            if attempt == attempts - 1:
                raise IndexUnavailable("检索索引正在更新，请稍后再试") from None
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


_engines: dict[tuple[str, str], Engine] = {}
_engines_lock = threading.Lock()


def engine(home: Path) -> Engine:
    """The process's engine for a data folder, of the kind it chose; an unknown choice gets the default
    kind, whose refresh reports it (open_generation) as an index that cannot be used."""
    try:
        kind = choice.chosen(home)
    except choice.UnknownEngine:
        kind = choice.WHOOSH
    with _engines_lock:
        key = (str(Path(home).resolve()), kind)
        if key not in _engines:
            _engines[key] = _kind(kind)(Path(home))
        return _engines[key]


def _kind(name: str) -> type[Engine]:
    """The engine class of a choice; tantivy's is imported only when a data folder chose it."""
    if name == choice.TANTIVY:
        tantivy()  # a clear error when the package is missing
        from indexer.tantivy_engine import TantivyEngine

        return TantivyEngine
    return WhooshEngine
