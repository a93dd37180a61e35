"""A new reader is warmed before a reader of the site asks: what every search reads from it first."""

import time

import pytest

from heritage import corpus, store
from heritage.db import write
from heritage.visibility import OPENS
from indexer import index
from indexer.choice import ENGINES
from indexer.engine import engine
from indexer.facets import FACETS
from indexer.search import search
from indexer.warmer import Warmer, warm


@pytest.fixture(params=ENGINES)
def indexed(request, home, db):
    """The shipped corpus, indexed by one engine."""
    assert corpus.load(db, home).committed
    (home / "site.cfg").write_text(f"SEARCH_ENGINE = {request.param!r}\n", "utf-8")
    index.rebuild(home, db, procs=1)
    return home, db


def save_and_sync(home, db, title):
    with write(db):
        store.put(db, store.RECORD, {"id": "W1", "title": title, "category": "传统技艺", "status": "已发布"}, "test")
    assert index.sync(home, db) == 1


def is_warm(cache, eng):
    """Every audience's documents and every facet value's documents are in the reader's cache."""
    facet_values = [(name, value) for name in FACETS for value in eng.values(name)]
    return set(cache.visible) == set(OPENS) and all(key in cache.postings for key in facet_values)


def test_a_reader_is_warmed_once_and_a_commit_gives_a_new_one_to_warm(indexed):
    home, db = indexed
    eng = engine(home)
    cache = warm(home, db)
    assert cache is eng.reader_cache and is_warm(cache, eng)
    assert warm(home, db, cache) is cache
    save_and_sync(home, db, "温热测试银饰锻制")
    again = warm(home, db, cache)
    assert again is not cache and again is eng.reader_cache and is_warm(again, eng)
    assert search(home, db, "温热测试银饰锻制")["results"][0]["id"] == "W1"


def test_the_warmer_thread_warms_each_commit_without_a_search(indexed):
    home, db = indexed
    eng = engine(home)
    with eng.lock:
        eng.refresh()
        before = eng.reader_cache
    warmer = Warmer(home, interval=0.05)
    warmer.start()
    try:
        save_and_sync(home, db, "温热测试苗绣")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with eng.lock:
                cache = eng.reader_cache
                if cache is not before and is_warm(cache, eng):
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the commit's reader was not warmed")
    finally:
        warmer.stop()
        warmer.join(10)
    assert not warmer.is_alive()
