"""What an exhibit's page shows around its story: the places of its records grouped by province, and
the coming days of its festivals and of the festivals of the peoples it shows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from heritage import listings
from heritage.regions import divisions
from web.db import get_db
from web.festival_days import festival_occurrences

COMING = 6  # festivals listed on an exhibit's page
PER_PEOPLE = 2  # of them, festivals of one people the exhibit does not show


def places(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records' places by province (in code order): each province with its places, each place with
    the records ``shown`` there (a record once per place)."""
    tree = divisions()
    provinces: dict[str, dict[str, Any]] = {}
    for record in records:
        for code in record.get("region_codes", []):
            chain = tree.ancestors(code)
            if not chain:
                continue
            province = provinces.setdefault(chain[0].code, {"region": chain[0], "places": {}})
            place = province["places"].setdefault(chain[-1].code, {"chain": chain[1:], "shown": []})
            if record not in place["shown"]:
                place["shown"].append(record)
    return [
        {"region": p["region"], "places": [p["places"][code] for code in sorted(p["places"])]}
        for _, p in sorted(provinces.items())
    ]


def coming_festivals(records: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """The next day (within a year) of each festival the exhibit shows, then of published festivals of the
    same peoples (at most PER_PEOPLE for each, so one people does not fill the list), nearest first; each
    with ``shown`` when it is one of the exhibit's records."""
    shown = {r["id"] for r in records}
    groups = {g for r in records for g in r.get("ethnic_groups", [])}
    peoples = {f["id"]: set(f.get("ethnic_groups", [])) & groups for f in listings.festivals(get_db())}
    found: dict[str, dict[str, Any]] = {}
    for item in festival_occurrences(today, today + dt.timedelta(days=366)):
        if item["id"] not in found and (item["id"] in shown or peoples.get(item["id"])):
            found[item["id"]] = item | {"day": dt.date.fromisoformat(item["date"]), "shown": item["id"] in shown}
    ours = [f for f in found.values() if f["shown"]]
    others: list[dict[str, Any]] = []
    per_people: Counter[str] = Counter()
    for festival in (f for f in found.values() if not f["shown"]):
        if len(ours) + len(others) < COMING and all(per_people[g] < PER_PEOPLE for g in peoples[festival["id"]]):
            others.append(festival)
            per_people.update(peoples[festival["id"]])
    return sorted(ours + others, key=lambda f: f["date"])
