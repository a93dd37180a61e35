"""The search a request asks for: its parameters checked, run as this reader may see it."""

from __future__ import annotations

from typing import Any

from flask import abort, request

from heritage.visibility import PUBLIC
from indexer import facets, filters
from indexer.search import PLAIN_MODE, RESEARCH_MODE, SORTS, SearchRequest, SearchResult, run, search
from web.db import get_db, home
from web.numbers import int_arg
from web.visible import audience

FACET_LABELS = facets.LABELS
SORT_LABELS = {"relevance": "相关度", "year": "公布年份（新→旧）", "year_asc": "公布年份（旧→新）", "title": "名称拼音"}


def search_args() -> dict[str, Any]:
    """The search parameters a page or the API takes, checked."""
    sort = request.args.get("sort", "relevance")
    if sort not in SORTS:
        abort(400, description=f"参数 sort 应为 {'、'.join(SORTS)} 之一")
    return {
        "query": request.args.get("q", "")[:500],
        "mode": RESEARCH_MODE if request.args.get("mode") == RESEARCH_MODE else PLAIN_MODE,
        "filters": {f.name: request.args.get(f.name, "")[:64] for f in filters.FILTERS if request.args.get(f.name)},
        "sort": sort,
        "page": int_arg("page", 1, 1, 1000),
        "limit": int_arg("limit", 10, 1, 50),
        "correct": request.args.get("correct") != "0",
    }


def run_search(**overrides: Any) -> tuple[SearchResult, dict[str, Any]]:
    """The search this request asks for, as this reader may see it (research syntax allowed to all),
    and the parameters it was asked with; ``result.error.status`` is the status of a failed search."""
    args = search_args() | overrides
    asked = SearchRequest(
        args["query"],
        mode=args["mode"],
        filters=args["filters"],
        sort=args["sort"],
        page=args["page"],
        limit=args["limit"],
        audience=audience(),
        with_facets=args.get("with_facets", True),
        correct=args["correct"],
    )
    return run(home(), get_db(), asked), args


def overview() -> dict[str, Any]:
    """How many public records there are, counted by every facet."""
    return search(home(), get_db(), "", limit=1, audience=PUBLIC)
