"""The Whoosh engine: the current generation of the index, one searcher per process, and what is
cached per reader (documents per term, phrase and facet value, the visible set, the suspects).

This is the engine side of the search boundary (see docs/ARCHITECTURE.md): everything above it
(the query language, the filters, facets, highlights, did-you-mean, related records and the result
shape) asks it through these methods only: ``refresh``, ``docs``, ``matching``, ``values``,
``frequency``, ``doc_count``, ``stored``, ``ranked``, ``visible``, ``suspects``, ``homophones``,
``spelled``, ``knows`` and ``synonyms``; a second engine is a module with the same methods.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
from whoosh import query as Q
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet

from heritage import corpus, history
from heritage.visibility import index_terms
from indexer import (
    analysis,
    hidden,
    whoosh_patch,  # noqa: F401 -- applies the fix for a hang in Whoosh, see there
)
from indexer.index import Generation, IndexUnavailable, current_generation, open_generation

_NOT_OPENED = "检索引擎尚未打开索引：先调用 refresh()"
# A page of at most this many matched documents is scored document by document (Engine.ranked).
FEW = 1000


class _LRU(OrderedDict):
    """A small least-recently-used map (document sets of the terms and phrases queries use)."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def remember(self, key: Any, compute: Any) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = compute()
        if len(self) > self.size:
            self.popitem(last=False)
        return value


@dataclass
class _ReaderCache:
    """What is derived from one reader: documents per term, phrase and facet value."""

    postings: _LRU = field(default_factory=lambda: _LRU(4096))
    values: dict[str, list[str]] = field(default_factory=dict)
    visible: dict[str, set[int]] = field(default_factory=dict)
    suspects: dict[tuple[str, Any], hidden.Suspects] = field(default_factory=dict)
    every: frozenset[int] | None = None
    frequencies: _LRU = field(default_factory=lambda: _LRU(65536))


class Engine:
    """The current generation with one searcher, refreshed before each search; one per process."""

    def __init__(self, home: Path):
        self.home = Path(home)
        self.lock = threading.RLock()
        self.generation: Generation | None = None
        self.searcher: Searcher | None = None
        self.reader_cache = _ReaderCache()
        self._homophones: dict[str, list[str]] | None = None
        self._initials: dict[str, list[str]] = {}
        self._synonyms: dict[str, list[str]] = {}

    def refresh(self) -> Searcher:
        """A searcher on the latest commit of the current generation (reopened when its dictionary grew)."""
        path = current_generation(self.home)
        if self.generation is None or path != self.generation.path or self.generation.changed():
            if self.searcher is not None:
                self.searcher.close()
            previous, self.generation = self.generation, open_generation(self.home)
            self.searcher = self.generation.index.searcher()
            self.reader_cache = _ReaderCache()
            if previous is not None and previous.path == path and self._homophones is not None:
                # the dictionary grew: add its new words rather than read the whole lexicon again
                grown = self.generation.segmenter.known - previous.segmenter.known
                _add_homophones(self._homophones, self._initials, grown)
            else:
                self._homophones = None
            self._synonyms = {}
            for group in corpus.synonym_groups():
                for word in group:
                    self._synonyms[analysis.normalize(word)] = [analysis.normalize(w) for w in group if w != word]
        else:
            fresh = self._refreshed()
            if fresh is not self.searcher:
                self.searcher = fresh
                self.reader_cache = _ReaderCache()
        analysis.activate(self.generation.segmenter)
        return self.searcher

    @property
    def _generation(self) -> Generation:
        """The generation refresh() opened."""
        if self.generation is None:
            raise RuntimeError(_NOT_OPENED)
        return self.generation

    @property
    def _searcher(self) -> Searcher:
        """The searcher refresh() opened."""
        if self.searcher is None:
            raise RuntimeError(_NOT_OPENED)
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

    def docs(self, fieldname: str, value: str) -> frozenset[int]:
        """The documents whose field holds a value (cached per reader)."""

        def read() -> frozenset[int]:
            reader = self._searcher.reader()
            if not reader.doc_frequency(fieldname, value):
                return frozenset()
            return frozenset(reader.postings(fieldname, value).all_ids())

        return self.reader_cache.postings.remember((fieldname, value), read)

    def matching(self, query: Q.Query) -> frozenset[int]:
        """Every document a query matches, from cached term sets with C-speed set algebra;
        only phrases (and ranges) go through Whoosh's matchers, among their terms' documents."""
        if query is Q.NullQuery:
            return frozenset()
        if isinstance(query, Q.Term):
            return self.docs(query.fieldname, query.text)
        if isinstance(query, Q.Every):
            if self.reader_cache.every is None:
                self.reader_cache.every = frozenset(self._searcher.reader().all_doc_ids())
            return self.reader_cache.every
        if isinstance(query, Q.Not):
            return self.matching(Q.Every()) - self.matching(query.query)
        if isinstance(query, Q.Or):
            return frozenset().union(*(self.matching(q) for q in query.subqueries))
        if isinstance(query, Q.And):
            sets = sorted((self.matching(q) for q in query.subqueries), key=len)
            return sets[0].intersection(*sets[1:]) if sets else frozenset()
        if isinstance(query, Q.Phrase):
            candidates = self.matching(Q.And([Q.Term(query.fieldname, w) for w in query.words]))
            if not candidates:
                return frozenset()
        key = ("query", repr(query))
        return self.reader_cache.postings.remember(key, lambda: frozenset(self._searcher.docs_for_query(query)))

    def frequency(self, fieldname: str, word: str) -> int:
        """In how many documents a word occurs in a field (cached per reader)."""
        return self.reader_cache.frequencies.remember(
            (fieldname, word), lambda: self._searcher.reader().doc_frequency(fieldname, word)
        )

    def values(self, fieldname: str) -> list[str]:
        """Every value a keyword field holds (cached per reader)."""
        if fieldname not in self.reader_cache.values:
            self.reader_cache.values[fieldname] = [
                term.decode("utf-8") if isinstance(term, bytes) else term
                for term in self._searcher.reader().lexicon(fieldname)
            ]
        return self.reader_cache.values[fieldname]

    def homophones(self, word: str) -> list[str]:
        """Known words that sound like a word (腊染 -> 蜡染), most frequent first."""
        candidates = [w for w in self._homophone_table().get(analysis.pinyin_of(word), []) if w != word]
        return sorted(candidates, key=lambda w: -self._frequency(w))

    def spelled(self, pinyin: str, initials: bool = False) -> list[str]:
        """Known words (titles, aliases, the dictionary, the synonym table) whose toneless pinyin, or with
        ``initials`` its first letters, is this: niuyangge -> 扭秧歌, nyg -> 扭秧歌."""
        table = self._homophone_table()
        return list((self._initials if initials else table).get(pinyin, []))

    def _homophone_table(self) -> dict[str, list[str]]:
        """Known words by their toneless pinyin (and, in ``_initials``, by its first letters), built once."""
        if self._homophones is None:
            reader = self._searcher.reader()
            known = set(self._generation.segmenter.words) | set(self._synonyms)
            for fieldname in ("title", "aliases"):
                known.update(t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(fieldname))
            self._homophones, self._initials = {}, {}
            _add_homophones(self._homophones, self._initials, known)
        return self._homophones

    def _frequency(self, word: str) -> int:
        reader = self._searcher.reader()
        return sum(reader.doc_frequency(f, word) for f in ("title", "aliases", "body"))

    def knows(self, word: str) -> bool:
        """True when the word is in the dictionary or occurs in the index."""
        return self._generation.segmenter.is_word(word) or self._frequency(word) > 0

    def synonyms(self, word: str) -> list[str]:
        """The other words of the word's synonym group."""
        return self._synonyms.get(word, [])

    def doc_count(self) -> int:
        """How many documents the reader holds."""
        return self._searcher.reader().doc_count()

    def stored(self, docnum: int) -> dict[str, Any]:
        """The stored fields of a document (its record's id and version)."""
        return self._searcher.stored_fields(docnum)

    def ranked(
        self, query: Q.Query, matched: frozenset[int], sort: str, page: int, limit: int
    ) -> list[tuple[str, float]]:
        """(record id, score) of one page of the matched documents, by Whoosh's scoring or a sort key."""
        sortedby = {
            "year": FieldFacet("year", reverse=True),
            "year_asc": FieldFacet("year"),
            "title": FieldFacet("title_key"),
        }.get(sort)
        if sortedby is None and len(matched) <= FEW:
            scored = self._scored(query, matched)[(page - 1) * limit : page * limit]
            return [(self.stored(docnum)["id"], score) for docnum, score in scored]
        found = self._searcher.search(query, limit=page * limit, filter=set(matched), sortedby=sortedby, terms=False)
        # no len(found): it counts every match
        return [(found[i]["id"], _score(found[i])) for i in range((page - 1) * limit, found.scored_length())]

    def _scored(self, query: Q.Query, matched: frozenset[int]) -> list[tuple[int, float]]:
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

    def visible(self, audience: str) -> set[int]:
        """The documents an audience may see, by heritage.visibility's rule (cached per reader)."""
        if audience not in self.reader_cache.visible:
            allowed = None
            for fieldname, values in index_terms(audience).items():
                docs = set().union(*(self.docs(fieldname, value) for value in values))
                allowed = docs if allowed is None else allowed & docs
            self.reader_cache.visible[audience] = allowed or set()
        return self.reader_cache.visible[audience]

    def suspects(self, db: sqlite_utils.Database, audience: str) -> hidden.Suspects:
        """The audience's suspects (see indexer.hidden), per reader and data version."""
        key = (audience, history.last_change(db))
        cache = self.reader_cache.suspects
        if key not in cache:
            cache.clear()
            cache[key] = hidden.suspects(
                db, audience, lambda record_id: self.docs("id", record_id), self._indexed_version
            )
        return cache[key]

    def _indexed_version(self, record_id: str) -> int | None:
        """The version of a record the index holds (the oldest, if a sync left an older one), or None."""
        docs = self.docs("id", record_id)
        return min(self.stored(docnum)["version"] for docnum in docs) if docs else None


def _score(hit: Any) -> float:
    """The relevance score of a hit (a sorted search puts the sort key there instead)."""
    return float(hit.score) if isinstance(hit.score, (int, float)) else 0.0


def _add_homophones(table: dict[str, list[str]], initials: dict[str, list[str]], words: Any) -> None:
    """File Han words of two or more characters under their toneless pinyin and its first letters."""
    for word in sorted(words):
        if len(word) >= 2 and analysis.HAN_RUN.fullmatch(word):
            table.setdefault(analysis.pinyin_of(word), []).append(word)
            initials.setdefault(analysis.pinyin_initials(word), []).append(word)


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


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine(home: Path) -> Engine:
    """The process's engine for a data folder."""
    with _engines_lock:
        key = str(Path(home).resolve())
        if key not in _engines:
            _engines[key] = Engine(Path(home))
        return _engines[key]
