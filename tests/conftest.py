"""Shared fixtures: a fresh store in a temporary data folder, and the shared reference data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from heritage.store import open_store

# Property tests draw the same examples on every run, so the suite gives the same answer each time;
# HYPOTHESIS_PROFILE=explore draws fresh, many more, to look for new failures.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", max_examples=2000, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NATIONAL_LIST = SHARED_DATA / "ich-national-list" / "records.jsonl"
INHERITORS = SHARED_DATA / "ich-inheritors" / "records.jsonl"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty data folder."""
    return tmp_path / "instance"


@pytest.fixture
def db(home: Path):
    """A fresh, migrated store."""
    database = open_store(home)
    yield database
    database.conn.close()


def needs_shared(path: Path):
    """Skip a test cleanly when ../shared/data is not beside the checkout."""
    return pytest.mark.skipif(not path.exists(), reason=f"参考数据不存在：{path}")


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a CSV file in a given encoding."""
    path.write_bytes(text.encode(encoding))
    return path


ENGINES = ("whoosh", "tantivy")


def pytest_generate_tests(metafunc):
    """In a module that sets ``BOTH_ENGINES = True``, every test on ``corpus_index`` runs once per search engine."""
    if "corpus_index" in metafunc.fixturenames and getattr(metafunc.module, "BOTH_ENGINES", False):
        metafunc.parametrize("corpus_index", ENGINES, indirect=True, scope="module")


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory, request):
    """A data folder with the shipped corpus loaded (covers too) and indexed, shared by a module's tests;
    by the engine the test is parametrized with (see pytest_generate_tests), else the default, Whoosh."""
    from heritage import corpus
    from indexer import index

    engine = getattr(request, "param", "whoosh")
    folder = tmp_path_factory.mktemp(f"indexed-{engine}") / "instance"
    database = open_store(folder)
    if engine != "whoosh":
        (folder / "site.cfg").write_text(f"SEARCH_ENGINE = {engine!r}\n", "utf-8")
    assert corpus.load(database, folder).committed
    index.rebuild(folder, database, procs=1)
    yield folder, database
    database.conn.close()


@pytest.fixture(scope="module")
def client(corpus_index):
    """The site (Flask's test client) over the indexed corpus plus hostile and hidden test entities:
    X1 (XSS in title and text), X2 (unpublished), X3 (an internal field), inheritors P1 (public,
    of C134, with an internal phone) and P2 (internal), a draft exhibit and a draft article."""
    from heritage import articles, exhibits, store
    from heritage.db import write
    from indexer import index
    from web import create_app

    home, db = corpus_index
    with write(db):
        store.put(
            db,
            store.RECORD,
            {
                "id": "X1",
                "title": "<script>alert(1)</script>侗族大歌",
                "category": "传统音乐",
                "content": "<img src=x onerror=alert(1)>",
                "status": "已发布",
            },
            "test",
        )
        store.put(
            db,
            store.RECORD,
            {"id": "X2", "title": "未发布的侗族大歌", "category": "传统音乐", "status": "待审核"},
            "test",
        )
        store.put(
            db,
            store.RECORD,
            {
                "id": "X3",
                "title": "有内部字段的侗族大歌",
                "category": "传统音乐",
                "status": "已发布",
                "informant": "讲述人甲",
            },
            "test",
        )
        store.put(
            db,
            store.INHERITOR,
            {
                "id": "P1",
                "name": "测试传承人甲",
                "sex": "女",
                "ethnic_group": "苗族",
                "category": "传统技艺",
                "items": ["C134", "X2"],
                "phone": "13900000000",
                "biography": "自幼随母学习点蜡。",
                "access": "public",
            },
            "test",
        )
        store.put(
            db, store.INHERITOR, {"id": "P2", "name": "内部传承人乙", "items": ["C134"], "access": "internal"}, "test"
        )
        exhibits.put(
            db,
            {"id": "draft-exhibit", "title": "未发布的展览", "status": "草稿", "items": [{"record_id": "C001"}]},
            "test",
        )
        articles.put(
            db,
            {
                "id": "draft-article",
                "title": "未发布的文章",
                "body": "草稿里的独有词语琉璃瓦当",
                "published_on": "2026-01-01",
                "status": "草稿",
            },
            "test",
        )
    index.sync(home, db)
    app = create_app({"TESTING": True, "HERITAGE_HOME": str(home)})
    return app.test_client()
