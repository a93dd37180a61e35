"""schema.org data for the pages (search engines and calendars read it): the script block and an event."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from markupsafe import Markup


def json_ld(data: Any) -> Markup:
    """schema.org data for a <script type="application/ld+json"> block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def event(
    name: str | None, start: dt.date, days: int, url: str, place: str | None = None, description: str | None = None
) -> dict[str, Any]:
    """A festival's days as a schema.org Event held in a place (中国 when none is known), offline,
    linking to its record page."""
    held = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": name,
        "startDate": start.isoformat(),
        "endDate": (start + dt.timedelta(days=days - 1)).isoformat(),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {"@type": "Place", "name": place or "中国"},
        "url": url,
    }
    return held | ({"description": description} if description is not None else {})
