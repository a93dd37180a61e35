"""Entity forms: how each field is shown for editing and read back from a submitted form."""

from __future__ import annotations

from typing import Any

from flask import request

from heritage import vocab
from heritage.editing import editable
from heritage.fields import ACCESS_LABELS, LIST_TYPES, Field, format_value
from heritage.regions import divisions
from heritage.store import Kind

HINTS = {
    "regions": "每行一个：地名（如 黔东南、贵州省台江县）或六位代码；有重名时会列出可选的代码",
    "dates": "每行一条规则：农历六月二十四、三月三、清明、10月1日、农历六月二十四至二十六",
    "native": "每行一个：名称|文字|转写，如 ཞྭ་ལྷ་ཁ|藏文|zhwa lha kha",
    "ethnic": "每行一个民族，如 苗族",
    "names": "每行一个",
    "list": "每行一项",
    "choices": "每行一个：" + "、".join(vocab.VALUE_TAGS),
    "partial_date": "如 1935、1935-11 或 1935-11-02",
    "date": "如 2024-05-01",
}


SECTIONS = {
    "record": (
        ("基本信息", ("title", "aliases", "native_names", "category", "subcategory", "ethnic_groups")),
        ("分布与时间", ("region_codes", "region_text", "dates", "places", "nominating_unit", "protecting_unit")),
        (
            "内容",
            (
                "content",
                "history",
                "features",
                "values_text",
                "value_tags",
                "artifacts",
                "lineage",
                "vitality",
                "vitality_note",
                "measures",
                "sources",
            ),
        ),
        ("名录", ("level", "batch", "year", "listing_type", "extends", "item_number", "sub_item_code", "ref")),
        (
            "调查信息（默认仅内部可见）",
            ("surveyor", "survey_date", "survey_place", "informant", "informant_consent", "form_filler"),
        ),
        ("整条记录的访问级别", ("access",)),
    ),
    "inheritor": (
        ("基本信息", ("name", "native_name", "sex", "ethnic_group", "birth_date", "death_year", "category")),
        ("认定与地区", ("level", "batch", "year", "region_codes", "region_text", "ref")),
        ("传承", ("biography", "master", "generation", "works", "teaching", "sources")),
        ("联系方式（默认仅内部可见）", ("id_number", "phone", "address")),
        ("整个条目的访问级别", ("access",)),
    ),
}


def sections(kind: Kind) -> list[tuple[str, list[Field]]]:
    """The form's fieldsets: (legend, fields); every editable field appears exactly once."""
    by_name = {f.name: f for f in editable(kind)}
    groups = [(legend, [by_name.pop(n) for n in names if n in by_name]) for legend, names in SECTIONS[kind.name]]
    if by_name:
        groups.append(("其他", list(by_name.values())))
    return groups


def widget(field: Field) -> str:
    """textarea, select or input."""
    if field.type == "long" or field.type in LIST_TYPES:
        return "textarea"
    if field.type in ("choice", "category", "bool", "access", "ethnic_one"):
        return "select"
    return "input"


def options(field: Field) -> list[tuple[str, str]]:
    """(value, label) pairs of a select, the empty choice first."""
    if field.type == "access":
        return list(ACCESS_LABELS.items())
    choices = {
        "choice": field.choices,
        "category": [c.name for c in vocab.CATEGORIES],
        "bool": ("是", "否"),
        "ethnic_one": [g.name for g in vocab.ETHNIC_GROUPS],
    }[field.type]
    return [("", "（未填）")] + [(c, c) for c in choices]


def cell(field: Field, value: Any, fields: tuple[Field, ...]) -> str:
    """A stored value as the form shows it: one item per line for lists, regions with their names."""
    if value in (None, [], {}):
        return ""
    if field.type == "regions":
        return "\n".join(f"{code} {divisions().label(code)}" for code in value)
    if field.type in LIST_TYPES:
        return format_value(field, value, fields).replace("；", "\n")
    return format_value(field, value, fields, english=field.type == "access")


def cells_of(kind: Kind, entity: dict[str, Any]) -> dict[str, str]:
    """Every editable field of an entity as form text."""
    return {f.name: cell(f, entity.get(f.name), kind.fields) for f in editable(kind)}


def read(kind: Kind) -> tuple[dict[str, str], dict[str, str]]:
    """(cells, access per field) from the submitted form."""
    cells = {f.name: request.form.get(f.name, "")[:60_000] for f in editable(kind)}
    access = {f.name: request.form.get(f"access.{f.name}", f.access) for f in editable(kind)}
    return cells, access
