"""The shipped corpus: census records written by this project, their covers, the national representative
inheritors of the listed items with their lineage, and the domain word list."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import sqlite_utils

from heritage import articles, covers, exhibits, lineage, store
from heritage.db import now, write
from heritage.importer import ImportReport, import_file
from heritage.store import INHERITOR

CORPUS_DIR = Path(str(resources.files("heritage_corpus")))  # the top-level corpus/ folder, shipped as package data
RECORDS_FILE = CORPUS_DIR / "records.csv"
INHERITORS_FILE = CORPUS_DIR / "inheritors.csv"
LINEAGE_FILE = CORPUS_DIR / "lineage.csv"
WORDS_FILE = CORPUS_DIR / "words.txt"
SYNONYMS_FILE = CORPUS_DIR / "synonyms.txt"
QUESTION_WORDS_FILE = CORPUS_DIR / "question_words.txt"
NEAR_SHAPES_FILE = CORPUS_DIR / "same_stroke.txt"  # pycorrector's, Apache-2.0: see LICENSE-same_stroke.txt
EXHIBITS_FILE = CORPUS_DIR / "exhibits.toml"
ARTICLES_FILE = CORPUS_DIR / "articles.toml"


def _lines(path: Path) -> list[list[str]]:
    """The words of each line of a word list, skipping blank lines and # comments."""
    lines = path.read_text("utf-8").splitlines()
    return [line.split() for line in lines if line.strip() and not line.startswith("#")]


def domain_words() -> list[str]:
    """The curated domain words (festivals, crafts, art forms) the indexer adds to jieba."""
    return [word for group in _lines(WORDS_FILE) for word in group]


def synonym_groups() -> list[list[str]]:
    """Groups of words that mean the same (火把节 = 星回节), from the shipped list."""
    return _lines(SYNONYMS_FILE)


def near_shape_groups() -> list[list[str]]:
    """Groups of characters that look alike (龙 拢 笼 庞…), from pycorrector's confusion set."""
    return _lines(NEAR_SHAPES_FILE)


def question_words() -> list[str]:
    """The generic words of questions (介绍 特点 地区 传承人…), which name no subject."""
    return [word for group in _lines(QUESTION_WORDS_FILE) for word in group]


def load(db: sqlite_utils.Database, home: Path) -> ImportReport:
    """Import the shipped records, then their inheritors and lineage (re-running updates, never
    duplicates), and draw missing covers; returns the records' report."""
    report = import_file(db, RECORDS_FILE, user="corpus")
    if report.committed:
        load_inheritors(db)
        draw_missing_covers(db, home)
        load_exhibits_and_articles(db)
    return report


def load_inheritors(db: sqlite_utils.Database) -> None:
    """Import the shipped inheritors and their lineage links; the shipped files are always valid
    (tests/test_corpus.py), so a problem here is a bug of the corpus and raises."""
    report = import_file(db, INHERITORS_FILE, kind=INHERITOR, user="corpus")
    if not report.committed:
        raise ValueError(report.render())
    lineage.load(db, LINEAGE_FILE)


def load_exhibits_and_articles(db: sqlite_utils.Database) -> None:
    """Add the shipped exhibits and articles the store lacks, and bring up to date the shipped exhibits
    nobody else has saved since; ones a curator has edited are left as they are."""
    shipped_exhibits = tomllib.loads(EXHIBITS_FILE.read_text("utf-8"))["exhibit"]
    shipped_articles = tomllib.loads(ARTICLES_FILE.read_text("utf-8"))["article"]
    with write(db):
        for position, exhibit in enumerate(shipped_exhibits):
            if exhibits.get(db, exhibit["id"]) and exhibits.edited_by_others(db, exhibit["id"], "corpus"):
                continue
            exhibits.put(db, exhibits.from_toml(exhibit) | {"position": position}, user="corpus")
        for article in shipped_articles:
            if not articles.get(db, article["id"]):
                articles.put(db, article, user="corpus")


def draw_missing_covers(db: sqlite_utils.Database, home: Path) -> int:
    """Give every shipped record whose cover is missing (row or file) a cover; returns how many."""
    drawn = []
    for record in store.iterate(
        db, store.RECORD, "id IN (SELECT entity_id FROM revisions WHERE entity = 'record' AND user = 'corpus')"
    ):
        has_row = db.execute("SELECT 1 FROM media WHERE record_id = ? AND medium = 'cover'", [record["id"]]).fetchone()
        if not has_row or not covers.cover_file(home, record["id"]).exists():
            drawn.append(covers.write_cover(home, record) | {"created_at": now()})
    with write(db):
        db.table("media").upsert_all(drawn, pk="id")
    return len(drawn)
