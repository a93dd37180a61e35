"""The peers every search benchmark measures beside this engine, on the same records.

- the standard recipe: Whoosh with ``jieba.analyse.ChineseAnalyzer`` on title and content,
  parsed by Whoosh's MultifieldParser (the recipe in jieba's README);
- SQLite FTS5 with the trigram tokenizer, ranked by bm25.
"""

from __future__ import annotations

import logging
import sqlite3
import warnings
from pathlib import Path

import jieba
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser

jieba.setLogLevel(logging.WARNING)


class StandardRecipe:
    """Whoosh + jieba's ChineseAnalyzer, as its README shows."""

    name = "标准做法（jieba ChineseAnalyzer + Whoosh）"

    def __init__(self, folder: Path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from jieba.analyse import ChineseAnalyzer
        analyzer = ChineseAnalyzer()
        self.schema = Schema(
            id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer), content=TEXT(analyzer=analyzer)
        )
        folder.mkdir(parents=True, exist_ok=True)
        self.index = whoosh_index.create_in(str(folder), self.schema)
        self.parser = MultifieldParser(["title", "content"], self.schema)
        self.searcher = None

    def add(self, records) -> int:
        writer = self.index.writer(limitmb=256)
        count = 0
        for record in records:
            writer.add_document(id=record["id"], title=record["title"], content=record["content"] or "")
            count += 1
        writer.commit()
        return count

    def search(self, query: str, limit: int = 10) -> list[str]:
        if self.searcher is None:
            self.searcher = self.index.searcher()
        try:
            parsed = self.parser.parse(query)
            return [hit["id"] for hit in self.searcher.search(parsed, limit=limit)]
        except Exception:  # the recipe has no error handling: a failed query finds nothing
            return []


class Trigram:
    """SQLite FTS5, trigram tokenizer, bm25 ranking; every space-separated term required."""

    name = "SQLite FTS5 trigram"

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, content, tokenize='trigram')")

    def add(self, records) -> int:
        with self.db:
            self.db.executemany(
                "INSERT INTO docs VALUES (?, ?, ?)", ((r["id"], r["title"], r["content"] or "") for r in records)
            )
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def search(self, query: str, limit: int = 10) -> list[str]:
        terms = " AND ".join('"' + t.replace('"', '""') + '"' for t in query.split())
        try:
            rows = self.db.execute(
                "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (terms, limit)
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [row[0] for row in rows]
