import pytest

from heritage.dates import DateRule, parse_date_rule


@pytest.mark.parametrize(
    "text, rule",
    [
        ("农历六月二十四", DateRule("lunar", 6, 24)),
        ("三月三", DateRule("lunar", 3, 3)),
        ("农历正月十五", DateRule("lunar", 1, 15)),
        ("腊月二十三", DateRule("lunar", 12, 23)),
        ("农历四月初八", DateRule("lunar", 4, 8)),
        ("农历六月二十四至二十六", DateRule("lunar", 6, 24, days=3)),
        ("除夕", DateRule("lunar", 12, 0)),
        ("清明", DateRule("solar_term", term="清明")),
        ("冬至节", DateRule("solar_term", term="冬至")),
        ("10月1日", DateRule("gregorian", 10, 1)),
        ("4月13日至15日", DateRule("gregorian", 4, 13, days=3)),
        ("农历十月第一个卯日", DateRule("lunar_sign", 10, nth=1, sign="卯")),
        ("十月首卯日", DateRule("lunar_sign", 10, nth=1, sign="卯")),
        ("农历正月第二个亥日", DateRule("lunar_sign", 1, nth=2, sign="亥")),
        ("腊月第一个甲子日", DateRule("lunar_sign", 12, nth=1, sign="甲子")),
        ("夏至后第三个庚日", DateRule("term_sign", term="夏至", nth=3, sign="庚")),
        ("立秋后第1个庚日", DateRule("term_sign", term="立秋", nth=1, sign="庚")),
        ("藏历正月初一（按藏历，不推算）", DateRule("as_written", term="藏历")),
        ("傣历六月（按傣历,不推算）", DateRule("as_written", term="傣历")),
    ],
)
def test_rules_as_written(text, rule):
    assert parse_date_rule(text) == rule


@pytest.mark.parametrize(
    "text",
    [
        "农历十三月五",
        "2月30日",
        "农历初八",
        "明天",
        "2024-05-01",
        "农历六月二十四至二十",
        "农历十月第一个子丑日",
        "农历十月第一个兔日",
        "夏至后第零个庚日",
        "农历十月第一个卯",
    ],
)
def test_wrong_rules_are_refused_in_chinese(text):
    with pytest.raises(ValueError, match="日期"):
        parse_date_rule(text)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("农历十月第四个卯日", "一个农历月里卯日至多 3 个"),
        ("农历十月第二个甲子日", "一个农历月里甲子日至多 1 个"),
        ("农历十三月第一个卯日", "月份应在 1–12"),
        ("夏至后第十三个庚日", "节气后的第几个应在 1–12"),
        ("藏历正月初一", "藏历日期请写作 藏历正月初一（按藏历，不推算）"),
        ("火历一月（按火历，不推算）", "不推算的历法应为 藏历、傣历"),
    ],
)
def test_wrong_sign_and_other_calendar_rules_say_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date_rule(text)
