"""The tantivy engine: the current generation's tantivy index, one searcher refreshed before each
search, behind the same methods as the Whoosh engine (indexer.engines.Engine).

A document number is the segment and the document within it as one integer; relevance is tantivy's
BM25 over the same boosted query tree (indexer.tantivy_compiler); sort keys come from fast fields."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import tantivy
from whoosh import query as Q

from indexer import analysis, choice
from indexer.docsets import EMPTY, DocSet, from_array, to_array
from indexer.engines import NOT_OPENED, Engine, ReaderCache
from indexer.index import current_generation, open_generation
from indexer.tantivy_compiler import tantivy_query
from indexer.tantivy_index import commit_stamp

_SEGMENT = 32  # a docnum is segment << 32 | document


_HEAD = 1024  # a page of a large result is found among the first documents of its order


class _Ranking(NamedTuple):
    """Documents in an order, and the same documents by number with each one's place in the order.  Arrays,
    not lists: a list of 700,000 numbers takes 28 MB, and a reader keeps the orders of its recent queries."""

    order: np.ndarray
    numbers: np.ndarray
    places: np.ndarray

    def first(self, wanted: DocSet, count: int) -> list[int]:
        """The first ``count`` wanted documents in the order: looked for among the first documents, then (when
        the wanted ones are sparse) by their places; wanted documents the order lacks come after, by number."""
        head = self.order[:_HEAD]
        found = head[np.isin(head, to_array(from_array(head) & wanted), assume_unique=True)]
        if len(found) < count and len(self.order) > _HEAD:
            found = self.order[self._places_of(wanted)]
        chosen = found[:count].tolist()
        if len(chosen) < min(count, len(wanted)):
            chosen += list(itertools.islice(wanted - DocSet(chosen), count - len(chosen)))
        return chosen

    def all_of(self, wanted: DocSet) -> np.ndarray:
        """Every wanted document in the order, then those the order lacks, by number."""
        ranked = self.order[self._places_of(wanted)]
        return np.concatenate([ranked, to_array(wanted - from_array(ranked))])

    def _places_of(self, wanted: DocSet) -> np.ndarray:
        """The places in the order of the wanted documents it holds, first first."""
        at, held = _found(self.numbers, to_array(wanted))
        return np.sort(self.places[at[held]])


def _found(numbers: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each document is among ascending numbers, and whether it is there at all."""
    at = np.searchsorted(numbers, docs)
    held = at < len(numbers)
    held[held] = numbers[at[held]] == docs[held]
    return at, held


def _ranking(order: np.ndarray) -> _Ranking:
    places = np.argsort(order)
    return _Ranking(order, order[places], places)


class _Scored(NamedTuple):
    """The documents a query matches, best first (then by number), and their scores by number."""

    ranking: _Ranking
    scores: np.ndarray

    def score_of(self, docs: list[int]) -> list[float]:
        """The scores of some documents (0 for those the query does not match)."""
        at, held = _found(self.ranking.numbers, np.array(docs, dtype=np.uint64))
        return [float(self.scores[i]) if k else 0.0 for i, k in zip(at, held, strict=True)]


# Sort orders by fast field: the field, and whether the largest comes first.
_ORDERS = {"year": ("year", True), "year_asc": ("year", False), "title": ("title_key", False)}


def _docnum(address: tantivy.DocAddress) -> int:
    return address.segment_ord << _SEGMENT | address.doc


def _address(docnum: int) -> tantivy.DocAddress:
    return tantivy.DocAddress(docnum >> _SEGMENT, docnum & ((1 << _SEGMENT) - 1))


class TantivyEngine(Engine):
    """The current tantivy generation with one searcher, refreshed before each search."""

    name = choice.TANTIVY

    def __init__(self, home: Path):
        super().__init__(home)
        self.searcher: tantivy.Searcher | None = None
        self._commit: tuple[int, int] | None = None

    def refresh(self) -> tantivy.Searcher:
        """A searcher on the latest commit of the current generation (reopened when its dictionary grew)."""
        path = current_generation(self.home)
        if self.generation is None or path != self.generation.path or self.generation.changed():
            previous, self.generation = self.generation, open_generation(self.home)
            self._commit = commit_stamp(self.generation.path)
            self.searcher = self.generation.index.searcher()
            self._opened(previous)
        elif commit_stamp(self.generation.path) != self._commit:
            self._commit = commit_stamp(self.generation.path)
            self.generation.index.reload()
            self.searcher = self.generation.index.searcher()
            self.reader_cache = ReaderCache()
        analysis.activate(self._generation.segmenter)
        return self._searcher

    @property
    def _searcher(self) -> tantivy.Searcher:
        if self.searcher is None:
            raise RuntimeError(NOT_OPENED)
        return self.searcher

    def _schema(self) -> tantivy.Schema:
        return self._generation.index.schema

    def _all(self, query: tantivy.Query, **order: Any) -> list[tuple[Any, int]]:
        """(score or sort key, docnum) of every document a tantivy query matches."""
        return [(key, _docnum(address)) for key, address in self._hits(query, **order)]

    def _hits(self, query: tantivy.Query, **order: Any) -> list[tuple[Any, tantivy.DocAddress]]:
        """(score or sort key, address) of every document a tantivy query matches."""
        return self._searcher.search(query, limit=max(self._searcher.num_docs, 1), count=False, **order).hits

    def _postings(self, fieldname: str, value: str) -> DocSet:
        if not self._searcher.doc_freq(fieldname, value):
            return EMPTY
        return self._matched(tantivy.Query.term_query(self._schema(), fieldname, value))

    def _leaf(self, query: Q.Query) -> DocSet:
        return self._matched(tantivy_query(query, self._schema()))

    def _matched(self, query: tantivy.Query) -> DocSet:
        """Every document a tantivy query matches (built straight from the hits: at 10^5 documents a
        list of pairs first took twice as long)."""
        return DocSet(address.segment_ord << _SEGMENT | address.doc for _, address in self._hits(query))

    def _doc_frequency(self, fieldname: str, word: str) -> int:
        return self._searcher.doc_freq(fieldname, word)

    def _lexicon(self, fieldname: str) -> list[str]:
        return [term for term, _ in self._searcher.terms_with_prefix(fieldname, "")]

    def doc_count(self) -> int:
        return self._searcher.num_docs

    def stored(self, docnum: int) -> dict[str, Any]:
        fields = self._searcher.doc(_address(docnum)).to_dict()
        return {name: values[0] for name, values in fields.items() if values}

    def ranked(self, query: Q.Query, matched: DocSet, sort: str, page: int, limit: int) -> list[tuple[int, float]]:
        wanted, first, needed = matched & self.matching(query), (page - 1) * limit, page * limit
        if sort in _ORDERS:
            return [(d, 0.0) for d in self._order(sort).first(wanted, needed)[first:]]
        scored = self._scores(query)
        docs = scored.ranking.first(wanted, needed)[first:]
        return list(zip(docs, scored.score_of(docs), strict=True))

    def order(self, query: Q.Query, matched: DocSet) -> np.ndarray:
        return self._scores(query).ranking.all_of(matched)

    def _scores(self, query: Q.Query) -> _Scored:
        """The documents the query matches by tantivy's score (cached per reader and query)."""

        def read() -> _Scored:  # by array operations: at 10^6 records a broad question matches 700,000
            hits = self._hits(tantivy_query(query, self._schema()))
            scores = np.fromiter((score for score, _ in hits), dtype=np.float64, count=len(hits))
            docs = np.fromiter((_docnum(address) for _, address in hits), dtype=np.uint64, count=len(hits))
            best = np.lexsort((docs, -scores))
            ranking = _ranking(docs[best])
            return _Scored(ranking, scores[best][ranking.places])

        return self.reader_cache.ranks.remember(("scores", repr(query)), read)

    def _order(self, sort: str) -> _Ranking:
        """Every document in a sort order (cached per reader); documents without the key last, by number."""

        def read() -> _Ranking:
            fieldname, descending = _ORDERS[sort]
            order = tantivy.Order.Desc if descending else tantivy.Order.Asc
            keyed = self._all(tantivy.Query.all_query(), order_by_field=fieldname, order=order)
            docs = [d for key, d in keyed if key is not None] + sorted(d for key, d in keyed if key is None)
            return _ranking(np.array(docs, dtype=np.uint64))

        return self.reader_cache.ranks.remember(("order", sort), read)
