"""Articles (政策宣传): policy texts and news that the site publishes beside the records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlite_utils

from heritage import versioned
from heritage.fields import LONG_MAX, clean_text, parse_id
from heritage.visibility import published_condition

GENRES = ("政策", "新闻")
STATUSES = ("草稿", "已发布")
FIELDS = ("id", "title", "genre", "published_on", "source", "summary", "body", "status")


class ArticleError(ValueError):
    """An article that cannot be saved; the message says why, in Chinese."""


def _checked(article: dict[str, Any]) -> dict[str, Any]:
    try:
        clean = {
            "id": parse_id(article.get("id", "")),
            "title": clean_text(article.get("title", "")),
            "genre": article.get("genre") or "政策",
            "published_on": str(article.get("published_on", "")),
            "source": clean_text(article.get("source", "")),
            "summary": clean_text(article.get("summary", "")),
            "body": clean_text(article.get("body", ""), LONG_MAX),
            "status": article.get("status") or "已发布",
        }
        dt.date.fromisoformat(clean["published_on"])
    except ValueError as error:
        raise ArticleError(f"文章“{article.get('id', '')}”：{error}") from error
    if not clean["title"] or not clean["body"]:
        raise ArticleError(f"文章“{clean['id']}”缺少标题或正文")
    if clean["genre"] not in GENRES or clean["status"] not in STATUSES:
        raise ArticleError(f"文章的类型应为 {'、'.join(GENRES)} 之一，状态应为 {'、'.join(STATUSES)} 之一")
    return clean


def put(db: sqlite_utils.Database, article: dict[str, Any], user: str) -> str:
    """Create or update an article inside an open write transaction; returns 新增, 更新 or 未变."""
    new = _checked(article)
    old = get(db, new["id"])

    def write_rows(version: int, stamp: str, created_at: str) -> None:
        db.table("articles").upsert(new | {"version": version, "updated_at": stamp, "created_at": created_at}, pk="id")

    return versioned.save(db, "article", old, new, versioned.field_changes(old, new, FIELDS), user, write_rows)


def get(db: sqlite_utils.Database, article_id: str) -> dict[str, Any] | None:
    """One article, or None."""
    rows = list(db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
    return rows[0] if rows else None


def listing(db: sqlite_utils.Database, published_only: bool = True) -> list[dict[str, Any]]:
    """Articles, newest first."""
    where, params = published_condition() if published_only else ("1", [])
    return list(db.query(f"SELECT * FROM articles WHERE {where} ORDER BY published_on DESC, id", params))
