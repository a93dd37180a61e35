"""The census dashboard (/curate/dashboard): coverage, workflow, completeness and risk of the
deployment's area for curators, reviewers and admins, each number linked to its records, and the
same figures as an XLSX report."""

from __future__ import annotations

import io

from flask import Blueprint, render_template, request, send_file, url_for

from heritage import census, store
from heritage.report import tables, write_xlsx
from heritage.workflow import EDITORS
from web.census_view import (
    counted_page,
    figure_or_404,
    kept,
    level_choices,
    point_map,
    requested_level,
    requested_scope,
)
from web.db import get_store
from web.sessions import requires

bp = Blueprint("dashboard", __name__, url_prefix="/curate/dashboard")


@bp.route("")
@requires(*EDITORS)
def overview():
    """Every figure of the area and period, as charts with their tables, and the coverage map."""
    chosen = requested_scope()
    found = census.census(get_store(), chosen)
    level = requested_level(chosen)
    places = census.census(get_store(), chosen, level=level)

    scope = chosen.params()

    def link(figure: str, key: str = "") -> str:
        return url_for("dashboard.records", figure=figure, key=key or None, **scope)

    return render_template(
        "curate/census.html",
        found=found,
        tables=tables(found),
        link=link,
        coverage_map=kept(
            places,
            ("dashboard",),
            lambda: point_map(
                places,
                lambda region: url_for("dashboard.records", figure="place", key=region.code, level=level, **scope),
            ),
        ),
        report_url=url_for("dashboard.report", **scope),
        args=None,
        chosen=chosen,
        form={name: request.args.get(name, "") for name in ("region", "from", "to")},
        level=level,
        levels=level_choices(chosen),
    )


@bp.route("/records")
@requires(*EDITORS)
def records():
    """The records (or inheritors) one number counts, exactly those."""
    figure = figure_or_404(request.args.get("figure", ""))
    key = request.args.get("key", "")[:200]
    chosen = requested_scope()
    level = requested_level(chosen)  # the map's places may be of another level than the tables'
    found = census.census(get_store(), chosen, level=level)
    kind = store.INHERITOR if census.FIGURES[figure][1] == "inheritor" else store.RECORD
    return counted_page(
        found,
        figure,
        key,
        lambda entity_id: url_for("curate.edit", kinds=kind.table, entity_id=entity_id),
        lambda n: url_for("dashboard.records", figure=figure, key=key or None, level=level, page=n, **chosen.params()),
        url_for("dashboard.overview", **chosen.params()),
    )


@bp.route("/report.xlsx")
@requires(*EDITORS)
def report():
    """The dashboard's figures for the area and period as an XLSX file to hand in."""
    chosen = requested_scope()
    found = census.census(get_store(), chosen)
    data = io.BytesIO()
    write_xlsx(found, data)
    data.seek(0)
    stamp = "-".join(
        filter(None, [chosen.area.code if chosen.area else "全国", *map(str, filter(None, [chosen.start, chosen.end]))])
    )
    return send_file(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"普查报告-{stamp}.xlsx",
    )
