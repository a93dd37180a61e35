"""The festival calendar: the Gregorian dates on which a date rule falls, computed for any year.

Lunar dates and solar terms come from the ``lunar-python`` calendar library.  A lunar date
means the regular month (not a leap month); day 30 of a 29-day month, and 除夕, fall on the
month's last day.  A 干支 day (农历十月第一个卯日, 夏至后第三个庚日) is found by the day's
干支 as the library gives it; the term's own day is the first counted (as for 三伏).  A date kept as
written on another calendar (藏历, 傣历) has no computed occurrences.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from lunar_python import Lunar, LunarYear, Solar

from heritage.dates import DateRule, parse_date_rule


@dataclass(frozen=True)
class Occurrence:
    """One day a festival begins, and how many days it lasts."""

    date: dt.date
    days: int = 1


@lru_cache(maxsize=256)
def _lunar_year(year: int) -> LunarYear:
    """A lunar year's months (building one takes the library tens of milliseconds, and it keeps only
    the last one, while a Gregorian year needs two lunar years)."""
    return LunarYear(year)


def _lunar(year: int, month: int, day: int) -> dt.date:
    lunar_month = _lunar_year(year).getMonth(month)
    last = lunar_month.getDayCount()
    solar = Solar.fromJulianDay(lunar_month.getFirstJulianDay() + (min(day, last) if day else last) - 1)
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _signed(first_julian_day: float, count: int, sign: str, nth: int) -> dt.date | None:
    """The ``nth`` day whose 干支 contains ``sign`` (卯, 庚 or 甲子; stems and branches share no
    character) among ``count`` days from a Julian day, or None when there are fewer."""
    found = [
        solar
        for solar in (Solar.fromJulianDay(first_julian_day + offset) for offset in range(count))
        if sign in solar.getLunar().getDayInGanZhi()
    ]
    if len(found) < nth:
        return None
    solar = found[nth - 1]
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _lunar_sign(year: int, month: int, sign: str, nth: int) -> dt.date | None:
    lunar_month = _lunar_year(year).getMonth(month)
    return _signed(lunar_month.getFirstJulianDay(), lunar_month.getDayCount(), sign, nth)


def _term_sign(year: int, term: str, sign: str, nth: int) -> dt.date | None:
    start = _solar_term(year, term)
    if start is None:
        return None
    first = Solar.fromYmd(start.year, start.month, start.day).getJulianDay()
    return _signed(first, nth * (60 if len(sign) == 2 else 12), sign, nth)


@lru_cache(maxsize=4096)
def _solar_term(year: int, term: str) -> dt.date | None:
    for lunar_year in (year, year + 1):
        found = Lunar.fromYmd(lunar_year, 1, 1).getJieQiTable().get(term)
        if found is not None and found.getYear() == year:
            return dt.date(found.getYear(), found.getMonth(), found.getDay())
    return None


def occurrences(rule: DateRule, year: int) -> list[Occurrence]:
    """The days in a Gregorian year on which a rule's occasion begins (a lunar date may fall twice
    or not at all in one Gregorian year; 2月29日 only in leap years)."""
    if rule.calendar == "gregorian":
        try:
            return [Occurrence(dt.date(year, rule.month, rule.day), rule.days)]
        except ValueError:
            return []
    if rule.calendar == "solar_term":
        found = _solar_term(year, rule.term)
        return [Occurrence(found, rule.days)] if found else []
    if rule.calendar == "as_written":
        return []
    if rule.calendar == "term_sign":
        found = _term_sign(year, rule.term, rule.sign, rule.nth)
        return [Occurrence(found, rule.days)] if found else []
    if rule.calendar == "lunar_sign":
        signed = (_lunar_sign(lunar_year, rule.month, rule.sign, rule.nth) for lunar_year in (year - 1, year))
        return [Occurrence(date, rule.days) for date in signed if date and date.year == year]
    dates = (_lunar(lunar_year, rule.month, rule.day) for lunar_year in (year - 1, year))
    return [Occurrence(date, rule.days) for date in dates if date.year == year]


def lunar_label(day: dt.date) -> str:
    """How a calendar cell names a day in the lunar calendar: the month on its first day
    (正月, 闰六月, 冬月, 腊月), else the day (初二, 十五, 廿三)."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    return lunar.getMonthInChinese() + "月" if lunar.getDay() == 1 else lunar.getDayInChinese()


def between(rules: Iterable[str], start: dt.date, end: dt.date) -> list[Occurrence]:
    """Every occurrence of any of the written rules from start to end, both included, in date order."""
    found = []
    for text in rules:
        rule = parse_date_rule(text)
        for year in range(start.year, end.year + 1):
            found += [o for o in occurrences(rule, year) if start <= o.date <= end]
    return sorted(set(found), key=lambda o: o.date)


def upcoming(rules: Iterable[str], today: dt.date, count: int = 3) -> list[Occurrence]:
    """The next ``count`` days, within two years from today, on which any of the rules falls (the
    record page and a search's answer to 什么时候 show these)."""
    return between(rules, today, today + dt.timedelta(days=2 * 365))[:count]


def uncomputed(rules: Iterable[str]) -> list[str]:
    """For each written rule kept on another calendar, the note a page shows beside it
    (藏历正月初一（按藏历，不推算） -> 日期按藏历所记，未推算为公历)."""
    kept = (parse_date_rule(text) for text in rules)
    return [f"日期按{rule.term}所记，未推算为公历" for rule in kept if rule.calendar == "as_written"]
