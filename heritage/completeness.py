"""How complete a census record is: the fields every record needs, and those its category needs."""

from __future__ import annotations

from typing import Any

from heritage.fields import RECORD_FIELDS

# What every survey record should say (SCHEMA.md; the 2023 standard's general part) …
COMMON = (
    "title",
    "category",
    "ethnic_groups",
    "region_codes",
    "content",
    "history",
    "features",
    "values_text",
    "vitality",
    "measures",
    "surveyor",
    "survey_date",
    "survey_place",
    "sources",
)
# … and what each category's part adds: festivals and customs their dates and places, performing
# arts their instruments and props, crafts and medicine their tools and lineage, oral literature its
# names in the group's own language.
BY_CATEGORY = {
    "民间文学": ("native_names", "lineage", "informant"),
    "传统音乐": ("artifacts", "lineage", "places"),
    "传统舞蹈": ("artifacts", "lineage", "places"),
    "传统戏剧": ("artifacts", "lineage"),
    "曲艺": ("artifacts", "lineage"),
    "传统体育、游艺与杂技": ("artifacts", "places"),
    "传统美术": ("artifacts", "lineage"),
    "传统技艺": ("artifacts", "lineage"),
    "传统医药": ("artifacts", "lineage"),
    "民俗": ("dates", "places"),
}
LABELS = {f.name: f.zh for f in RECORD_FIELDS} | {"images": "图片"}


def expected(category: str) -> tuple[str, ...]:
    """The fields a record of this category should fill in, and at least one image."""
    return COMMON + BY_CATEGORY.get(category, ()) + ("images",)


def completeness(record: dict[str, Any], images: int) -> tuple[int, list[str]]:
    """(percentage filled, the Chinese names of what is missing) for a record with so many images."""
    wanted = expected(record.get("category") or "")
    missing = [name for name in wanted if (images == 0 if name == "images" else record.get(name) in (None, "", [], {}))]
    return round(100 * (len(wanted) - len(missing)) / len(wanted)), [LABELS[name] for name in missing]
