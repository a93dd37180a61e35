"""Facet counts: how many of the matched documents hold each value of each facet field, with labels."""

from __future__ import annotations

from collections.abc import Mapping

from heritage.regions import divisions
from indexer.docsets import DocSet
from indexer.engines import Engine

FACETS = ("category", "ethnic", "province", "level", "batch", "listing")
# How each facet reads on a page; "region" is the places below a chosen region.
LABELS = {
    "category": "类别",
    "ethnic": "民族",
    "province": "省份",
    "level": "级别",
    "batch": "批次",
    "listing": "新增/扩展",
    "region": "下一级地区",
}


def count(engine: Engine, matched: DocSet, filters: Mapping[str, str]) -> dict[str, list[dict]]:
    """Counts of the matched documents by every facet value (and by the places below a chosen region)."""
    tree = divisions()
    facets: dict[str, list[dict]] = {}
    for name in FACETS:
        counts = []
        for value in engine.values(name):
            count = matched.intersection_cardinality(engine.docs(name, value))
            if count:
                province = tree.get(value) if name == "province" else None
                label = province.name if province else value
                if name == "batch":
                    label = f"第{value}批"
                counts.append({"value": value, "label": label, "count": count})
        facets[name] = sorted(counts, key=lambda c: (-c["count"], c["value"]))
    region = filters.get("region")
    chosen = next(iter(tree.find(region)), None) if region else None
    if chosen:
        children = [
            {"value": r.code, "label": r.name, "count": matched.intersection_cardinality(engine.docs("region", r.code))}
            for r in tree.children(chosen.code)
        ]
        facets["region"] = sorted((c for c in children if c["count"]), key=lambda c: (-c["count"], c["value"]))
    return facets
