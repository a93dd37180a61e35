"""What every search engine shares, above its storage: the reader caches, documents per term and
facet value, the set algebra that answers the compiler's query trees exactly, the visible set, the
suspects, homophones and synonyms.  An engine (indexer.engine for Whoosh, indexer.tantivy_engine)
gives the primitives: ``refresh``, ``_postings``, ``_leaf``, ``_doc_frequency``, ``_lexicon``,
``doc_count``, ``stored`` and ``ranked`` (and may give a faster ``order``).  Document numbers are opaque integers, valid within one reader.

The query trees are the compiler's (indexer.compiler builds them from whoosh.query's classes, used
here only as the shape of a query); each engine runs the leaves it cannot answer from term sets
(phrases, ranges) its own way.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sqlite_utils
from whoosh import query as Q

from heritage import corpus, history
from heritage.visibility import index_terms
from indexer import analysis, hidden
from indexer.docsets import EMPTY, DocSet, to_array, union
from indexer.index import Generation

NOT_OPENED = "检索引擎尚未打开索引：先调用 refresh()"


class LRU(OrderedDict):
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
class ReaderCache:
    """What is derived from one reader: documents per term, phrase and facet value."""

    postings: LRU = field(default_factory=lambda: LRU(4096))
    values: dict[str, list[str]] = field(default_factory=dict)
    visible: dict[str, DocSet] = field(default_factory=dict)
    suspects: dict[tuple[str, Any], hidden.Suspects] = field(default_factory=dict)
    every: DocSet | None = None
    frequencies: LRU = field(default_factory=lambda: LRU(65536))
    ranks: LRU = field(default_factory=lambda: LRU(64))  # an engine's own per-reader tables (sort orders, scores)


class Engine:
    """The current generation of a data folder's index, one reader refreshed before each search; one per process."""

    name = ""

    def __init__(self, home: Path):
        self.home = Path(home)
        self.lock = threading.RLock()
        self.generation: Generation | None = None
        self.reader_cache = ReaderCache()
        self._homophones: dict[str, list[str]] | None = None
        self._initials: dict[str, list[str]] = {}
        self._synonyms: dict[str, list[str]] = {}

    # --- what an engine gives -------------------------------------------------------------------------

    def refresh(self) -> Any:
        """A reader on the latest commit of the current generation."""
        raise NotImplementedError

    def _postings(self, fieldname: str, value: str) -> DocSet:
        """The documents whose field holds a term, read from the index."""
        raise NotImplementedError

    def _leaf(self, query: Q.Query) -> DocSet:
        """The documents a phrase or range (a leaf term sets cannot answer) matches."""
        raise NotImplementedError

    def _doc_frequency(self, fieldname: str, word: str) -> int:
        raise NotImplementedError

    def _lexicon(self, fieldname: str) -> list[str]:
        """Every term of a field."""
        raise NotImplementedError

    def doc_count(self) -> int:
        """How many documents the reader holds."""
        raise NotImplementedError

    def stored(self, docnum: int) -> dict[str, Any]:
        """The stored fields of a document (its record's id and version)."""
        raise NotImplementedError

    def ranked(self, query: Q.Query, matched: DocSet, sort: str, page: int, limit: int) -> list[tuple[int, float]]:
        """(docnum, score) of one page of the matched documents, by the engine's scoring or a sort key."""
        raise NotImplementedError

    def order(self, query: Q.Query, matched: DocSet) -> np.ndarray:
        """Every matched document by the engine's scoring, best first (ties by number), then those the scoring
        lacks, by number: the order collapse keeps each item's first copy by."""
        ranked = [docnum for docnum, _ in self.ranked(query, matched, "relevance", 1, len(matched))]
        return np.concatenate([np.array(ranked, dtype=np.uint64), to_array(matched - DocSet(ranked))])

    # --- shared ---------------------------------------------------------------------------------------

    def _opened(self, previous: Generation | None) -> None:
        """After a generation was opened: new caches, homophones grown or dropped, the synonym table."""
        generation = self._generation
        self.reader_cache = ReaderCache()
        if previous is not None and previous.path == generation.path and self._homophones is not None:
            # the dictionary grew: add its new words rather than read the whole lexicon again
            grown = generation.segmenter.known - previous.segmenter.known
            _add_homophones(self._homophones, self._initials, grown)
        else:
            self._homophones = None
        self._synonyms = {}
        for group in corpus.synonym_groups():
            for word in group:
                self._synonyms[analysis.normalize(word)] = [analysis.normalize(w) for w in group if w != word]

    @property
    def _generation(self) -> Generation:
        """The generation refresh() opened."""
        if self.generation is None:
            raise RuntimeError(NOT_OPENED)
        return self.generation

    def docs(self, fieldname: str, value: str) -> DocSet:
        """The documents whose field holds a value (cached per reader)."""
        return self.reader_cache.postings.remember((fieldname, value), lambda: self._postings(fieldname, value))

    def matching(self, query: Q.Query) -> DocSet:
        """Every document a query matches, from cached term sets with C-speed set algebra;
        only phrases (and ranges) go through the engine, among their terms' documents."""
        if query is Q.NullQuery:
            return EMPTY
        if isinstance(query, Q.Term):
            return self.docs(query.fieldname, query.text)
        if isinstance(query, Q.Every):
            if self.reader_cache.every is None:
                self.reader_cache.every = self._leaf(query)
            return self.reader_cache.every
        if isinstance(query, Q.Not):
            return self.matching(Q.Every()) - self.matching(query.query)
        if isinstance(query, Q.Or):
            return union(self.matching(q) for q in query.subqueries)
        if isinstance(query, Q.And):
            sets = sorted((self.matching(q) for q in query.subqueries), key=len)
            return sets[0].intersection(*sets[1:]) if sets else EMPTY
        if isinstance(query, Q.Phrase):
            candidates = self.matching(Q.And([Q.Term(query.fieldname, w) for w in query.words]))
            if not candidates:
                return EMPTY
        return self.reader_cache.postings.remember(("query", repr(query)), lambda: self._leaf(query))

    def frequency(self, fieldname: str, word: str) -> int:
        """In how many documents a word occurs in a field (cached per reader)."""
        return self.reader_cache.frequencies.remember((fieldname, word), lambda: self._doc_frequency(fieldname, word))

    def values(self, fieldname: str) -> list[str]:
        """Every value a keyword field holds (cached per reader)."""
        if fieldname not in self.reader_cache.values:
            self.reader_cache.values[fieldname] = self._lexicon(fieldname)
        return self.reader_cache.values[fieldname]

    def homophones(self, word: str) -> list[str]:
        """Known words that sound like a word (腊染 -> 蜡染), most frequent first."""
        candidates = [w for w in self.homophone_table().get(analysis.pinyin_of(word), []) if w != word]
        return sorted(candidates, key=lambda w: -self._frequency(w))

    def spelled(self, pinyin: str, initials: bool = False) -> list[str]:
        """Known words (titles, aliases, the dictionary, the synonym table) whose toneless pinyin, or with
        ``initials`` its first letters, is this: niuyangge -> 扭秧歌, nyg -> 扭秧歌."""
        table = self.homophone_table()
        return list((self._initials if initials else table).get(pinyin, []))

    def homophone_table(self) -> dict[str, list[str]]:
        """Known words by their toneless pinyin (and, in ``_initials``, by its first letters), built once."""
        if self._homophones is None:
            known = set(self._generation.segmenter.words) | set(self._synonyms)
            for fieldname in ("title", "aliases"):
                known.update(self._lexicon(fieldname))
            self._homophones, self._initials = {}, {}
            _add_homophones(self._homophones, self._initials, known)
        return self._homophones

    def _frequency(self, word: str) -> int:
        return sum(self._doc_frequency(f, word) for f in ("title", "aliases", "body"))

    def knows(self, word: str) -> bool:
        """True when the word is in the dictionary or occurs in the index."""
        return self._generation.segmenter.is_word(word) or self._frequency(word) > 0

    def synonyms(self, word: str) -> list[str]:
        """The other words of the word's synonym group."""
        return self._synonyms.get(word, [])

    def visible(self, audience: str) -> DocSet:
        """The documents an audience may see, by heritage.visibility's rule (cached per reader)."""
        if audience not in self.reader_cache.visible:
            allowed = None
            for fieldname, values in index_terms(audience).items():
                docs = union(self.docs(fieldname, value) for value in values)
                allowed = docs if allowed is None else allowed & docs
            self.reader_cache.visible[audience] = allowed or EMPTY
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

    def record_ids(self, docnums: DocSet) -> set[str]:
        """The record ids of documents."""
        return {self.stored(docnum)["id"] for docnum in docnums}


def _add_homophones(table: dict[str, list[str]], initials: dict[str, list[str]], words: Any) -> None:
    """File Han words of two or more characters under their toneless pinyin and its first letters."""
    for word in sorted(words):
        if len(word) >= 2 and analysis.HAN_RUN.fullmatch(word):
            table.setdefault(analysis.pinyin_of(word), []).append(word)
            initials.setdefault(analysis.pinyin_initials(word), []).append(word)
