"""Festival dates for the site: the API between two dates and an iCalendar feed to subscribe to."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for

from heritage import calendar
from web.db import get_db

bp = Blueprint("festivals", __name__)
MAX_DAYS = 2 * 366


def festival_occurrences(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Each published, public festival's days from start to end: date, id, title, days."""
    rows = get_db().execute(
        "SELECT r.id, r.title, v.value FROM records r JOIN record_values v ON v.record_id = r.id"
        " WHERE v.field = 'dates' AND r.status = '已发布' AND r.access = 'public' ORDER BY r.id, v.position")
    found = [{"date": o.date.isoformat(), "id": record_id, "title": title, "days": o.days, "rule": rule}
             for record_id, title, rule in rows for o in calendar.between([rule], start, end)]
    return sorted(found, key=lambda f: (f["date"], f["id"]))


def _day(name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        abort(400)


@bp.route("/api/festivals")
def api_festivals():
    """Festivals between ?from=YYYY-MM-DD and ?to=YYYY-MM-DD (at most two years)."""
    start, end = _day("from"), _day("to")
    if end < start or (end - start).days > MAX_DAYS:
        abort(400)
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
    year_arg = request.args.get("year", "")
    if year_arg and (not year_arg.isdigit() or not 1900 <= int(year_arg) <= 2200):
        abort(400)
    first = int(year_arg) if year_arg else dt.date.today().year
    last = first if year_arg else first + 1
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//zhihui-minzu-zhijia//festivals//ZH",
             "CALSCALE:GREGORIAN", "X-WR-CALNAME:智慧民族之家·民族节日"]
    for item in festival_occurrences(dt.date(first, 1, 1), dt.date(last, 12, 31)):
        day = dt.date.fromisoformat(item["date"])
        lines += ["BEGIN:VEVENT", f"UID:{item['id']}-{day:%Y%m%d}@heritage", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{day + dt.timedelta(days=item['days']):%Y%m%d}",
                  f"SUMMARY:{_ics_text(item['title'])}", f"DESCRIPTION:{_ics_text(item['rule'])}",
                  f"URL:{url_for('public.record_page', record_id=item['id'], _external=True)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": "attachment; filename=heritage-festivals.ics"})
