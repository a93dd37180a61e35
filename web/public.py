"""Public pages: home, search, record pages and covers. Only published, public records and fields."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, render_template, request, send_file, url_for

from heritage import calendar, covers, store
from heritage.fields import public_fields
from heritage.regions import divisions
from indexer.search import FACETS, SORTS, more_like_this, search
from web.db import get_db, home

bp = Blueprint("public", __name__)
FACET_LABELS = {"category": "类别", "ethnic": "民族", "province": "省份", "level": "级别", "batch": "批次",
                "listing": "新增/扩展", "region": "下一级地区"}
FILTERS = ("category", "ethnic", "region", "level", "batch", "listing")


def published(record_id: str) -> dict[str, Any]:
    """A record as the public may see it: published, public, and only its public fields; else 404."""
    record = store.get(get_db(), store.RECORD, record_id)
    if record is None or record["status"] != "已发布" or record["access"] != "public":
        abort(404)
    return {name: record[name] for name in sorted(public_fields(record))} | {"version": record["version"]}


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter within bounds; anything else is a 400."""
    value = request.args.get(name, "")
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        abort(400)
    return int(value)


def search_args() -> dict[str, Any]:
    """The search parameters a page or the API takes, checked."""
    sort = request.args.get("sort", "relevance")
    if sort not in SORTS:
        abort(400)
    return {
        "query": request.args.get("q", "")[:500],
        "mode": "research" if request.args.get("mode") == "research" else "public",
        "filters": {name: request.args.get(name, "")[:64] for name in FILTERS if request.args.get(name)},
        "sort": sort,
        "page": int_arg("page", 1, 1, 1000),
        "limit": int_arg("limit", 10, 1, 50),
    }


def run_search() -> dict[str, Any]:
    """The search this request asks for, always as the public sees it (research syntax allowed)."""
    args = search_args()
    answer = search(home(), get_db(), args["query"], mode=args["mode"], filters=args["filters"],
                    sort=args["sort"], page=args["page"], limit=args["limit"], audience="public")
    return answer | {"args": args}


@bp.route("/")
def index():
    """Home: a search box and the shipped festivals and crafts."""
    db = get_db()
    featured = [store.get(db, store.RECORD, row[0]) for row in db.execute(
        "SELECT id FROM records WHERE status = '已发布' AND access = 'public' AND ref IS NULL"
        " AND category IN ('民俗', '传统技艺', '传统美术') ORDER BY id LIMIT 12")]
    return render_template("home.html", featured=featured)


@bp.route("/search")
def search_page():
    """Search results with facets, filters, sorting and pages."""
    answer = run_search()
    args = answer["args"]

    def link(**changes: Any) -> str:
        """This search with some parameters changed (a facet chosen, another page)."""
        params = {"q": args["query"], "sort": args["sort"], **args["filters"], **changes}
        if args["mode"] == "research":
            params["mode"] = "research"
        return url_for("public.search_page", **{k: v for k, v in params.items() if v not in ("", None)})

    return render_template("search.html", answer=answer, args=args, facet_labels=FACET_LABELS,
                           facet_order=[*FACETS, "region"], link=link)


@bp.route("/records/<record_id>")
def record_page(record_id: str):
    """Every public field of a record, its places and related records."""
    record = published(record_id)
    places = ["".join(r.name for r in divisions().ancestors(code)) for code in record.get("region_codes", [])]
    related = more_like_this(home(), get_db(), record_id, limit=5)
    has_cover = covers.cover_file(home(), record_id).exists()
    today = dt.date.today()
    upcoming = calendar.between(record.get("dates", []), today, today + dt.timedelta(days=2 * 365))[:3]
    return render_template("record.html", record=record, places=places, related=related,
                           has_cover=has_cover, upcoming=upcoming)


@bp.route("/covers/<record_id>.png")
def cover(record_id: str):
    """A published record's drawn cover."""
    published(record_id)
    path = covers.cover_file(home(), record_id)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="image/png", max_age=3600)
