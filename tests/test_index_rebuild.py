"""A rebuild tokenizing in worker processes holds exactly the terms one process gives, and the fast
cut is the plain definition of the tokens."""

import json
import shutil

import pytest

from heritage import corpus, store
from heritage.db import write
from heritage.store import open_store
from indexer import analysis, index, parallel
from indexer.search import search
from tests.conftest import NATIONAL_LIST, needs_shared
from tests.shipped import shipped_records

FIELDS = ("title", "aliases", "native", "body", "chars", "pinyin", "category", "region", "people", "id", "title_key")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The shipped corpus (and a second record of one of its titles) rebuilt three ways: tantivy in
    one process, tantivy with two workers handed 7 records at a time, and Whoosh."""
    base = tmp_path_factory.mktemp("rebuild") / "base"
    db = open_store(base)
    assert corpus.load(db, base).committed
    with write(db):
        store.put(
            db, store.RECORD, {"id": "Z1", "title": "梭戛长角苗文化", "category": "民俗", "status": "已发布"}, "test"
        )
    db.conn.close()
    homes = {}
    for name, engine, procs in (("one", "tantivy", 1), ("workers", "tantivy", 2), ("whoosh", "whoosh", 1)):
        home = base.parent / name
        shutil.copytree(base, home)
        (home / "site.cfg").write_text(f"SEARCH_ENGINE = {engine!r}\n", "utf-8")
        db = open_store(home)
        chunk, parallel.CHUNK = parallel.CHUNK, 7  # many chunks in flight, out of order in the workers
        try:
            assert index.rebuild(home, db, procs=procs) == 286
        finally:
            parallel.CHUNK = chunk
        homes[name] = (home, db)
    yield homes
    for _, db in homes.values():
        db.conn.close()


def _tantivy_terms(home):
    searcher = index.open_generation(home).index.searcher()
    return {field: sorted(searcher.terms_with_prefix(field, "")) for field in FIELDS}


def test_workers_index_exactly_the_terms_of_one_process(built):
    one, workers = _tantivy_terms(built["one"][0]), _tantivy_terms(built["workers"][0])
    assert sum(len(terms) for terms in one.values()) > 20_000 and ("梭戛长角苗文化", 2) in one["title"]
    assert workers == one


def test_tantivy_holds_the_terms_whoosh_holds(built):
    tantivy_terms = {field: [term for term, _ in terms] for field, terms in _tantivy_terms(built["one"][0]).items()}
    with index.open_generation(built["whoosh"][0]).index.reader() as reader:
        whoosh_terms = {field: sorted(t.decode("utf-8") for t in reader.lexicon(field)) for field in FIELDS}
    assert tantivy_terms == whoosh_terms


def test_workers_answer_every_title_as_one_process_does(built):
    queries = [row["项目名称"] for row in shipped_records()][:150] + ["苗族 古歌", '"苗族古歌"', "hbj", "蜡染"]
    answers = {
        name: [[hit["id"] for hit in search(home, db, query, limit=20)["results"]] for query in queries]
        for name, (home, db) in built.items()
        if name != "whoosh"
    }
    assert sum(map(len, answers["one"])) > 150
    assert answers["workers"] == answers["one"]


def _plain_tokens(text: str, subwords: bool) -> list[tuple[str, int]]:
    """The definition of the tokens, written plainly: each run of a script, Han runs cut by the
    dictionary, long words followed by their dictionary sub-words at their position."""
    seg, position, found = analysis.segmenter(), 0, []
    for match in analysis._RUNS.finditer(text):
        words = seg.cut(match.group()) if match.lastgroup == "han" else [match.group()]
        for word in words:
            found.append((word, position))
            if subwords and match.lastgroup == "han" and len(word) > 2:
                found += [(sub, position) for sub in analysis._dictionary_subwords(word, seg)]
            position += 1
    return found


def _texts():
    rows = [row["项目名称"] + row["基本内容"] + row["历史渊源"] for row in shipped_records()]
    if NATIONAL_LIST.exists():
        rows += [json.loads(line)["content"] for line in NATIONAL_LIST.read_text("utf-8").splitlines()]
    return [analysis.normalize(text) for text in rows]


def test_the_fast_cut_is_the_plain_definition():
    analysis.use_dictionary(corpus.domain_words() + ["梭戛长角苗文化", "苗族古歌"])
    try:
        for subwords in (True, False):
            differing = [t for t in _texts() if list(analysis._tokens(t, subwords)) != _plain_tokens(t, subwords)]
            assert differing == []
    finally:
        analysis.use_dictionary([])


@needs_shared(NATIONAL_LIST)
def test_the_national_list_is_in_the_cut_comparison():
    assert len(_texts()) > 3_600
