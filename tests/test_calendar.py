"""Festival dates computed for any year from the rule as written."""

import datetime as dt

from heritage.calendar import Occurrence, between, lunar_label, occurrences
from heritage.dates import parse_date_rule


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
