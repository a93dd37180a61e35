"""Search: a frozen SearchRequest in, a SearchResult out (its ``as_json`` is the API's JSON).

A query is parsed (indexer.query), compiled for the engine (indexer.compiler), answered by the
engine (indexer.engine) within what the reader may see (heritage.visibility) and the filters
(indexer.filters), and given facet counts (indexer.facets), safe highlights (indexer.hits) and a
"did you mean" (indexer.suggest).  See docs/ARCHITECTURE.md for the boundary with Whoosh.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import sqlite_utils

from heritage.visibility import OPENS, PUBLIC, RESEARCHER
from indexer import facets, filters, intents, persons, ranking
from indexer.collapse import collapse
from indexer.compiler import Compiler
from indexer.docsets import DocSet
from indexer.engine import engine
from indexer.engines import Engine
from indexer.errors import SearchError
from indexer.hits import hit
from indexer.index import IndexUnavailable
from indexer.query import parse_public, parse_research
from indexer.rules import RELAX_BELOW, SORTS
from indexer.suggest import suggest

PLAIN_MODE, RESEARCH_MODE = "public", "research"  # the query languages: plain words, or the research syntax
MODES = (PLAIN_MODE, RESEARCH_MODE)
AUDIENCES = tuple(OPENS)
MAX_LIMIT = 50


@dataclass(frozen=True)
class SearchRequest:
    """What to search for, checked on creation (a SearchError with code ``request`` if it cannot be).

    :param mode: the query language: public (words, phrases and fields) or research (also operators)
    :param filters: facet filters (indexer.filters): category, ethnic, region (code or name), level,
        batch, listing; empty values are dropped
    :param sort: relevance, year (newest first), year_asc or title (by pinyin)
    :param page: from 1; ``limit`` results a page, at most MAX_LIMIT
    :param audience: who reads: public (published public records) or researcher (also records
        for researchers); by default researcher in research mode — the public site passes public
    :param correct: when an unknown word sounds like a known one and the known one finds more,
        answer for the known one (``corrected``); False answers for the query as typed
    """

    query: str = ""
    mode: str = PLAIN_MODE
    filters: Mapping[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    limit: int = 10
    audience: str = ""
    with_facets: bool = True
    correct: bool = True

    def __post_init__(self) -> None:
        audience = self.audience or (RESEARCHER if self.mode == RESEARCH_MODE else PUBLIC)
        if self.mode not in MODES or audience not in AUDIENCES:
            raise SearchError("request", f"检索模式应为 {'、'.join(MODES)} 之一，读者应为 {'、'.join(AUDIENCES)} 之一")
        if self.sort not in SORTS:
            raise SearchError("request", f"排序应为 {'、'.join(SORTS)} 之一")
        chosen = {k: str(v) for k, v in dict(self.filters).items() if v not in (None, "")}
        settled = {
            "audience": audience,
            "filters": MappingProxyType(chosen),
            "page": max(1, int(self.page)),
            "limit": min(max(1, int(self.limit)), MAX_LIMIT),
        }
        for name, value in settled.items():  # a frozen dataclass settles its own fields
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class SearchResult:
    """A search's answer: one page of hits (dicts, see indexer.hits), facet counts by facet name,
    a did-you-mean ``suggestion`` (``corrected`` when the answer is for it), a question's direct
    ``answer`` (indexer.intents), or an ``error``; the inheritors the query names (``people``, see
    indexer.persons), whatever the page and filters.
    ``spelled`` gives each word typed in pinyin and the Hanzi words it was also searched as (niuyangge ->
    [扭秧歌]).  ``relaxed`` says when no record or few held every content word and records holding some follow:
    ``strict_total`` (how many held all), ``words`` (the content words), ``dropped`` (those the first
    hit lacks), ``note`` (saying so in Chinese); each hit then lists the words it lacks (``missing``)."""

    query: str
    mode: str
    total: int = 0
    page: int = 1
    limit: int = 10
    results: tuple[dict[str, Any], ...] = ()
    facets: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)
    suggestion: str | None = None
    corrected: bool = False
    answer: Mapping[str, Any] | None = None
    error: SearchError | None = None
    people: tuple[dict[str, Any], ...] = ()
    relaxed: dict[str, Any] | None = None
    spelled: Mapping[str, list[str]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.limit)

    def as_json(self) -> dict[str, Any]:
        """The answer as the API sends it (the error as its message)."""
        return {
            "query": self.query,
            "mode": self.mode,
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "pages": self.pages,
            "results": list(self.results),
            "facets": dict(self.facets),
            "suggestion": self.suggestion,
            "corrected": self.corrected,
            "answer": dict(self.answer) if self.answer else None,
            "relaxed": self.relaxed,
            "spelled": dict(self.spelled),
            "error": self.error.message if self.error else None,
            "people": list(self.people),
        }


def search(home: Path, db: sqlite_utils.Database, query: str, **options: Any) -> dict[str, Any]:
    """The JSON answer to ``SearchRequest(query, **options)``; never raises on bad input."""
    try:
        request = SearchRequest(query, **options)
    except SearchError as error:
        return SearchResult(query, options.get("mode", PLAIN_MODE), error=error).as_json()
    return run(home, db, request).as_json()


def run(home: Path, db: sqlite_utils.Database, request: SearchRequest) -> SearchResult:
    """Search the census records; a query that cannot be answered comes back with an ``error``; a
    plain question about one item gets its direct answer (first page only)."""
    result = _corrected(home, db, request)
    question = intents.asked(result.suggestion if result.corrected and result.suggestion else request.query)
    if result.error or request.mode != PLAIN_MODE or request.page != 1 or question is None:
        return result
    records = intents.one_item(db, question.subject, result.results, request.audience)
    subject_searched = question.whole and result.total  # the hits were already those of its subject words
    if not records and not subject_searched:
        about = _corrected(home, db, dataclasses.replace(request, query=question.subject, with_facets=False))
        records = intents.one_item(db, question.subject, about.results, request.audience)
    found = intents.answer(db, question, records, request.audience, dt.date.today())
    return dataclasses.replace(result, answer=found) if found else result


def _corrected(home: Path, db: sqlite_utils.Database, request: SearchRequest) -> SearchResult:
    """The search of the records and of the inheritors a query names, answered for a known word that sounds
    like an unknown one when that finds more; a query that names an inheritor is never corrected."""
    eng = engine(home)
    with eng.lock:
        named = persons.named_in(home, db, request.query, request.audience)
        try:
            eng.refresh()
            answer = _answer(eng, db, request, request.query, named)
        except IndexUnavailable as error:
            return SearchResult(request.query, request.mode, error=SearchError("unavailable", f"检索暂不可用：{error}"))
        except SearchError as error:
            return SearchResult(request.query, request.mode, error=error)
        if named.people:
            return dataclasses.replace(answer, people=named.people, suggestion=None)
        if request.correct and answer.suggestion:  # an unknown word that sounds like a known one: try the known one
            retry = _answer(eng, db, request, answer.suggestion)
            if _strict_total(retry) > _strict_total(answer):
                return dataclasses.replace(retry, query=request.query, suggestion=answer.suggestion, corrected=True)
            if not _strict_total(retry):  # its words may come from what the reader may not see: not a suggestion
                return dataclasses.replace(answer, suggestion=None)
        return answer


def _answer(
    eng: Engine, db: sqlite_utils.Database, request: SearchRequest, query: str, named: persons.Named | None = None
) -> SearchResult:
    """One query answered as the request's reader may see it, within its filters (``named``: the persons
    the query names, whose other sub-items of their items are related; a plain search finding fewer
    than rules.RELAX_BELOW records relaxed, see indexer.ranking)."""
    compiler = Compiler(eng, request.audience, named.item_numbers if named else {})
    tree = parse_research(query) if request.mode == RESEARCH_MODE else parse_public(query)
    compiled = compiler.top(tree)
    chosen = filters.resolve(request.filters)
    allowed = eng.visible(request.audience)
    for name, value in chosen.items():
        allowed = allowed & eng.docs(name, value)
    suspects = eng.suspects(db, request.audience)

    def matching(q: Any) -> DocSet:
        found = eng.matching(q) & allowed - suspects.docnums
        if suspects.docnums:  # matched again on what the reader may see, within the filters
            found |= suspects.verify(compiler.within(q, chosen))
        return found

    matched, units, strict = matching(compiled), compiler.units, None
    relaxed: dict[str, Any] | None = None
    plain = request.mode == PLAIN_MODE
    whole_name = bool(named and named.people)  # a person's name is not relaxed into its characters
    loose = ranking.relaxed(compiler, tree) if plain and len(matched) < RELAX_BELOW and not whole_name else None
    if loose:
        more = matching(loose.query)
        if len(more) > len(matched):
            relaxed = {"strict_total": len(matched), "words": [u.word for u in loose.units]}
            compiled, matched, units, strict = loose.query, more, loose.units, matched
    matched = collapse(eng, db, compiled, matched)
    total = len(matched)
    order = ranking.order(matching, units if plain and request.sort == "relevance" else [], matched, strict)
    found = (
        ranking.page(eng, compiled, order.tiers, request.sort, request.page, request.limit)
        if total and (request.page - 1) * request.limit < total
        else []
    )
    results = [
        r for r in (hit(db, record_id, score, compiler.marks, request.audience) for record_id, score in found) if r
    ]
    if relaxed is not None:
        relaxed["dropped"] = _mark_relaxed(eng, order, results, [u.word for u in units])
        relaxed["note"] = ranking.note(relaxed["words"], relaxed["strict_total"], relaxed["dropped"])
    return SearchResult(
        query,
        request.mode,
        total=total,
        page=request.page,
        limit=request.limit,
        results=tuple(results),
        facets=facets.count(eng, matched - suspects.docnums, request.filters) if request.with_facets else {},
        suggestion=suggest(eng, query),
        relaxed=relaxed,
        spelled=compiler.spelled,
    )


def _strict_total(answer: SearchResult) -> int:
    """How many records held every content word (a relaxed answer's records holding some do not count)."""
    return answer.relaxed["strict_total"] if answer.relaxed else answer.total


def _mark_relaxed(eng: Engine, order: ranking.Order, results: list[dict[str, Any]], words: list[str]) -> list[str]:
    """Each hit of a relaxed search given the content words it lacks (``missing``); the words the first lacks."""
    for result in results:
        docnums = eng.docs("id", result["id"])
        present = set(order.words_of(min(docnums))) if docnums else set()
        result["missing"] = [word for word in words if word not in present]
    return results[0]["missing"] if results else list(words)
