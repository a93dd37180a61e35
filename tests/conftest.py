"""Shared fixtures: a fresh store in a temporary data folder, and the shared reference data."""
from __future__ import annotations

from pathlib import Path

import pytest

from heritage.store import open_store

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


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory):
    """A data folder with the shipped corpus loaded (covers too) and indexed, shared by a module's tests."""
    from heritage import corpus
    from indexer import index

    folder = tmp_path_factory.mktemp("indexed") / "instance"
    database = open_store(folder)
    assert corpus.load(database, folder).committed
    index.rebuild(folder, database, procs=1)
    yield folder, database
    database.conn.close()
