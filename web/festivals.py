"""Festival dates for the site: month and year pages, the API between two dates, and an
iCalendar feed to subscribe to — all computed from each festival's rule for any year."""

from __future__ import annotations

import calendar as month_grid
import datetime as dt
import re
from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from heritage import calendar
from web import linked_data
from web.festival_days import festival_occurrences, first_festivals, uncomputed_festivals
from web.numbers import int_arg

bp = Blueprint("festivals", __name__)
MAX_DAYS = 2 * 366
FIRST_YEAR, LAST_YEAR = 1901, 2099
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


def _year_in_range(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)


@bp.route("/calendar")
def calendar_now():
    """This month's festivals."""
    today = dt.date.today()
    return redirect(url_for("festivals.month_page", year=today.year, month=today.month))


@bp.route("/calendar/<int:year>")
def year_page(year: int):
    """A year of festivals, month by month."""
    _year_in_range(year)
    months = {m: [] for m in range(1, 13)}
    for item in festival_occurrences(dt.date(year, 1, 1), dt.date(year, 12, 31)):
        day = dt.date.fromisoformat(item["date"])
        months[day.month].append(item | {"day": day})
    return render_template(
        "calendar_year.html",
        year=year,
        months=months,
        first=FIRST_YEAR,
        last=LAST_YEAR,
        uncomputed=uncomputed_festivals(),
    )


@bp.route("/calendar/<int:year>/<int:month>")
def month_page(year: int, month: int):
    """A month as a grid of weeks, each day with the festivals held on it."""
    _year_in_range(year)
    if not 1 <= month <= 12:
        abort(404)
    first = dt.date(year, month, 1)
    last = dt.date(year, month, month_grid.monthrange(year, month)[1])
    on_day: dict[dt.date, list[dict]] = {}
    held = festival_occurrences(max(first - dt.timedelta(days=31), dt.date(FIRST_YEAR, 1, 1)), last)
    for item in held:
        start = dt.date.fromisoformat(item["date"])
        for offset in range(item["days"]):
            day = start + dt.timedelta(days=offset)
            if first <= day <= last:
                on_day.setdefault(day, []).append(item | {"first": offset == 0})
    weeks = month_grid.Calendar().monthdatescalendar(year, month)
    previous, following = first - dt.timedelta(days=1), last + dt.timedelta(days=1)
    listing = [i for i in held if first <= dt.date.fromisoformat(i["date"]) <= last]
    events = [
        linked_data.event(
            item["title"],
            dt.date.fromisoformat(item["date"]),
            item["days"],
            url_for("public.record_page", record_id=item["id"], _external=True),
        )
        for item in listing
    ]
    return render_template(
        "calendar_month.html",
        year=year,
        month=month,
        weeks=weeks,
        on_day=on_day,
        weekdays=WEEKDAYS,
        previous=previous,
        following=following,
        today=dt.date.today(),
        ld=linked_data.json_ld(events),
        in_range=lambda d: FIRST_YEAR <= d.year <= LAST_YEAR,
        listing=listing,
        upcoming=[] if listing else next_festivals(following),
        lunar=calendar.lunar_label,
        uncomputed=uncomputed_festivals(),
    )


def next_festivals(start: dt.date, count: int = 5) -> list[dict[str, Any]]:
    """The first festivals on or after a day (within a year), each once, with its date as ``day``."""
    if start.year > LAST_YEAR:
        return []
    return first_festivals(start, min(start + dt.timedelta(days=366), dt.date(LAST_YEAR, 12, 31)), count)


def _day(name: str) -> dt.date:
    text = request.args.get(name, "")
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    abort(400, description=f"参数 {name} 应为 {FIRST_YEAR}-01-01 至 {LAST_YEAR}-12-31 之间的日期，写作 YYYY-MM-DD")


@bp.route("/api/festivals")
def api_festivals():
    """Festivals between ?from=YYYY-MM-DD and ?to=YYYY-MM-DD (at most two years)."""
    start, end = _day("from"), _day("to")
    if end < start or (end - start).days > MAX_DAYS or not FIRST_YEAR <= start.year <= end.year <= LAST_YEAR:
        abort(
            400,
            description=f"参数 from 与 to 应在 {FIRST_YEAR}–{LAST_YEAR} 年之间，to 不早于 from，相隔至多 {MAX_DAYS} 天",
        )
    return jsonify(festival_occurrences(start, end))


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """RFC 5545 lines of at most 75 octets; a continuation line starts with a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode("utf-8")) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    return out + [current]


@bp.route("/calendar.ics")
def ics():
    """The festival calendar for this year and the next (or ?year=) as iCalendar."""
    chosen = int_arg("year", 0, FIRST_YEAR, LAST_YEAR)
    first = chosen or dt.date.today().year
    last = first if chosen else first + 1
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//zhihui-minzu-zhijia//festivals//ZH",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:智慧民族之家·民族节日",
    ]
    for item in festival_occurrences(dt.date(first, 1, 1), dt.date(last, 12, 31)):
        day = dt.date.fromisoformat(item["date"])
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item['id']}-{day:%Y%m%d}@heritage",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=item['days']):%Y%m%d}",
            f"SUMMARY:{_ics_text(item['title'])}",
            f"DESCRIPTION:{_ics_text(item['rule'])}",
            f"URL:{url_for('public.record_page', record_id=item['id'], _external=True)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
    return Response(
        body, mimetype="text/calendar", headers={"Content-Disposition": "attachment; filename=heritage-festivals.ics"}
    )
