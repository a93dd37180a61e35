"""Public pages: home, search (with the advanced form and export), record pages and covers."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file, url_for

from heritage import articles, calendar, covers, exhibits, listings, media, vocab
from heritage.exporter import write_entities
from heritage.fields import RECORD_FIELDS, format_value
from heritage.regions import divisions
from heritage.store import RECORD
from heritage.visibility import HIDDEN_COLUMNS, OPENS, PUBLIC
from indexer.articles import search_articles
from indexer.facets import FACETS
from indexer.filters import BY_NAME as FILTERS
from indexer.related import more_like_this
from web import linked_data
from web.advanced import ADVANCED_FIELDS, build_query
from web.db import get_db, home
from web.displayed import featured_records, public_exhibits
from web.festival_days import first_festivals
from web.searching import FACET_LABELS, SORT_LABELS, overview, run_search
from web.visible import audience, published, record_or_none

bp = Blueprint("public", __name__)
EXPORT_LIMIT = 1000
EXPORT_FIELDS = tuple(f for f in RECORD_FIELDS if f.access in OPENS[PUBLIC] and f.name not in HIDDEN_COLUMNS)


@bp.route("/")
def index():
    """Home: exhibits first, then the coming festivals, ways to browse and search, festivals and crafts,
    news and the way to send a clue (the one search box is the header's)."""
    db = get_db()
    today = dt.date.today()
    coming = first_festivals(today, today + dt.timedelta(days=90), 6)
    return render_template(
        "home.html",
        exhibits=public_exhibits()[:5],
        coming=coming,
        today=today,
        overview=overview(),
        featured=featured_records(),
        news=articles.listing(db)[:3],
        categories=vocab.CATEGORIES,
    )


@bp.route("/search")
def search_page():
    """Search results with facets, removable filters, sorting, pages, articles and export links."""
    result, args = run_search()
    answer = result.as_json()

    def link(endpoint: str = "public.search_page", **changes: Any) -> str:
        """This search with some parameters changed (a facet chosen or removed, another page)."""
        params = {"q": args["query"], "sort": args["sort"], **args["filters"], **changes}
        if args["mode"] == "research":
            params["mode"] = "research"
        if not args["correct"]:
            params.setdefault("correct", "0")
        if params.get("sort") == "relevance":
            del params["sort"]
        return url_for(endpoint, **{k: v for k, v in params.items() if v not in ("", None)})

    found_articles = (
        search_articles(get_db(), args["query"])
        if args["mode"] != "research" and args["page"] == 1 and not answer["error"]
        else []
    )
    chosen = set(args["filters"]) | ({"province"} if "region" in args["filters"] else set())
    shown = [name for name in FACETS if answer["facets"].get(name) and name not in chosen]
    return render_template(
        "search.html",
        answer=answer,
        args=args,
        facet_labels=FACET_LABELS,
        facet_order=shown,
        link=link,
        sort_labels=SORT_LABELS,
        articles=found_articles,
        filter_label=_filter_label,
    ), (result.error.status if result.error else 200)


def _filter_label(name: str, value: str) -> str:
    """How a chosen filter reads on the page: 类别：民俗, 地区：贵州省."""
    if name == "region":
        place = next(iter(divisions().find(value)), None)
        value = place.name if place else value
    if name == "batch":
        value = f"第{value}批"
    return f"{FILTERS[name].label}：{value}"


@bp.route("/search/advanced")
def advanced():
    """The researchers' form: fills in a field query and sends it to the search page."""
    form = {name: request.args.get(name, "")[:200] for name, _ in ADVANCED_FIELDS}
    if any(form.values()):
        query = build_query(form)
        return redirect(url_for("public.search_page", q=query, mode="research"))
    return render_template(
        "advanced.html",
        fields=ADVANCED_FIELDS,
        categories=vocab.CATEGORIES,
        groups=vocab.ETHNIC_GROUPS,
        levels=vocab.LEVELS,
    )


@bp.route("/search/export")
def export():
    """The current search's results (at most 1000) as CSV (Excel opens it) or JSON; public fields only."""
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "json"):
        abort(400, description="参数 format 应为 csv 或 json")
    found, page = [], 1
    while len(found) < EXPORT_LIMIT:
        result, _ = run_search(page=page, limit=50, with_facets=False)
        if result.error:
            abort(result.error.status, description=result.error.message)
        found += [r for r in (record_or_none(hit["id"], audience()) for hit in result.results) if r]
        if page >= result.pages:
            break
        page += 1
    found = found[:EXPORT_LIMIT]
    stamp = dt.date.today().strftime("%Y%m%d")
    if fmt == "json":
        body = json.dumps(found, ensure_ascii=False, indent=1)
        return Response(
            body,
            mimetype="application/json",
            headers={"Content-Disposition": f"attachment; filename=heritage-search-{stamp}.json"},
        )
    out = io.BytesIO()
    write_entities(found, RECORD, out, "csv", fields=EXPORT_FIELDS)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=heritage-search-{stamp}.csv"},
    )


# The fields the record page lays out by name; any other field the reader may see is listed after them.
LAID_OUT = {
    "id",
    "ref",
    "title",
    "aliases",
    "native_names",
    "category",
    "subcategory",
    "level",
    "batch",
    "year",
    "listing_type",
    "extends",
    "item_number",
    "sub_item_code",
    "ethnic_groups",
    "region_codes",
    "region_text",
    "nominating_unit",
    "protecting_unit",
    "history",
    "content",
    "features",
    "values_text",
    "value_tags",
    "artifacts",
    "places",
    "lineage",
    "vitality",
    "vitality_note",
    "measures",
    "dates",
    "sources",
    "status",
    "version",
}


def _other_fields(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(Chinese name, text) of the visible fields the page does not lay out (one made public or for researchers)."""
    return [
        (f.zh, format_value(f, record[f.name]))
        for f in RECORD_FIELDS
        if f.name in record and f.name not in LAID_OUT and record[f.name] not in (None, "", [], {})
    ]


@bp.route("/records/<record_id>")
def record_page(record_id: str):
    """Every public field of a record, its places, inheritors, related records and next dates."""
    reader = audience()
    record = published(record_id, reader)
    tree = divisions()
    places = [tree.ancestors(code) for code in record.get("region_codes", [])]
    related = more_like_this(home(), get_db(), record_id, audience=reader, limit=6)
    today = dt.date.today()
    upcoming = calendar.upcoming(record.get("dates", []), today)
    db = get_db()
    return render_template(
        "record.html",
        record=record,
        places=places,
        related=related,
        images=media.images(db, record_id),
        upcoming=upcoming,
        uncomputed=calendar.uncomputed(record.get("dates", [])),
        inheritors=listings.inheritors(db, reader, record_id),
        in_exhibits=exhibits.containing(db, record_id),
        ld=linked_data.json_ld(_record_ld(record, places, upcoming)),
        today=today,
        other_fields=_other_fields(record),
        cover_label=covers.label(record),
    )


def _record_ld(record: dict[str, Any], places: list, upcoming: list) -> list[dict[str, Any]]:
    """schema.org: the record as a CreativeWork about its heritage, and each coming festival day as an Event."""
    url = url_for("public.record_page", record_id=record["id"], _external=True)
    place_names = ["".join(r.name for r in chain) for chain in places]
    work = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "name": record.get("title"),
        "identifier": record["id"],
        "inLanguage": "zh-CN",
        "genre": record.get("category"),
        "description": (record.get("content") or "")[:300],
        "keywords": [
            *filter(None, [record.get("category")]),
            *record.get("ethnic_groups", []),
            *record.get("aliases", []),
        ],
        "spatialCoverage": [{"@type": "Place", "name": name} for name in place_names],
        "isPartOf": {"@type": "Dataset", "name": "智慧民族之家 民族文化遗产普查资源库"},
    }
    events = [
        linked_data.event(
            record.get("title"),
            o.date,
            o.days,
            url,
            next(iter(place_names), None),
            description="；".join(record.get("dates", [])),
        )
        for o in upcoming
    ]
    return [work, *events]


@bp.route("/favicon.ico")
def favicon():
    """Browsers that ask for /favicon.ico get the site's icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.route("/covers/<record_id>.png")
def cover(record_id: str):
    """A published record's drawn cover, drawn on first request and again after the record changes."""
    record = published(record_id)
    changed = listings.updated_at(get_db(), RECORD, record_id)
    path = covers.current(covers.cover_file(home(), record_id), changed, lambda: covers.render_cover(record))
    return send_file(path, mimetype="image/png", max_age=3600)
