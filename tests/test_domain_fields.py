"""heritage.fields called directly: every kind of field reads back what it writes, and refuses bad cells in Chinese."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heritage import vocab
from heritage.fields import ACCESS_LABELS, INHERITOR_FIELDS, RECORD_FIELDS, TEXT_MAX, Field, format_value, parse_value
from heritage.regions import divisions

ALL_FIELDS = RECORD_FIELDS + INHERITOR_FIELDS
CJK = re.compile(r"[\u4e00-\u9fff]")
SETTABLE = [f.name for f in RECORD_FIELDS if f.name not in ("id", "access", "field_access")]
CURRENT_REGIONS = sorted(code for code in divisions().regions if divisions().successor(code).code == code)[::37]
DATE_RULES = ("农历六月二十四", "三月三", "清明", "10月1日", "除夕", "农历六月二十四至二十六", "正月十五")

# Text as stored: no control characters, no surrounding blanks (clean_text trims and refuses them).
_plain = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
_text = st.text(st.one_of(_plain, st.just("\n")), min_size=1, max_size=40).map(str.strip).filter(bool)
# A list item may not contain the separators its kind splits on, nor a native name's |.
_item = (
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="；;、，,|"),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)


def _distinct(items):
    return st.lists(items, min_size=1, max_size=5, unique=True)


def _partial_date(date):
    return st.sampled_from([f"{date.year:04d}", f"{date.year:04d}-{date.month:02d}", date.isoformat()])


_native = st.fixed_dictionaries(
    {"name": _item, "script": st.one_of(st.just(""), _item), "transliteration": st.one_of(st.just(""), _item)}
)
_dates = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2100, 12, 31))

# A stored value of every kind of field (choice kinds take the field's own choices).
STORED = {
    "id": lambda f: st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", fullmatch=True),
    "text": lambda f: _text.filter(lambda t: len(t) <= TEXT_MAX),
    "long": lambda f: _text,
    "year": lambda f: st.integers(1000, 2100),
    "batch": lambda f: st.integers(1, 99),
    "date": lambda f: _dates.map(lambda d: d.isoformat()),
    "partial_date": lambda f: _dates.flatmap(_partial_date),
    "bool": lambda f: st.booleans(),
    "access": lambda f: st.sampled_from(sorted(ACCESS_LABELS)),
    "category": lambda f: st.sampled_from([c.name for c in vocab.CATEGORIES]),
    "ethnic_one": lambda f: st.sampled_from([g.name for g in vocab.ETHNIC_GROUPS]),
    "choice": lambda f: st.sampled_from(f.choices),
    "list": lambda f: _distinct(_item),
    "names": lambda f: _distinct(_item),
    "native": lambda f: st.lists(_native, min_size=1, max_size=4),
    "ethnic": lambda f: _distinct(st.sampled_from([g.name for g in vocab.ETHNIC_GROUPS])),
    "regions": lambda f: _distinct(st.sampled_from(CURRENT_REGIONS)),
    "dates": lambda f: _distinct(st.sampled_from(DATE_RULES)),
    "choices": lambda f: _distinct(st.sampled_from(f.choices)),
    "field_access": lambda f: st.dictionaries(
        st.sampled_from(SETTABLE), st.sampled_from(sorted(ACCESS_LABELS)), min_size=1
    ).map(lambda d: dict(sorted(d.items()))),
}
# One field of each kind, and every field with its own choices.
SAMPLES = list({(f.type, f.choices): f for f in ALL_FIELDS}.values())


def test_every_kind_of_field_has_a_stored_value_strategy():
    assert {f.type for f in ALL_FIELDS} == set(STORED)


@pytest.mark.parametrize("field", SAMPLES, ids=lambda f: f"{f.type}-{f.name}")
@pytest.mark.parametrize("english", [False, True], ids=["zh", "en"])
@given(data=st.data())
def test_format_then_parse_gives_the_stored_value_back(field: Field, english: bool, data):
    value = data.draw(STORED[field.type](field))
    cell = format_value(field, value, english=english)
    assert parse_value(field, cell) == value, cell


@pytest.mark.parametrize("field", SAMPLES, ids=lambda f: f"{f.type}-{f.name}")
@pytest.mark.parametrize("blank", [None, "", "  \n", []])
def test_a_blank_cell_is_empty(field: Field, blank):
    empty = parse_value(field, blank)
    assert empty in (None, [], {}) and format_value(field, empty) == ""


@pytest.mark.parametrize(
    "name, cell, stored",
    [
        ("batch", "第三批", 3),
        ("batch", "十", 10),
        ("batch", "12", 12),
        ("informant_consent", "同意", True),
        ("informant_consent", "无", False),
        ("access", "研究", "researcher"),
        ("access", "内部", "internal"),
        ("access", "PUBLIC", "public"),
        ("survey_date", "2024年5月1日", "2024-05-01"),
        ("survey_date", "2024/5/1", "2024-05-01"),
        ("category", "Ⅷ", "传统技艺"),
        ("aliases", "甲、乙，甲", ["甲", "乙"]),  # names split loosely and drop repeats
        ("artifacts", "甲、乙；丙", ["甲、乙", "丙"]),  # a plain list splits only on ；
        ("native_names", "ཞྭ་ལྷ་ཁ|藏文", [{"name": "ཞྭ་ལྷ་ཁ", "script": "藏文", "transliteration": ""}]),
        ("field_access", "讲述人=公开；content=internal", {"content": "internal", "informant": "public"}),
        ("content", "第一行\r\n第二行", "第一行\n第二行"),
    ],
)
def test_cells_as_people_write_them(name: str, cell, stored):
    field = next(f for f in RECORD_FIELDS if f.name == name)
    assert parse_value(field, cell) == stored


def test_an_inheritor_birth_date_may_lack_month_and_day():
    birth = next(f for f in INHERITOR_FIELDS if f.name == "birth_date")
    assert [parse_value(birth, c, INHERITOR_FIELDS) for c in ("1935", "1935.11", "1958年1月2日")] == [
        "1935",
        "1935-11",
        "1958-01-02",
    ]


@pytest.mark.parametrize(
    "name, cell, message",
    [
        ("id", "a b", "编号“a b”只能由字母、数字和 _ . - 组成"),
        ("title", "标题\x07", "控制字符（U+0007）"),
        ("title", "长" * (TEXT_MAX + 1), f"内容过长：{TEXT_MAX + 1} 字，上限 {TEXT_MAX} 字"),
        ("year", "二〇〇六", "应为四位数字"),
        ("year", "0999", "应为四位数字"),
        ("batch", "第十一批", "批次“第十一批”应为数字"),
        ("survey_date", "2024-02-30", "应写作 2024-05-01"),
        ("informant_consent", "也许", "应为“是”或“否”"),
        ("access", "秘密", "访问级别“秘密”应为 公开、研究人员 或 内部"),
        ("category", "魔法", "未知的类别“魔法”"),
        ("level", "乡级", "“乡级”不是可选值"),
        ("value_tags", "历史、美食", "“美食”不是可选值"),
        ("ethnic_groups", "苗族、火星族", "未知的民族“火星族”"),
        ("region_codes", "999999", "未知的行政区划代码“999999”"),
        ("native_names", "|藏文", "应写作 名称|文字|转写"),
        ("native_names", "甲|乙|丙|丁", "应写作 名称|文字|转写"),
        ("dates", "农历十三月一日", "超出范围"),
        ("field_access", "不存在=公开", "“不存在”不是可设置的字段"),
        ("field_access", "access=公开", "“access”不是可设置的字段"),
        ("field_access", "讲述人=秘密", "访问级别“秘密”"),
    ],
)
def test_a_bad_cell_is_refused_in_chinese(name: str, cell: str, message: str):
    field = next(f for f in RECORD_FIELDS if f.name == name)
    with pytest.raises(ValueError) as refused:
        parse_value(field, cell)
    assert message in str(refused.value) and CJK.search(str(refused.value))


def test_a_partial_date_that_does_not_exist_is_refused():
    birth = next(f for f in INHERITOR_FIELDS if f.name == "birth_date")
    with pytest.raises(ValueError, match="日期“1935-02-30”不存在"):
        parse_value(birth, "1935-02-30", INHERITOR_FIELDS)


@pytest.mark.parametrize(
    "name, stored, zh, en",
    [
        (
            "native_names",
            [
                {"name": "甲", "script": "", "transliteration": ""},
                {"name": "乙", "script": "藏文", "transliteration": ""},
            ],
            "甲；乙|藏文",
            "甲；乙|藏文",
        ),
        ("informant_consent", False, "否", "否"),
        ("access", "researcher", "研究人员", "researcher"),
        ("field_access", {"informant": "public"}, "讲述人=公开", "informant=public"),
        ("artifacts", ["芦笙", "铜鼓"], "芦笙；铜鼓", "芦笙；铜鼓"),
        ("year", 2006, "2006", "2006"),
    ],
)
def test_an_export_writes_cells_as_people_write_them(name: str, stored, zh: str, en: str):
    field = next(f for f in RECORD_FIELDS if f.name == name)
    assert (format_value(field, stored), format_value(field, stored, english=True)) == (zh, en)
