"""Searching the articles (政策宣传) with the same words as the records.

Articles are few (tens to hundreds), so they are matched in memory against each article's
index words, cached until the article changes; the words come from the one tokenizer.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlite_utils

from heritage import articles
from indexer import analysis
from indexer.highlight import highlight

_cache: dict[str, tuple[int, set[str], set[str]]] = {}
_lock = threading.Lock()


def _words(article: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(title words, all words) of an article, from the cache while its version stands."""
    with _lock:
        cached = _cache.get(article["id"])
        if cached and cached[0] == article["version"]:
            return cached[1], cached[2]
    title = analysis.index_words(article["title"])
    every = title | analysis.index_words(f"{article['summary']}\n{article['body']}\n{article['source']}")
    with _lock:
        _cache[article["id"]] = (article["version"], title, every)
    return title, every


def search_articles(db: sqlite_utils.Database, query: str, limit: int = 5) -> list[dict[str, Any]]:
    """Published articles holding every word of the query, best first (title matches count most):
    id, title, genre, published_on, snippet (escaped, words in <mark>)."""
    wanted = {w for w in analysis.words(query) if w.strip()}
    if not wanted:
        return []
    found = []
    for article in articles.listing(db):
        title, every = _words(article)
        if wanted <= every:
            found.append((len(wanted & title), article))
    found.sort(key=lambda pair: -pair[0])
    return [
        {
            "id": a["id"],
            "title": a["title"],
            "genre": a["genre"],
            "published_on": a["published_on"],
            "snippet": str(highlight(a["summary"] + a["body"], wanted)),
        }
        for _, a in found[:limit]
    ]
