"""The one table of search filters: name, Chinese label, what the API documents, and how a value
becomes the value the index holds.  The compiler, the site's search pages and OpenAPI all read it;
it knows nothing of the engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from heritage import vocab
from heritage.regions import divisions
from indexer.errors import SearchError

LISTINGS = {"新增": "新增项目", "扩展": "扩展项目", "新增项目": "新增项目", "扩展项目": "扩展项目"}


@dataclass(frozen=True)
class Filter:
    """A facet filter a search takes: ``resolve`` gives the indexed value, or None if unknown."""

    name: str
    label: str
    description: str
    schema: dict[str, Any]
    resolve: Callable[[str], str | None]


def _region(value: str) -> str | None:
    regions = divisions().find(value)
    return regions[0].code if regions else None


def _ethnic(value: str) -> str | None:
    group = vocab.ethnic_group(value)
    return group.name if group else None


def _category(value: str) -> str | None:
    category = vocab.category_by_name(value)
    return category.name if category else None


FILTERS = (
    Filter(
        "category",
        "类别",
        "类别（十大门类之一）",
        {"type": "string", "enum": [c.name for c in vocab.CATEGORIES]},
        _category,
    ),
    Filter("ethnic", "民族", "民族", {"type": "string", "enum": [g.name for g in vocab.ETHNIC_GROUPS]}, _ethnic),
    Filter("region", "地区", "地区：行政区划代码或名称，含其下各级", {"type": "string"}, _region),
    Filter(
        "level",
        "级别",
        "级别",
        {"type": "string", "enum": list(vocab.LEVELS)},
        lambda value: value if value in vocab.LEVELS else None,
    ),
    Filter(
        "batch",
        "批次",
        "批次（数字）",
        {"type": "integer", "minimum": 1},
        lambda value: value if value.isdigit() else None,
    ),
    Filter(
        "listing",
        "新增/扩展",
        "新增项目 或 扩展项目",
        {"type": "string", "enum": list(vocab.LISTING_TYPES)},
        LISTINGS.get,
    ),
)
BY_NAME = {f.name: f for f in FILTERS}


def resolve(filters: Mapping[str, str]) -> dict[str, str]:
    """The chosen filters as the index holds their values; a SearchError (filter) names every problem."""
    resolved, problems = {}, []
    for name, value in filters.items():
        if name not in BY_NAME:
            problems.append(f"“{name}”不是筛选条件")
            continue
        known = BY_NAME[name].resolve(value)
        if known is None:
            problems.append(f"{BY_NAME[name].label}“{value}”无法识别")
            continue
        resolved[name] = known
    if problems:
        raise SearchError("filter", f"筛选条件有误：{'；'.join(problems)}")
    return resolved
