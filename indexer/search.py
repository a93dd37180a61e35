"""Search: plain data in, plain data out.

A query is parsed (indexer.query), compiled into a Whoosh query over the current generation
with the same analysis as indexing, always filtered to what the reader may see, and answered
with ranked results, facet counts, safe highlighted snippets and a "did you mean".
"""
from __future__ import annotations

import heapq
import math
import re
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
from markupsafe import Markup, escape
from whoosh import query as Q
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet

from heritage import corpus, store, vocab
from heritage.fields import parse_value
from heritage.regions import divisions
from heritage.visibility import index_terms, view
from indexer import analysis, hidden
from indexer import whoosh_patch  # noqa: F401 -- applies the fix for a hang in Whoosh, see there
from indexer.index import Generation, IndexUnavailable, current_generation, open_generation
from indexer.query import (And, FieldQuery, Not, Or, Phrase, QuerySyntaxError, Words,
                           parse_public, parse_research)

MODES = ("public", "research")
AUDIENCES = ("public", "researcher")
SORTS = ("relevance", "year", "year_asc", "title")
FACETS = ("category", "ethnic", "province", "level", "batch", "listing")
MAX_LIMIT = 50
TEXT_BOOSTS = {"title": 6.0, "aliases": 4.0, "native": 4.0, "body": 1.0}
METADATA_BOOST = 6.0  # a record recorded as of a place, group or category outranks one that mentions it
# Words that carry no subject in a question: 苗族有哪些传统节日, 蜡染是怎么做的.
STOPWORDS = frozenset(
    "的 了 是 有 和 与 及 在 吗 呢 吧 啊 呀 么 哪 哪些 哪个 哪里 哪儿 谁 几 多少 什么 怎么 怎样 如何 为什么"
    " 请问 一下 介绍 关于 一些 有关 相关 都 也 还 就 做 做的 制作 是什么 有什么 是怎么".split())
# Words that name a kind of heritage rather than a word in the text.
CONCEPTS = {
    "节日": ["民俗"], "传统节日": ["民俗"], "节庆": ["民俗"], "民俗": ["民俗"], "习俗": ["民俗"],
    "技艺": ["传统技艺"], "手艺": ["传统技艺"], "工艺": ["传统技艺", "传统美术"], "手工艺": ["传统技艺", "传统美术"],
    "美术": ["传统美术"], "刺绣": ["传统美术"], "音乐": ["传统音乐"], "民歌": ["传统音乐"], "歌曲": ["传统音乐"],
    "舞蹈": ["传统舞蹈"], "舞": ["传统舞蹈"], "戏剧": ["传统戏剧"], "戏曲": ["传统戏剧"], "戏": ["传统戏剧"],
    "曲艺": ["曲艺"], "说唱": ["曲艺"], "医药": ["传统医药"], "医学": ["传统医药"], "体育": ["传统体育、游艺与杂技"],
    "杂技": ["传统体育、游艺与杂技"], "竞技": ["传统体育、游艺与杂技"], "传说": ["民间文学"], "故事": ["民间文学"],
    "史诗": ["民间文学"], "神话": ["民间文学"], "文学": ["民间文学"],
}
_LISTING = {"新增": "新增项目", "扩展": "扩展项目", "新增项目": "新增项目", "扩展项目": "扩展项目"}


class _Or(Q.Or):
    """Whoosh's Or, always as a tree of union matchers: its automatic choice preloads an array as
    long as the whole index for every Or on indexes under 5,000 documents, which made queries on
    the national list slower than on 100,000 records (measured there: p50 20 ms -> 11 ms)."""

    matcher_type = Q.Or.DEFAULT_MATCHER


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
                _add_homophones(self._homophones, self.generation.segmenter.known - previous.segmenter.known)
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

    def _refreshed(self) -> Searcher:
        """The searcher on the latest commit, opened anew: Whoosh's own refresh reuses the old segment readers,
        and when a concurrent commit makes it retry, the retry meets readers its first try closed."""
        index = self.generation.index
        if index.latest_generation() == self.searcher.reader().generation():
            return self.searcher
        fresh = _retry(index.searcher)
        self.searcher.close()
        return fresh

    def docs(self, fieldname: str, value: str) -> frozenset[int]:
        """The documents whose field holds a value (cached per reader)."""
        def read() -> frozenset[int]:
            reader = self.searcher.reader()
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
                self.reader_cache.every = frozenset(self.searcher.reader().all_doc_ids())
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
        return self.reader_cache.postings.remember(key, lambda: frozenset(self.searcher.docs_for_query(query)))

    def frequency(self, fieldname: str, word: str) -> int:
        """In how many documents a word occurs in a field (cached per reader)."""
        return self.reader_cache.frequencies.remember(
            (fieldname, word), lambda: self.searcher.reader().doc_frequency(fieldname, word))

    def values(self, fieldname: str) -> list[str]:
        """Every value a keyword field holds (cached per reader)."""
        if fieldname not in self.reader_cache.values:
            self.reader_cache.values[fieldname] = [
                term.decode("utf-8") if isinstance(term, bytes) else term
                for term in self.searcher.reader().lexicon(fieldname)]
        return self.reader_cache.values[fieldname]

    def homophones(self, word: str) -> list[str]:
        """Known words that sound like a word (腊染 -> 蜡染), most frequent first."""
        if self._homophones is None:
            reader = self.searcher.reader()
            known = set(self.generation.segmenter.words)
            for fieldname in ("title", "aliases"):
                known.update(t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon(fieldname))
            self._homophones = {}
            _add_homophones(self._homophones, known)
        candidates = [w for w in self._homophones.get(analysis.pinyin_of(word), []) if w != word]
        return sorted(candidates, key=lambda w: -self._frequency(w))

    def _frequency(self, word: str) -> int:
        reader = self.searcher.reader()
        return sum(reader.doc_frequency(f, word) for f in ("title", "aliases", "body"))

    def knows(self, word: str) -> bool:
        """True when the word is in the dictionary or occurs in the index."""
        return self.generation.segmenter.is_word(word) or self._frequency(word) > 0

    def synonyms(self, word: str) -> list[str]:
        """The other words of the word's synonym group."""
        return self._synonyms.get(word, [])


def _add_homophones(table: dict[str, list[str]], words: Any) -> None:
    """File Han words of two or more characters under their toneless pinyin."""
    for word in sorted(words):
        if len(word) >= 2 and analysis.HAN_RUN.fullmatch(word):
            table.setdefault(analysis.pinyin_of(word), []).append(word)


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


class _Compiler:
    """AST -> Whoosh query, with the engine's dictionary, synonyms, regions and vocabularies."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.marks: set[str] = set()

    def top(self, node: Any) -> Q.Query:
        """The query for a whole parsed tree."""
        return _standalone(self.compile(node))

    def compile(self, node: Any) -> Q.Query:
        if isinstance(node, Words):
            return self.words(node.text)
        if isinstance(node, Phrase):
            return self.text_match(analysis.words(node.text), TEXT_BOOSTS) or Q.NullQuery
        if isinstance(node, FieldQuery):
            return self.field(node)
        if isinstance(node, Not):
            return Q.Not(self.compile(node.node))
        parts = [self.compile(child) for child in node.nodes]
        if isinstance(node, Or):
            return _Or([_standalone(p) for p in parts])
        if all(isinstance(p, Q.Not) for p in parts):
            parts.insert(0, Q.Every())
        return Q.And(parts)

    def words(self, text: str) -> Q.Query:
        """A user's word: its units (split at question words) must all match, or the whole word as
        a synonym, place, ethnic group, category or pinyin."""
        tokens = analysis.words(text)
        units, unit = [], []
        for token in tokens:
            if token in STOPWORDS:
                if unit:
                    units.append(unit)
                unit = []
            else:
                unit.append(token)
        if unit:
            units.append(unit)
        if not units:
            units = [tokens] if tokens else []
        if not units:
            return Q.NullQuery
        whole = analysis.normalize(text).strip()
        alternatives = self.whole_word(whole) if len(units) == 1 else []
        return _Or([Q.And([self.unit(u) for u in units]), *alternatives])

    def unit(self, tokens: list[str]) -> Q.Query:
        text = "".join(tokens)
        options = [self.text_match(tokens, TEXT_BOOSTS)]
        if len(text) == 1 and analysis.HAN_RUN.fullmatch(text):  # 茶 inside 采茶戏, in titles
            options.append(Q.Term("chars", text, boost=TEXT_BOOSTS["title"]))
        elif analysis.HAN_RUN.fullmatch(text):  # 侗族大歌 inside a title the dictionary keeps whole
            options.append(Q.Phrase("chars", list(text), boost=TEXT_BOOSTS["title"]))
        for synonym in self.engine.synonyms(text):
            options.append(self.text_match(analysis.words(synonym), TEXT_BOOSTS))
        if text in CONCEPTS:
            options += [Q.Term("category", name, boost=1.5) for name in CONCEPTS[text]]
        options += self.whole_word(text) if len(tokens) > 1 else []
        return _Or([o for o in options if o is not None])

    def text_match(self, tokens: list[str], boosts: dict[str, float]) -> Q.Query | None:
        """Tokens as a term (one) or an exact phrase (several) in each text field."""
        if not tokens:
            return None
        self.marks.update(tokens)
        if len(tokens) == 1:
            return _Or([Q.Term(f, tokens[0], boost=b) for f, b in boosts.items()])
        # A phrase in long text; in a name, all the words are enough (a name that the dictionary
        # keeps whole, 苗族蜡染技艺, carries its sub-words at one position, so no phrase fits).
        return _Or([Q.Phrase(f, tokens, boost=b * 1.5) if f == "body"
                    else Q.And([Q.Term(f, t) for t in tokens], boost=b * 1.5) for f, b in boosts.items()])

    def whole_word(self, text: str) -> list[Q.Query]:
        """The word as something other than text: pinyin, a place, an ethnic group, a category."""
        found: list[Q.Query] = []
        if re.fullmatch(r"[a-z]{2,}", text):
            found.append(Q.Term("pinyin", text, boost=8.0))
        if len(text) >= 2 and divisions().is_name(text):
            found += [Q.Term("region", r.code, boost=METADATA_BOOST) for r in divisions().resolve(text)]
        group = vocab.ethnic_group(text) if len(text) >= 2 else None
        if group:
            found.append(Q.Term("ethnic", group.name, boost=METADATA_BOOST))
        category = vocab.category_by_name(text) if not text.isdigit() and not re.fullmatch(r"[ivx]+", text) else None
        if category:
            found.append(Q.Term("category", category.name, boost=METADATA_BOOST))
        return found

    def field(self, node: FieldQuery) -> Q.Query:
        name, value = node.field, node.value.strip()
        if name in ("title", "aliases", "body"):
            return self.text_match(analysis.words(value), {name: TEXT_BOOSTS[name]}) or Q.NullQuery
        if name == "category":
            category = vocab.category_by_name(value)
            if not category:
                raise QuerySyntaxError(f"未知的类别“{value}”：应为十大门类之一，如 传统技艺")
            return Q.Term("category", category.name)
        if name == "ethnic":
            group = vocab.ethnic_group(value)
            if not group:
                raise QuerySyntaxError(f"未知的民族“{value}”")
            return Q.Term("ethnic", group.name)
        if name == "region":
            regions = divisions().find(value)
            if not regions:
                raise QuerySyntaxError(f"无法识别的地区“{value}”")
            return _Or([Q.Term("region", r.code) for r in regions])
        if name == "level":
            if value not in vocab.LEVELS:
                raise QuerySyntaxError(f"级别应为 {'、'.join(vocab.LEVELS)} 之一")
            return Q.Term("level", value)
        if name == "batch":
            try:
                return Q.Term("batch", str(parse_value(_BATCH_FIELD, value)))
            except ValueError as error:
                raise QuerySyntaxError(str(error)) from None
        if name == "year":
            match = re.fullmatch(r"(\d{4})(?:\s*[-–~至]\s*(\d{4}))?", value)
            if not match:
                raise QuerySyntaxError(f"年份应写作 2006 或 2006-2011，而不是“{value}”")
            return Q.NumericRange("year", int(match[1]), int(match[2] or match[1]))
        if value not in _LISTING:
            raise QuerySyntaxError("类型应为 新增 或 扩展")
        return Q.Term("listing", _LISTING[value])


def _standalone(query: Q.Query) -> Q.Query:
    """A NOT on its own means everything except what it names."""
    return Q.And([Q.Every(), query]) if isinstance(query, Q.Not) else query


_BATCH_FIELD = next(f for f in store.RECORD.fields if f.name == "batch")


def _visible(engine: Engine, audience: str) -> set[int]:
    """The documents an audience may see, by heritage.visibility's rule."""
    if audience not in engine.reader_cache.visible:
        allowed = None
        for field, values in index_terms(audience).items():
            docs = set().union(*(engine.docs(field, value) for value in values))
            allowed = docs if allowed is None else allowed & docs
        engine.reader_cache.visible[audience] = allowed or set()
    return engine.reader_cache.visible[audience]


_FILTER_NAMES = {"category": "类别", "ethnic": "民族", "region": "地区", "level": "级别", "batch": "批次",
                 "listing": "新增/扩展"}


def _filter_value(name: str, value: str) -> str | None:
    """A filter's value as the index holds it (名称 for 类别 and 民族, a code for 地区), or None if unknown."""
    if name == "region":
        regions = divisions().find(value)
        return regions[0].code if regions else None
    if name == "ethnic":
        group = vocab.ethnic_group(value)
        return group.name if group else None
    if name == "category":
        category = vocab.category_by_name(value)
        return category.name if category else None
    if name == "level":
        return value if value in vocab.LEVELS else None
    if name == "batch":
        return value if value.isdigit() else None
    return _LISTING.get(value)


def _filter_docs(engine: Engine, filters: dict[str, str]) -> tuple[frozenset[int] | None, list[str]]:
    """Docnums that pass the chosen facet filters, and what was wrong with the filters (in Chinese)."""
    docs: frozenset[int] | None = None
    problems = []
    for name, value in filters.items():
        if name not in _FILTER_NAMES:
            problems.append(f"“{name}”不是筛选条件")
            continue
        known = _filter_value(name, value)
        if known is None:
            problems.append(f"{_FILTER_NAMES[name]}“{value}”无法识别")
            continue
        found = engine.docs(name, known)
        docs = found if docs is None else docs & found
    return docs, problems


def _facets(engine: Engine, matched: frozenset[int], filters: dict[str, str]) -> dict[str, list[dict]]:
    tree = divisions()
    facets: dict[str, list[dict]] = {}
    for name in FACETS:
        counts = []
        for value in engine.values(name):
            count = len(matched & engine.docs(name, value))
            if count:
                label = tree.get(value).name if name == "province" and tree.get(value) else value
                if name == "batch":
                    label = f"第{value}批"
                counts.append({"value": value, "label": label, "count": count})
        facets[name] = sorted(counts, key=lambda c: (-c["count"], c["value"]))
    region = filters.get("region")
    chosen = next(iter(tree.find(region)), None) if region else None
    if chosen:
        children = [{"value": r.code, "label": r.name, "count": len(matched & engine.docs("region", r.code))}
                    for r in tree.children(chosen.code)]
        facets["region"] = sorted((c for c in children if c["count"]), key=lambda c: (-c["count"], c["value"]))
    return facets


def highlight(text: str, marks: set[str], width: int = 120) -> Markup:
    """A window of the text around the most query words, escaped, with the words in <mark>."""
    text = text or ""
    spans = analysis.mark_spans(text, marks)
    if not spans:
        return escape(text[:width] + ("…" if len(text) > width else ""))
    best_start, best = 0, -1
    for start, _ in spans:
        count = sum(1 for s, e in spans if start <= s and e <= start + width)
        if count > best:
            best, best_start = count, start
    begin = max(0, best_start - width // 4)
    end = min(len(text), begin + width)
    pieces, at = [], begin
    for start, stop in spans:
        if start >= at and stop <= end:
            pieces += [escape(text[at:start]), Markup("<mark>"), escape(text[start:stop]), Markup("</mark>")]
            at = stop
    pieces.append(escape(text[at:end]))
    return Markup("").join([Markup("…" if begin else ""), *pieces, Markup("…" if end < len(text) else "")])


def _result(db: sqlite_utils.Database, record_id: str, score: float, marks: set[str],
            reader: str) -> dict[str, Any] | None:
    """A hit as the reader may see it (None when the record is not for them): the snippet, the
    highlights and every value come from heritage.visibility.view only."""
    record = view(store.get(db, store.RECORD, record_id), store.RECORD.fields, reader)
    if record is None:
        return None
    tree = divisions()
    return {
        "id": record["id"], "ref": record.get("ref"), "title": record.get("title") or "",
        "title_html": str(highlight(record.get("title") or "", marks, width=200)),
        "category": record.get("category"), "ethnic_groups": record.get("ethnic_groups", []),
        "regions": [{"code": c, "name": "".join(r.name for r in tree.ancestors(c)[-2:])}
                    for c in record.get("region_codes", [])],
        "level": record.get("level"), "year": record.get("year"), "score": round(score, 4),
        "snippet": str(highlight(record.get("content") or record.get("history") or "", marks)),
    }


def _suspects(engine: Engine, db: sqlite_utils.Database, audience: str) -> hidden.Suspects:
    """The audience's suspects (see indexer.hidden), per reader and data version."""
    key = (audience, db.execute("SELECT max(id) FROM revisions").fetchone()[0])
    cache = engine.reader_cache.suspects
    if key not in cache:
        cache.clear()
        cache[key] = hidden.suspects(db, audience, lambda record_id: engine.docs("id", record_id),
                                     lambda record_id: _indexed_version(engine, record_id))
    return cache[key]


def _indexed_version(engine: Engine, record_id: str) -> int | None:
    """The version of a record the index holds (the oldest, if a sync left an older one), or None."""
    docs = engine.docs("id", record_id)
    return min(engine.searcher.stored_fields(docnum)["version"] for docnum in docs) if docs else None


def _score(hit: Any) -> float:
    """The relevance score of a hit (a sorted search puts the sort key there instead)."""
    return float(hit.score) if isinstance(hit.score, (int, float)) else 0.0


def _empty(query: str, mode: str, error: str | None = None) -> dict[str, Any]:
    return {"query": query, "mode": mode, "total": 0, "page": 1, "pages": 0, "limit": 10, "results": [],
            "facets": {}, "suggestion": None, "corrected": False, "error": error}


def search(home: Path, db: sqlite_utils.Database, query: str, mode: str = "public",
           filters: dict[str, str] | None = None, sort: str = "relevance", page: int = 1,
           limit: int = 10, with_facets: bool = True, audience: str | None = None,
           correct: bool = True) -> dict[str, Any]:
    """Search the census records; never raises on bad input (an ``error`` message comes back).

    :param mode: the query language: public (words, phrases and fields) or research (also operators)
    :param audience: who reads: public (published public records) or researcher (also records
        for researchers); by default researcher in research mode — the public site passes public
    :param filters: facet filters: category, ethnic, region (code or name), level, batch, listing
    :param sort: relevance, year (newest first), year_asc or title (by pinyin)
    :param correct: when an unknown word sounds like a known one and the known one finds more,
        answer for the known one (``corrected``); False answers for the query as typed
    :returns: total, page, pages, results (id, ref, title, category, ethnic_groups, regions,
        score, snippet …), facets, suggestion and corrected (a did-you-mean retry), error
    """
    filters = {k: str(v) for k, v in (filters or {}).items() if v not in (None, "")}
    audience = audience or ("researcher" if mode == "research" else "public")
    if mode not in MODES or audience not in AUDIENCES:
        return _empty(query, mode, f"检索模式应为 {'、'.join(MODES)} 之一，读者应为 {'、'.join(AUDIENCES)} 之一")
    if sort not in SORTS:
        return _empty(query, mode, f"排序应为 {'、'.join(SORTS)} 之一")
    page, limit = max(1, int(page)), min(max(1, int(limit)), MAX_LIMIT)
    eng = engine(home)
    with eng.lock:
        try:
            eng.refresh()
            answer = _run(eng, db, query, mode, audience, filters, sort, page, limit, with_facets)
        except QuerySyntaxError as error:
            return _empty(query, mode, str(error))
        except IndexUnavailable as error:
            return _empty(query, mode, f"检索暂不可用：{error}")
        if correct and answer["suggestion"]:  # an unknown word that sounds like a known one: try the known one
            retry = _run(eng, db, answer["suggestion"], mode, audience, filters, sort, page, limit, with_facets)
            if retry["total"] > answer["total"]:
                retry.update(query=query, suggestion=answer["suggestion"], corrected=True)
                return retry
            if not retry["total"]:  # its words may come from what the reader may not see: not a suggestion
                answer["suggestion"] = None
        return answer


def _parse(query: str, mode: str) -> Any:
    return parse_research(query) if mode == "research" else parse_public(query)


def _suggest(eng: Engine, query: str) -> str | None:
    """The query with unknown words replaced by known words that sound the same (腊染 -> 蜡染)."""
    corrected = query
    for word in re.findall(rf"[{analysis.HAN}]{{2,8}}", analysis.normalize(query)):
        if eng.knows(word) and all(eng.knows(t) for t in analysis.words(word) if len(t) > 1):
            continue
        candidates = eng.homophones(word)
        if candidates:
            corrected = analysis.normalize(corrected).replace(word, candidates[0])
    return corrected if corrected != query and analysis.normalize(corrected) != analysis.normalize(query) else None


def _run(eng: Engine, db: sqlite_utils.Database, query: str, mode: str, audience: str, filters: dict[str, str],
         sort: str, page: int, limit: int, with_facets: bool) -> dict[str, Any]:
    node = _parse(query, mode)
    compiler = _Compiler(eng)
    if isinstance(node, And) and not node.nodes:  # no words: browse every record (within the filters)
        whoosh_query = Q.Every()
    else:
        whoosh_query = compiler.top(node)
    allowed = _visible(eng, audience)
    chosen, problems = _filter_docs(eng, filters)
    if problems:
        raise QuerySyntaxError(f"筛选条件有误：{'；'.join(problems)}")
    if chosen is not None:
        allowed = allowed & chosen
    suspects = _suspects(eng, db, audience)
    matched = eng.matching(whoosh_query) & allowed - suspects.docnums
    if suspects.docnums:  # matched again on what the reader may see, within the filters
        terms = [Q.Term(name, _filter_value(name, value)) for name, value in filters.items()]
        matched |= suspects.verify(Q.And([whoosh_query, *terms]) if terms else whoosh_query)
    total = len(matched)
    sortedby = {"year": FieldFacet("year", reverse=True), "year_asc": FieldFacet("year"),
                "title": FieldFacet("title_key")}.get(sort)
    hits = []
    if total and (page - 1) * limit < total:
        found = eng.searcher.search(whoosh_query, limit=page * limit, filter=set(matched), sortedby=sortedby, terms=False)
        hits = [found[i] for i in range((page - 1) * limit, found.scored_length())]  # no len(): it counts
    results = [r for r in (_result(db, hit["id"], _score(hit), compiler.marks, audience) for hit in hits) if r]
    return {
        "query": query, "mode": mode, "total": total, "page": page, "limit": limit,
        "pages": math.ceil(total / limit), "results": results,
        "facets": _facets(eng, matched - suspects.docnums, filters) if with_facets else {},
        "suggestion": _suggest(eng, query), "corrected": False, "error": None,
    }


def more_like_this(home: Path, db: sqlite_utils.Database, record_id: str, audience: str = "public",
                   limit: int = 5) -> list[dict[str, Any]]:
    """Records most like one record: its most telling words, its groups and category — only what the
    audience may see of it (heritage.visibility.view), among records no hidden text could have placed."""
    record = view(store.get(db, store.RECORD, record_id), store.RECORD.fields, audience)
    if record is None:
        return []
    eng = engine(home)
    with eng.lock:
        try:
            searcher = eng.refresh()
        except IndexUnavailable:
            return []
        reader = searcher.reader()
        counts = Counter(t for t in analysis.words(f"{record.get('title') or ''}\n" * 3 + (record.get("content") or ""))
                         if len(t) > 1 and t not in STOPWORDS)
        docs = max(reader.doc_count(), 1)
        weights = {t: n * math.log(docs / (1 + eng.frequency("body", t))) for t, n in counts.items()}
        top = [t for t, w in sorted(weights.items(), key=lambda kv: -kv[1])[:15] if w > 0]
        own = {reader.first_id("id", record_id)} if reader.doc_frequency("id", record_id) else set()
        allowed = _visible(eng, audience) - own - _suspects(eng, db, audience).docnums
        scores: Counter = Counter()
        for term in top:  # summed over cached posting sets: no Whoosh matcher walks the postings
            for docnum in eng.docs("body", term) & allowed:
                scores[docnum] += weights[term]
        # sharing the record's groups and category raises a record that shares its words
        kin = [(eng.docs("ethnic", g), 0.25) for g in record.get("ethnic_groups", [])]
        kin.append((eng.docs("category", record.get("category") or ""), 0.1))
        for docnum, score in scores.most_common(limit * 10):
            scores[docnum] = score * (1 + sum(bonus for docs, bonus in kin if docnum in docs))
        best = heapq.nlargest(limit, scores.items(), key=lambda pair: (pair[1], -pair[0]))
        hits = [(searcher.stored_fields(docnum)["id"], score) for docnum, score in best]
        return [r for r in (_result(db, found, score, set(), audience) for found, score in hits) if r]
