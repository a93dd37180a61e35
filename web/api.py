"""The JSON API: records, search, facets, exhibits, articles and inheritors, with the same rules as the
pages (published, public records and fields only) and errors as JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request

from heritage import articles
from indexer.search import PLAIN_MODE, SearchResult
from web.db import get_db
from web.displayed import public_article, public_exhibit, public_exhibits
from web.openapi import openapi
from web.searching import run_search
from web.visible import audience, public_inheritor, published

bp = Blueprint("api", __name__, url_prefix="/api")


def _search_json(**overrides: Any):
    result, _ = run_search(**overrides)
    return _search_error(result) or jsonify(result.as_json())


def _search_error(result: SearchResult):
    """A search's error as the API's JSON error, with the status its code calls for, or None."""
    if not result.error:
        return None
    status = result.error.status
    return jsonify({"error": {"code": status, "message": result.error.message}}), status


@bp.route("/search")
def api_search():
    """Search: the same parameters as /search; plain JSON out."""
    return _search_json()


@bp.route("/records")
def api_records():
    """Published records, filtered like the search (category, ethnic, region, level, batch, listing),
    sorted by title unless asked otherwise, a page at a time."""
    return _search_json(query="", mode=PLAIN_MODE, with_facets=False, sort=request.args.get("sort") or "title")


@bp.route("/records/<record_id>")
def api_record(record_id: str):
    """One published record's public fields."""
    return jsonify(published(record_id, audience()))


@bp.route("/facets")
def api_facets():
    """Counts by category, ethnic group, province, level, batch and listing (and the places below a
    chosen region) for a query and filters; no query counts every public record."""
    result, _ = run_search(limit=1)
    return _search_error(result) or jsonify(
        {"query": result.query, "total": result.total, "facets": dict(result.facets)}
    )


def _exhibit_json(exhibit: dict[str, Any]) -> dict[str, Any]:
    return {key: exhibit[key] for key in ("id", "title", "intro", "updated_at", "sources")} | {
        "sections": [{"heading": s["heading"], "body": s["body"]} for s in exhibit["sections"]],
        "items": [
            {
                "id": i["record"]["id"],
                "title": i["record"].get("title"),
                "category": i["record"].get("category"),
                "note": i["note"],
                "section": i["section"],
            }
            for i in exhibit["items"]
        ],
    }


@bp.route("/exhibits")
def api_exhibits():
    """Every published exhibit with its records in order."""
    return jsonify([_exhibit_json(e) for e in public_exhibits()])


@bp.route("/exhibits/<exhibit_id>")
def api_exhibit(exhibit_id: str):
    """One published exhibit."""
    return jsonify(_exhibit_json(public_exhibit(exhibit_id) or abort(404)))


@bp.route("/articles")
def api_articles():
    """Published articles (policy and news), newest first, without their bodies."""
    return jsonify(
        [
            {k: a[k] for k in ("id", "title", "genre", "published_on", "source", "summary")}
            for a in articles.listing(get_db())
        ]
    )


@bp.route("/articles/<article_id>")
def api_article(article_id: str):
    """One published article."""
    article = public_article(article_id)
    return jsonify({k: article[k] for k in ("id", "title", "genre", "published_on", "source", "summary", "body")})


@bp.route("/inheritors/<inheritor_id>")
def api_inheritor(inheritor_id: str):
    """One inheritor's public fields, with the ids and titles of their published items."""
    person = public_inheritor(inheritor_id, audience())
    return jsonify(person | {"items": [{"id": r["id"], "title": r.get("title")} for r in person["items"]]})


@bp.route("/openapi.json")
def api_openapi():
    """This API described in OpenAPI 3.1."""
    return jsonify(openapi())
