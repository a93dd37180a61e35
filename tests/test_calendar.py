"""Festival dates computed for any year from the rule as written."""

import datetime as dt

import pytest

from heritage.calendar import Occurrence, between, lunar_label, occurrences, uncomputed
from heritage.dates import BRANCHES, STEMS, parse_date_rule


def dates(text, year):
    return [o.date for o in occurrences(parse_date_rule(text), year)]


def test_lunar_dates():
    assert dates("农历正月初一", 2026) == [dt.date(2026, 2, 17)]  # 春节 2026
    assert dates("农历正月初一", 2025) == [dt.date(2025, 1, 29)]
    assert dates("农历六月二十四", 2026) == [dt.date(2026, 8, 6)]
    assert dates("农历五月初五", 2026) == [dt.date(2026, 6, 19)]  # 端午 2026
    assert dates("除夕", 2026) == [dt.date(2026, 2, 16)]


def test_solar_terms_and_gregorian_dates():
    assert dates("清明", 2026) == [dt.date(2026, 4, 5)]
    assert dates("冬至", 2026) == [dt.date(2026, 12, 22)]
    assert dates("10月1日", 2026) == [dt.date(2026, 10, 1)]
    assert dates("2月29日", 2026) == [] and dates("2月29日", 2028) == [dt.date(2028, 2, 29)]


def test_lasting_occasions_and_ranges():
    rule = parse_date_rule("4月13日至15日")
    assert occurrences(rule, 2026) == [Occurrence(dt.date(2026, 4, 13), 3)]
    found = between(["农历六月二十四", "清明"], dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    assert [o.date for o in found] == [
        dt.date(2026, 4, 5),
        dt.date(2026, 8, 6),
        dt.date(2027, 4, 5),
        dt.date(2027, 7, 27),
    ]


def test_lunar_label_names_the_month_on_its_first_day_else_the_day():
    assert lunar_label(dt.date(2026, 2, 17)) == "正月"  # 春节
    assert lunar_label(dt.date(2025, 7, 25)) == "闰六月"
    assert lunar_label(dt.date(2026, 9, 25)) == "十五"  # 中秋
    assert lunar_label(dt.date(2027, 7, 27)) == "廿四"  # 火把节，农历六月二十四


# Published dates of 三伏, the best-known "Nth 庚日 after a solar term" rules (初伏 夏至后第三个庚日,
# 中伏 第四个庚日, 末伏 立秋后第一个庚日).  2022: 初伏 7月16日, 中伏 7月26日, 末伏 8月15日, as
# https://www.luyouqiwang.cn/csiwd/202506/832026.html tabulates them; 入伏 2021年7月11日, 2023年7月11日 and
# 2024年7月15日 as almanacs and the press announced.  2023 (like 2021) is the year whose 夏至 (6月21日) is
# itself a 庚日 and counts as the first: counting from the day after would put 入伏 on 7月21日.
@pytest.mark.parametrize(
    "rule, year, published",
    [
        ("夏至后第三个庚日", 2022, dt.date(2022, 7, 16)),
        ("夏至后第四个庚日", 2022, dt.date(2022, 7, 26)),
        ("立秋后第一个庚日", 2022, dt.date(2022, 8, 15)),
        ("夏至后第三个庚日", 2021, dt.date(2021, 7, 11)),
        ("夏至后第三个庚日", 2023, dt.date(2023, 7, 11)),
        ("夏至后第三个庚日", 2024, dt.date(2024, 7, 15)),
    ],
)
def test_a_sign_day_after_a_solar_term_falls_on_the_published_date(rule, year, published):
    assert dates(rule, year) == [published]


def sign_of(day: dt.date) -> str:
    """A day's 干支 counted from 1949年10月1日, a 甲子日 as every almanac gives it (not from the library)."""
    n = (day - dt.date(1949, 10, 1)).days
    return STEMS[n % 10] + BRANCHES[n % 12]


# No shipped festival's source gives one fixed "第N个卯日" (卯节, 端节 and 苗年 are chosen village by village),
# so a lunar month's sign days are checked against published facts: 农历十月初一 (寒衣节) fell on
# 2023年11月13日 and 2024年11月1日, and the day count from the 甲子日 above names each day.
@pytest.mark.parametrize("first_day", [dt.date(2023, 11, 13), dt.date(2024, 11, 1)])
def test_the_nth_sign_day_of_a_lunar_month(first_day):
    month = [first_day + dt.timedelta(days=n) for n in range(29)]
    rabbits = [day for day in month if sign_of(day).endswith("卯")]
    boars = [day for day in month if sign_of(day).endswith("亥")]
    assert dates("农历十月第一个卯日", first_day.year) == rabbits[:1]
    assert dates("十月第二个卯日", first_day.year) == rabbits[1:2]
    assert dates("农历十月第一个亥日", first_day.year) == boars[:1]
    assert dates("农历十月第一个亥日", 2023) == [dt.date(2023, 11, 13)]  # 2023's 十月 opens on a 亥日


def test_a_third_sign_day_is_held_only_in_years_whose_month_has_one():
    assert dates("农历十月第三个卯日", 2023) == [dt.date(2023, 12, 11)]  # 初五、十七、廿九
    assert dates("农历十月第三个卯日", 2024) == []  # the first 卯日 is 十一, a third would be 卅五


def test_other_calendars_are_kept_as_written_and_never_computed():
    rules = ["藏历正月初一（按藏历，不推算）", "农历六月二十四"]
    assert occurrences(parse_date_rule(rules[0]), 2026) == []
    assert [o.date for o in between(rules, dt.date(2026, 1, 1), dt.date(2026, 12, 31))] == [dt.date(2026, 8, 6)]
    assert uncomputed(rules) == ["日期按藏历所记，未推算为公历"]
    assert uncomputed(["农历十月第一个卯日"]) == []
