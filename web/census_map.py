"""The public side of the census: the map of records by place (/map), the lists behind the public
figures, and the summary shown on /browse.  Every count is what heritage.visibility lets the reader
see; a place on the map searches that place."""

from __future__ import annotations

import math
from collections.abc import Callable

from flask import Blueprint, render_template, request, url_for

from heritage import census
from heritage.regions import Region
from heritage.report import tables
from web.census_view import (
    figure_or_404,
    key_label,
    level_choices,
    point_map,
    requested_level,
    requested_scope,
)
from web.db import get_db
from web.numbers import int_arg
from web.visible import audience

bp = Blueprint("census_map", __name__)
PUBLIC_FIGURES = ("total", "vitality", "unplaced")
PER_PAGE = 100


def _search(region_code: str, **filters: str) -> str:
    return url_for("public.search_page", region=region_code or None, **filters)


def _searches() -> Callable[[Region], str]:
    """A place's search address, built once per page (url_for for each of 3,000 counties is slow)."""
    base = url_for("public.search_page") + "?region="
    return lambda region: base + region.code


@bp.route("/map")
def records_map():
    """Published records by place: provinces of the country, or the prefectures or counties of an area."""
    chosen = requested_scope()
    level = requested_level(chosen)
    found = census.census(get_db(), chosen, audience(), level)
    return render_template(
        "map.html",
        found=found,
        level=level,
        levels=level_choices(chosen),
        point_map=point_map(found, _searches()),
        form={"region": request.args.get("region", chosen.area.code if chosen.area else "")},
    )


@bp.route("/figures/<figure>")
def figure_records(figure: str):
    """The published records one public number counts (存续状况, records without a place), exactly those."""
    figure = figure_or_404(figure, PUBLIC_FIGURES)
    key = request.args.get("key", "")[:200]
    chosen = requested_scope()
    found = census.census(get_db(), chosen, audience())
    ids = found.ids(figure, key)
    pages = max(1, math.ceil(len(ids) / PER_PAGE))
    page = int_arg("page", 1, 1, pages)
    return render_template(
        "census_records.html",
        heading=f"{census.FIGURES[figure][0]}：{key_label(figure, key)}",
        scope_label=chosen.label,
        total=len(ids),
        entries=[
            (record_id, found.titles[record_id], url_for("public.record_page", record_id=record_id))
            for record_id in ids[(page - 1) * PER_PAGE : page * PER_PAGE]
        ],
        page=page,
        pages=pages,
        link=lambda n: url_for("census_map.figure_records", figure=figure, key=key or None, page=n, **chosen.params()),
        back=url_for("browse.browse"),
    )


@bp.app_context_processor
def summary_helpers():
    """``census_summary()`` for templates: the public figures of the deployment's area, with links."""

    def census_summary():
        chosen = requested_scope()
        found = census.census(get_db(), chosen, audience())
        area = chosen.area.code if chosen.area else ""

        def link(figure: str, key: str = "") -> str:
            if figure == "place":
                return _search(key)
            if figure == "category":
                return _search(area, category=key)
            return url_for("census_map.figure_records", figure=figure, key=key or None, **chosen.params())

        return {"found": found, "tables": tables(found), "link": link}

    return {"census_summary": census_summary}
