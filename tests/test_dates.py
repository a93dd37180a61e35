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
    ],
)
def test_rules_as_written(text, rule):
    assert parse_date_rule(text) == rule


@pytest.mark.parametrize("text", ["农历十三月五", "2月30日", "农历初八", "明天", "2024-05-01", "农历六月二十四至二十"])
def test_wrong_rules_are_refused_in_chinese(text):
    with pytest.raises(ValueError, match="日期"):
        parse_date_rule(text)
