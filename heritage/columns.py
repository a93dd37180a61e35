"""The column reference of the importer, generated from the field table (heritage.fields): the README's
tables, the import page's reference and the downloadable template sheets all come from here.
"""

from __future__ import annotations

import csv
from typing import Any, BinaryIO

from heritage.corpus import RECORDS_FILE
from heritage.fields import ACCESS_LABELS, LONG_MAX, TEXT_MAX, Field
from heritage.store import DEFAULTS, INHERITOR, RECORD, Kind
from heritage.tabular import write_sheet

_BY_TYPE = {
    "id": "字母、数字与 _ . -，至多 64 位；留空则自动生成（如 R7K2M9QXA）",
    "text": f"文本（至多 {TEXT_MAX} 字）",
    "long": f"长文本（至多 {LONG_MAX} 字）",
    "names": "多个用 ；、， 分隔",
    "native": "名称|文字|转写，多个用 ； 分隔",
    "category": "十大门类之一，可写名称、罗马数字（Ⅷ、VIII）或 1–10",
    "batch": "数字或“第一批”",
    "year": "四位年份",
    "ethnic": "56 个民族或“其他”，可写简称（苗）；多个用 ；、 分隔",
    "ethnic_one": "一个民族，可写简称（苗）",
    "regions": "六位行政区划代码，旧代码自动换成现行代码；多个用 ；、 分隔",
    "list": "多项用 ； 分隔",
    "dates": "节日的日期规则：农历六月二十四、三月三、清明、10月1日、农历六月二十四至二十六、除夕、农历十月第一个卯日、"
    "夏至后第三个庚日、藏历正月初一（按藏历，不推算）；多个用 ； 分隔",
    "date": "2024-05-01",
    "partial_date": "1935、1935-11 或 1935-11-02（也接受 1935.11）",
    "bool": "是 / 否",
    "access": "公开、研究人员、内部",
    "field_access": "字段=级别，如 讲述人=内部；调查地点=研究人员",
}
_BY_FIELD = {
    "derived_ethnic_groups": "`ethnic_groups` 中不是来源写明、而是推断出的民族（导入国家级名录时：标题不含民族名，"
    "正文只提到一个民族且不提汉族、各族、多民族，并且提到两次以上或项目位于该民族的自治地方；只凭地点不推断）；格式同上",
    "ref": "外部来源的编号，如 ihchina:12178；重复导入时据此更新",
    "region_text": "地名文字；未填代码时据此识别（贵州省台江县 → 522630）",
    "items": "所传承项目：记录编号、来源编号、子项编码或项目编号，多个用 ； 分隔",
}
# Inheritors have no shipped example; this row only shows how each cell is written.
_INHERITOR_EXAMPLE = {
    "name": "（示例，请替换为传承人姓名）",
    "sex": "女",
    "ethnic_group": "彝族",
    "birth_date": "1960-05",
    "items": "C001",
    "level": "省级",
    "category": "民俗",
    "region_text": "四川省凉山彝族自治州",
    "access": "研究人员",
}
KINDS = {"record": RECORD, "inheritor": INHERITOR}


def hint(field: Field) -> str:
    """How a cell of this field is written, in Chinese."""
    text = _BY_FIELD.get(field.name) or ("、".join(field.choices) if field.choices else _BY_TYPE[field.type])
    default = DEFAULTS.get(field.name)
    if isinstance(default, str):
        text += f"；默认 {ACCESS_LABELS.get(default, default)}"
    return text + ("；必填" if field.required else "")


def reference(kind: Kind) -> list[dict[str, str]]:
    """One entry per column: Chinese and English header, how to write it, and its default access."""
    return [{"zh": f.zh, "en": f.name, "hint": hint(f), "access": ACCESS_LABELS[f.access]} for f in kind.fields]


def markdown_table(kind: Kind) -> str:
    """The README's table of a kind's columns."""
    lines = ["| 中文表头 | 英文表头 | 填写说明 | 默认访问 |", "|---|---|---|---|"]
    lines += [
        f"| {c['zh']} | `{c['en']}` | {c['hint'].replace('|', chr(92) + '|')} | {c['access']} |"
        for c in reference(kind)
    ]
    return "\n".join(lines)


def example_row(kind: Kind) -> dict[str, Any]:
    """One row of a template: a shipped census record (without its 编号), or for inheritors a row of formats."""
    if kind is INHERITOR:
        return dict(_INHERITOR_EXAMPLE)
    with RECORDS_FILE.open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    by_zh = {f.zh: f.name for f in kind.fields}
    return {by_zh[header]: value for header, value in first.items() if header in by_zh and header != "编号"}


def write_template(kind: Kind, fmt: str, out: BinaryIO) -> None:
    """A template sheet: the Chinese headers of every column and one example row."""
    example = example_row(kind)
    write_sheet(out, fmt, [f.zh for f in kind.fields], [[example.get(f.name, "") for f in kind.fields]])
