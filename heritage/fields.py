"""The fields of a census record and of an inheritor: headers, value types, and cell <-> value.

This is the one place that turns what a person typed (a sheet cell, a JSON value, a form
input) into a stored value, and back into the text an export writes.  Every error is a
``ValueError`` whose message says, in Chinese, what is wrong and what is expected.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from heritage import vocab
from heritage.dates import parse_date_rule
from heritage.numerals import DIGITS, VALUES
from heritage.regions import divisions

TEXT_MAX = 500
LONG_MAX = 50_000
LIST_SEPARATOR = "；"
ACCESS_LABELS = {"public": "公开", "researcher": "研究人员", "internal": "内部"}


@dataclass(frozen=True)
class Field:
    """One field: identifier, Chinese header, value type, and the access it has unless a record says otherwise."""

    name: str
    zh: str
    type: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    access: str = "public"


RECORD_FIELDS = (
    Field("id", "编号", "id"),
    Field("ref", "来源编号"),
    Field("title", "项目名称", required=True),
    Field("aliases", "别称", "names"),
    Field("native_names", "民族语名称", "native"),
    Field("category", "类别", "category", required=True),
    Field("subcategory", "子类"),
    Field("level", "级别", "choice", choices=vocab.LEVELS),
    Field("batch", "批次", "batch"),
    Field("year", "公布年份", "year"),
    Field("listing_type", "新增/扩展", "choice", choices=vocab.LISTING_TYPES),
    Field("extends", "扩展自"),
    Field("item_number", "项目编号"),
    Field("sub_item_code", "子项编码"),
    Field("ethnic_groups", "民族", "ethnic"),
    Field("derived_ethnic_groups", "推断的民族", "ethnic"),
    Field("region_codes", "分布区域代码", "regions"),
    Field("region_text", "分布区域"),
    Field("nominating_unit", "申报地区或单位"),
    Field("protecting_unit", "保护单位"),
    Field("history", "历史渊源", "long"),
    Field("content", "基本内容", "long"),
    Field("features", "主要特征", "long"),
    Field("values_text", "重要价值", "long"),
    Field("value_tags", "价值类型", "choices", choices=vocab.VALUE_TAGS),
    Field("artifacts", "相关器具及制品", "list"),
    Field("places", "相关场所", "list"),
    Field("lineage", "传承谱系", "long"),
    Field("vitality", "存续状况", "choice", choices=vocab.VITALITY),
    Field("vitality_note", "存续状况说明", "long"),
    Field("measures", "保护措施", "long"),
    Field("dates", "时间", "dates"),
    Field("surveyor", "调查人", access="internal"),
    Field("survey_date", "调查日期", "date", access="internal"),
    Field("survey_place", "调查地点", access="internal"),
    Field("informant", "讲述人", access="internal"),
    Field("informant_consent", "讲述人知情同意", "bool", access="internal"),
    Field("form_filler", "填表人", access="internal"),
    Field("reviewer", "审核人", access="internal"),
    Field("sources", "参考资料", "list"),
    Field("status", "状态", "choice", choices=vocab.STATUSES),
    Field("status_reason", "退回原因", access="internal"),
    Field("access", "访问级别", "access"),
    Field("field_access", "字段访问级别", "field_access"),
)

INHERITOR_FIELDS = (
    Field("id", "编号", "id"),
    Field("ref", "来源编号"),
    Field("name", "姓名", required=True),
    Field("native_name", "民族语姓名"),
    Field("sex", "性别", "choice", choices=vocab.SEXES),
    Field("ethnic_group", "民族", "ethnic_one"),
    Field("birth_date", "出生日期", "partial_date", access="researcher"),
    Field("death_year", "去世年份", "year"),
    Field("items", "项目", "list"),
    Field("level", "级别", "choice", choices=vocab.LEVELS),
    Field("batch", "批次", "batch"),
    Field("year", "认定年份", "year"),
    Field("category", "类别", "category"),
    Field("region_codes", "地区代码", "regions"),
    Field("region_text", "地区"),
    Field("biography", "简介", "long"),
    Field("master", "师承"),
    Field("generation", "传承代际"),
    Field("works", "代表作品", "long"),
    Field("teaching", "传承活动", "long"),
    Field("sources", "参考资料", "list"),
    Field("id_number", "身份证号", access="internal"),
    Field("phone", "电话", access="internal"),
    Field("address", "地址", access="internal"),
    Field("access", "访问级别", "access"),
    Field("field_access", "字段访问级别", "field_access"),
)


def visible_fields(
    entity: dict[str, Any], fields: tuple[Field, ...] | None = None, audience: str = "public"
) -> set[str]:
    """The fields of a record (or, given INHERITOR_FIELDS, an inheritor) a reader may see: the public
    sees public fields, researchers also those for researchers; each field has its default access
    unless the entity sets another one for it in ``field_access``."""
    overrides = entity.get("field_access") or {}
    levels = {"public"} if audience == "public" else {"public", "researcher"}
    return {f.name for f in fields or RECORD_FIELDS if overrides.get(f.name, f.access) in levels}


def public_fields(entity: dict[str, Any], fields: tuple[Field, ...] | None = None) -> set[str]:
    """The fields the public may see (see visible_fields)."""
    return visible_fields(entity, fields)


LIST_TYPES = {"list", "names", "native", "ethnic", "regions", "dates", "choices"}


def header_lookup(fields: tuple[Field, ...]) -> dict[str, Field]:
    """Map every accepted header (Chinese or English, any case) to its field."""
    lookup = {}
    for field in fields:
        lookup[field.zh] = field
        lookup[field.name.lower()] = field
    return lookup


def normalize_header(header: Any) -> str:
    """A header as written, folded for lookup: NFKC, trimmed, lower-case."""
    return unicodedata.normalize("NFKC", str(header or "")).strip().lower()


def clean_text(value: Any, limit: int = TEXT_MAX) -> str:
    """Text with line breaks unified and control characters refused; raises ValueError."""
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    bad = next((ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t"), None)
    if bad is not None:
        raise ValueError(f"含有不可见的控制字符（U+{ord(bad):04X}），请删除后再导入")
    text = text.strip()
    if len(text) > limit:
        raise ValueError(f"内容过长：{len(text)} 字，上限 {limit} 字")
    return text


def split_list(value: Any, loose: bool = False) -> list[str]:
    """A list cell: a JSON list, or items separated by ；, ; or line breaks (loose: also 、，,)."""
    if isinstance(value, (list, tuple)):
        items = [clean_text(item) for item in value]
    else:
        separators = r"[；;\n、，,]" if loose else r"[；;\n]"
        items = [item.strip() for item in re.split(separators, clean_text(value, LONG_MAX))]
    return [item for item in items if item]


def _year(value: Any) -> int:
    text = clean_text(value)
    if not re.fullmatch(r"\d{4}", text) or not 1000 <= int(text) <= 2100:
        raise ValueError(f"年份“{text}”应为四位数字，如 2006")
    return int(text)


def _batch(value: Any) -> int:
    text = clean_text(value)
    match = re.fullmatch(rf"第?([{DIGITS}]|\d{{1,2}})批?", text)
    if not match:
        raise ValueError(f"批次“{text}”应为数字或“第一批”这样的写法")
    number = match[1]
    return int(number) if number.isdigit() else VALUES[number]


def _date(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    text = clean_text(value)
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3])).isoformat()  # type: ignore[index]
    except (TypeError, ValueError):
        raise ValueError(f"日期“{text}”应写作 2024-05-01") from None


def parse_partial_date(value: Any) -> str:
    """A date that may lack month or day: 1935, 1935.11, 1958-01-02 -> 1935, 1935-11, 1958-01-02."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    text = clean_text(value)
    match = re.fullmatch(r"(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?年?", text)
    if not match:
        raise ValueError(f"日期“{text}”应写作 1935、1935-11 或 1935-11-02")
    year, month, day = match[1], match[2], match[3]
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"日期“{text}”不存在") from None
    return "-".join([year] + [f"{int(part):02d}" for part in (month, day) if part])


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if text in ("是", "有", "true", "yes", "1", "同意"):
        return True
    if text in ("否", "无", "false", "no", "0", "不同意"):
        return False
    raise ValueError(f"“{text}”应为“是”或“否”")


def _access(value: Any) -> str:
    text = clean_text(value).lower()
    for code, label in ACCESS_LABELS.items():
        if text in (code, label, label.removesuffix("人员")):
            return code
    raise ValueError(f"访问级别“{text}”应为 公开、研究人员 或 内部")


def _ethnic(value: Any) -> str:
    group = vocab.ethnic_group(clean_text(value))
    if group is None:
        raise ValueError(f"未知的民族“{value}”：应为 56 个民族之一（如 苗族）或“其他”")
    return group.name


def _region(value: Any) -> str:
    code = clean_text(value)
    region = divisions().successor(code)
    if region is None:
        raise ValueError(f"未知的行政区划代码“{code}”：应为六位代码，如 522630")
    return region.code


def _native(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        parts = [value.get("name", ""), value.get("script", ""), value.get("transliteration", "")]
    else:
        parts = clean_text(value).split("|")
    if len(parts) > 3 or not str(parts[0]).strip():
        raise ValueError(f"民族语名称“{value}”应写作 名称|文字|转写，如 ཞྭ་ལྷ་ཁ|藏文|zhwa lha kha")
    name, script, translit = (clean_text(part) for part in parts + [""] * (3 - len(parts)))
    return {"name": name, "script": script, "transliteration": translit}


def _field_access(value: Any, fields: tuple[Field, ...]) -> dict[str, str]:
    lookup = header_lookup(fields)
    pairs = value.items() if isinstance(value, dict) else (item.partition("=")[::2] for item in split_list(value))
    result = {}
    for key, level in pairs:
        field = lookup.get(normalize_header(key))
        if field is None or field.name in ("id", "access", "field_access"):
            raise ValueError(f"字段访问级别中的“{key}”不是可设置的字段")
        result[field.name] = _access(level)
    return dict(sorted(result.items()))


def parse_id(value: Any) -> str:
    text = clean_text(value)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", text):
        raise ValueError(f"编号“{text}”只能由字母、数字和 _ . - 组成，至多 64 位")
    return text


def _category(value: Any) -> str:
    category = vocab.category_by_name(clean_text(value))
    if category is None:
        raise ValueError(f"未知的类别“{value}”：应为十大门类之一，如 传统技艺 或 Ⅷ")
    return category.name


def _choice(field: Field, value: Any) -> str:
    text = clean_text(value)
    if text not in field.choices:
        raise ValueError(f"“{text}”不是可选值：应为 {'、'.join(field.choices)} 之一")
    return text


def _date_rule(value: Any) -> str:
    text = clean_text(value)
    parse_date_rule(text)
    return text


# One parser per value type; list types parse each item with their item parser.
_SCALARS: dict[str, Callable[[Any], Any]] = {
    "id": parse_id,
    "text": clean_text,
    "long": lambda value: clean_text(value, LONG_MAX),
    "year": _year,
    "batch": _batch,
    "date": _date,
    "partial_date": parse_partial_date,
    "bool": _bool,
    "access": _access,
    "category": _category,
    "ethnic_one": _ethnic,
}
_ITEMS: dict[str, Callable[[Any], Any]] = {
    "list": clean_text,
    "names": clean_text,
    "native": _native,
    "ethnic": _ethnic,
    "regions": _region,
    "dates": _date_rule,
}


def parse_value(field: Field, value: Any, fields: tuple[Field, ...] = RECORD_FIELDS) -> Any:
    """Turn a cell or JSON value into the stored value of a field; empty gives None, [] or {}."""
    value_type = field.type
    if value is None or (isinstance(value, str) and not value.strip()) or value == []:
        return [] if value_type in LIST_TYPES else {} if value_type == "field_access" else None
    if value_type in _SCALARS:
        return _SCALARS[value_type](value)
    if value_type == "choice":
        return _choice(field, value)
    if value_type == "field_access":
        return _field_access(value, fields)
    items = (
        value
        if value_type == "native" and isinstance(value, list)
        else split_list(value, loose=value_type in ("names", "ethnic", "regions", "choices"))
    )
    if value_type == "choices":
        return list(dict.fromkeys(_choice(field, item) for item in items))
    parsed = [_ITEMS[value_type](item) for item in items]
    return parsed if value_type == "native" else list(dict.fromkeys(parsed))


def format_value(
    field: Field,
    value: Any,
    fields: tuple[Field, ...] = RECORD_FIELDS,
    english: bool = False,
    separator: str = LIST_SEPARATOR,
) -> str:
    """The cell text an export writes for a stored value; parse_value reads it back unchanged."""
    if value is None or value == [] or value == {}:
        return ""
    if field.type == "native":
        return separator.join("|".join([n["name"], n["script"], n["transliteration"]]).rstrip("|") for n in value)
    if field.type in LIST_TYPES:
        return separator.join(value)
    if field.type == "bool":
        return "是" if value else "否"
    if field.type == "access":
        return value if english else ACCESS_LABELS[value]
    if field.type == "field_access":
        by_name = {f.name: f for f in fields}
        return separator.join(
            f"{name if english else by_name[name].zh}={level if english else ACCESS_LABELS[level]}"
            for name, level in value.items()
        )
    return str(value)


def readable_value(field: Field, value: Any, fields: tuple[Field, ...] = RECORD_FIELDS) -> str:
    """A stored value as a person reads it (as on the record page): lists joined with 、, regions
    with their names, access levels and yes/no in Chinese; empty gives ""."""
    if field.type == "regions" and value:
        return "、".join(f"{code} {divisions().label(code)}" for code in value)
    return format_value(field, value, fields, separator="、")
