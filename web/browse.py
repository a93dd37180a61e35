"""Browsing: by category, ethnic group, region (province → prefecture → county), level and batch;
region pages, inheritor pages and the lineage of inheritors and items."""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for

from heritage import history, lineage, listings, vocab
from heritage.regions import divisions
from indexer.analysis import pinyin_of
from indexer.search import PLAIN_MODE
from web.db import get_db, home
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
    """Public inheritors, by the pinyin of their names, optionally of one ethnic group or category or
    with part of a name, with how many each holds."""
    ethnic, category = request.args.get("ethnic", "")[:20], request.args.get("category", "")[:20]
    name = request.args.get("name", "").strip()[:20]
    db = get_db()
    everyone = _everyone(db, audience())
    named = {p["id"] for p in listings.inheritors(db, audience(), name=name)} if name else None
    people = [
        p
        for p in everyone
        if (not ethnic or p.get("ethnic_group") == ethnic)
        and (not category or p.get("category") == category)
        and (named is None or p["id"] in named)
    ]
    total = len(people)
    pages = max(1, math.ceil(total / INHERITORS_PER_PAGE))
    page = int_arg("page", 1, 1, pages)
    people = people[(page - 1) * INHERITORS_PER_PAGE : page * INHERITORS_PER_PAGE]

    def link(page: int) -> str:
        return url_for(
            "browse.inheritors", name=name or None, ethnic=ethnic or None, category=category or None, page=page
        )

    by_group = Counter(p.get("ethnic_group") for p in everyone if p.get("ethnic_group"))
    by_category = Counter(p.get("category") for p in everyone if p.get("category"))
    return render_template(
        "inheritors.html",
        people=people,
        everyone=len(everyone),
        items=listings.inheritor_items(db, [p["id"] for p in people], audience()),
        total=total,
        page=page,
        pages=pages,
        link=link,
        ethnic=ethnic,
        category=category,
        name=name,
        categories=[(c.name, by_category[c.name]) for c in vocab.CATEGORIES if by_category[c.name]],
        groups=by_group.most_common(),
    )


_LISTED: dict[str, tuple[Any, list[dict[str, Any]]]] = {}  # reader -> (store state, its inheritors)


def _everyone(db, reader: str) -> list[dict[str, Any]]:
    """The inheritors a reader may see, in the order of the pinyin of their names: read and sorted
    once for each state of the store (a save moves it), not on every page of the list."""
    state = (str(home()), history.last_change(db))
    kept = _LISTED.get(reader)
    if kept is None or kept[0] != state:
        people = sorted(listings.inheritors(db, reader), key=lambda p: (_name_key(p.get("name") or ""), p["id"]))
        kept = _LISTED[reader] = (state, people)
    return kept[1]


@lru_cache(maxsize=20_000)
def _name_key(name: str) -> str:
    """A name's pinyin, for listing people in the order a reader looks them up."""
    return pinyin_of(name)


@bp.route("/inheritors/<inheritor_id>")
def inheritor_page(inheritor_id: str):
    """One inheritor's public fields, the published items they carry on, their lineage and sources."""
    reader = audience()
    person = public_inheritor(inheritor_id, reader)
    places = [divisions().ancestors(code) for code in person.get("region_codes", [])]
    links = lineage.of_inheritor(get_db(), inheritor_id, reader)
    return render_template("inheritor.html", person=person, places=places, lineage=_lineage(links), focus=inheritor_id)


@bp.app_template_global()
def record_lineage(record_id: str) -> dict[str, Any] | None:
    """The lineage of an item for its page (templates/_lineage.html), or None when there is none."""
    return _lineage(lineage.of_record(get_db(), record_id, audience()))


def _lineage(links: list[lineage.Link]) -> dict[str, Any] | None:
    return {"trees": lineage.trees(links), "sources": lineage.sources(links), "count": len(links)} if links else None
