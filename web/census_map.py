"""The public side of the census: the map of records by place (/map), the lists behind the public
figures, and the summary shown on /browse.  Every count is what heritage.visibility lets the reader
see; a place on the map searches that place."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup

from heritage import census
from heritage.regions import Region
from heritage.report import tables
from web.census_view import (
    configured_area,
    counted_page,
    figure_or_404,
    kept,
    level_choices,
    point_map,
    requested_level,
    requested_scope,
)
from web.db import get_db
from web.visible import audience

bp = Blueprint("census_map", __name__)


@bp.record_once
def _check_area(state) -> None:
    """The site refuses to start with a deployment area it cannot read (REGION, HERITAGE_REGION)."""
    from web import ConfigError

    with state.app.app_context():
        try:
            census.area(configured_area())
        except census.ScopeError as problem:
            raise ConfigError(f"部署地区设置有误（site.cfg 的 REGION 或环境变量 HERITAGE_REGION）：{problem}") from None


PUBLIC_FIGURES = ("total", "vitality", "unplaced")


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
    body = kept(
        found,
        ("map",),
        lambda: Markup(render_template("_map_body.html", found=found, point_map=point_map(found, _searches()))),
    )
    return render_template(
        "map.html",
        found=found,
        level=level,
        levels=level_choices(chosen),
        body=body,
        form={"region": request.args.get("region", chosen.area.code if chosen.area else "")},
    )


@bp.route("/figures/<figure>")
def figure_records(figure: str):
    """The published records one public number counts (存续状况, records without a place), exactly those."""
    figure = figure_or_404(figure, PUBLIC_FIGURES)
    key = request.args.get("key", "")[:200]
    chosen = requested_scope()
    found = census.census(get_db(), chosen, audience())
    return counted_page(
        found,
        figure,
        key,
        lambda record_id: url_for("public.record_page", record_id=record_id),
        lambda n: url_for("census_map.figure_records", figure=figure, key=key or None, page=n, **chosen.params()),
        url_for("browse.browse"),
    )


@bp.app_context_processor
def summary_helpers():
    """``census_summary()`` for templates: the public figures of the deployment's area, with links."""

    def census_summary():
        chosen = census.Scope(census.area(configured_area()))
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
