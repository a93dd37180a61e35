"""Browsing: by category, ethnic group, region (province → prefecture → county), level and batch;
region pages and inheritor pages."""

from __future__ import annotations

import math

from flask import Blueprint, abort, render_template, request, url_for

from heritage import listings, vocab
from heritage.regions import divisions
from indexer.search import PLAIN_MODE
from web.db import get_db
from web.numbers import int_arg, whole
from web.searching import overview, run_search
from web.visible import audience, public_inheritor

bp = Blueprint("browse", __name__)
INHERITORS_PER_PAGE = 50


@bp.route("/browse")
def browse():
    """Every way into the records, each with how many public records it holds."""
    counts = overview()
    facets = counts["facets"]
    by_category = {c["value"]: c["count"] for c in facets.get("category", [])}
    return render_template(
        "browse.html",
        total=counts["total"],
        facets=facets,
        categories=[(c, by_category.get(c.name, 0)) for c in vocab.CATEGORIES],
    )


@bp.route("/regions/<code>")
def region_page(code: str):
    """A region: where it lies, the places under it with counts, and its records."""
    if len(code) > 12 or whole(code) is None:
        abort(404)
    region = divisions().get(code)
    if region is None:
        abort(404)
    result, _ = run_search(query="", filters={"region": region.code}, sort="title", page=1, limit=20, mode=PLAIN_MODE)
    answer = result.as_json()
    return render_template(
        "region.html",
        region=region,
        chain=divisions().ancestors(region.code)[:-1],
        answer=answer,
        places=answer["facets"].get("region", []),
    )


@bp.route("/inheritors")
def inheritors():
    """Public inheritors, by name, optionally of one ethnic group or category."""
    ethnic, category = request.args.get("ethnic", "")[:20], request.args.get("category", "")[:20]
    people = [
        p
        for p in listings.inheritors(get_db(), audience())
        if (not ethnic or p.get("ethnic_group") == ethnic) and (not category or p.get("category") == category)
    ]
    total = len(people)
    pages = max(1, math.ceil(total / INHERITORS_PER_PAGE))
    page = int_arg("page", 1, 1, pages)
    people = people[(page - 1) * INHERITORS_PER_PAGE : page * INHERITORS_PER_PAGE]

    def link(page: int) -> str:
        return url_for("browse.inheritors", ethnic=ethnic or None, category=category or None, page=page)

    return render_template(
        "inheritors.html",
        people=people,
        total=total,
        page=page,
        pages=pages,
        link=link,
        ethnic=ethnic,
        category=category,
        categories=vocab.CATEGORIES,
        groups=[g.name for g in vocab.ETHNIC_GROUPS],
    )


@bp.route("/inheritors/<inheritor_id>")
def inheritor_page(inheritor_id: str):
    """One inheritor's public fields and the published items they carry on."""
    person = public_inheritor(inheritor_id, audience())
    places = [divisions().ancestors(code) for code in person.get("region_codes", [])]
    return render_template("inheritor.html", person=person, places=places)
