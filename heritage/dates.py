"""Festival date rules (时间) as written in census records: 农历六月二十四, 清明, 10月1日,
农历十月第一个卯日 (a 干支 day of a lunar month), 夏至后第三个庚日 (a 干支 day after a solar term),
and 藏历正月初一（按藏历，不推算） (a date on another calendar, kept as written).

A rule is parsed here and kept as the text the curator wrote; computing its Gregorian
dates for a year is the calendar's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from heritage.numerals import DIGITS, VALUES

SOLAR_TERMS = (
    "立春",
    "雨水",
    "惊蛰",
    "春分",
    "清明",
    "谷雨",
    "立夏",
    "小满",
    "芒种",
    "夏至",
    "小暑",
    "大暑",
    "立秋",
    "处暑",
    "白露",
    "秋分",
    "寒露",
    "霜降",
    "立冬",
    "小雪",
    "大雪",
    "冬至",
    "小寒",
    "大寒",
)
_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12}
STEMS = "甲乙丙丁戊己庚辛壬癸"
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
# Calendars whose dates are kept as written, not computed (no maintained library converts them).
OTHER_CALENDARS = ("藏历", "傣历", "彝历", "水历", "苗历", "侗历")


@dataclass(frozen=True)
class DateRule:
    """A recurring date: a lunar month/day, a solar term, a Gregorian month/day, the ``nth`` day
    named ``sign`` (卯, 庚, 甲子) in a lunar month or after a solar term, or a date on another
    calendar kept as written (``term`` then names that calendar).

    ``days`` is how many days the occasion lasts (农历六月二十四至二十六 -> 3);
    ``day == 0`` in a lunar rule means the last day of the month (除夕)."""

    calendar: str  # "lunar" | "solar_term" | "gregorian" | "lunar_sign" | "term_sign" | "as_written"
    month: int = 0
    day: int = 0
    term: str = ""
    days: int = 1
    nth: int = 0
    sign: str = ""


def _number(text: str) -> int:
    """A Chinese or Arabic number from 1 to 39: 三, 十五, 二十四, 廿三, 初八, 12."""
    text = text.removeprefix("初")
    if text.isdigit():
        return int(text)
    text = text.replace("廿", "二十").replace("卅", "三十")
    if not text or any(ch not in VALUES for ch in text):
        raise ValueError(text)
    if "十" not in text:
        if len(text) != 1:
            raise ValueError(text)
        return VALUES[text]
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1:
        raise ValueError(text)
    return (VALUES[tens] if tens else 1) * 10 + (VALUES[units] if units else 0)


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_NUM = rf"[0-9]{{1,2}}|初?[{DIGITS}廿卅]{{1,3}}"
_LUNAR = re.compile(rf"^(?:农历|夏历|阴历)?(?P<m>{_NUM}|[正冬腊])月(?P<d>{_NUM})[日号]?(?:至(?P<e>{_NUM})[日号]?)?$")
_GREGORIAN = re.compile(
    r"^(?:公历|阳历|每年)?(?P<m>[0-9]{1,2})(?:月|-|/)(?P<d>[0-9]{1,2})[日号]?(?:至(?P<e>[0-9]{1,2})[日号]?)?$"
)


_SIGN = rf"[{STEMS}][{BRANCHES}]|[{STEMS}{BRANCHES}]"
_ORDINAL = rf"(?:第(?P<n>[0-9]{{1,2}}|[{DIGITS}]{{1,3}})|(?P<first>首))个?"
_LUNAR_SIGN = re.compile(rf"^(?:农历|夏历|阴历)?(?P<m>{_NUM}|[正冬腊])月{_ORDINAL}(?P<s>{_SIGN})日$")
_TERM_SIGN = re.compile(rf"^(?P<t>{'|'.join(SOLAR_TERMS)})后{_ORDINAL}(?P<s>{_SIGN})日$")
_AS_WRITTEN = re.compile(r"^(?P<date>.+)[（(]按(?P<cal>[^，,）)]+)[，,]不推算[）)]$")


def _sign_rule(text: str, compact: str) -> DateRule | None:
    """农历十月第一个卯日 or 夏至后第三个庚日; None when the text is neither."""
    match = _LUNAR_SIGN.match(compact) or _TERM_SIGN.match(compact)
    if not match:
        return None
    try:
        nth = 1 if match["first"] else _number(match["n"])
        month = 0 if "t" in match.groupdict() else _LUNAR_MONTHS.get(match["m"]) or _number(match["m"])
    except ValueError:
        raise ValueError(f"无法识别的日期“{text}”：月份或第几个写法有误") from None
    sign = match["s"]
    if month:
        most = 1 if len(sign) == 2 else 3  # a lunar month has 29 or 30 days
        if not (1 <= month <= 12 and 1 <= nth <= most):
            raise ValueError(f"日期“{text}”超出范围：月份应在 1–12，一个农历月里{sign}日至多 {most} 个")
        return DateRule("lunar_sign", month, nth=nth, sign=sign)
    if not 1 <= nth <= 12:
        raise ValueError(f"日期“{text}”超出范围：节气后的第几个应在 1–12")
    return DateRule("term_sign", term=match["t"], nth=nth, sign=sign)


def _as_written(text: str, compact: str) -> DateRule | None:
    """藏历正月初一（按藏历，不推算）: a date on another calendar, shown as written."""
    match = _AS_WRITTEN.match(compact)
    if not match:
        if compact.startswith(OTHER_CALENDARS):
            raise ValueError(f"无法推算的日期“{text}”：{compact[:2]}日期请写作 {compact}（按{compact[:2]}，不推算）")
        return None
    if match["cal"] not in OTHER_CALENDARS:
        raise ValueError(f"日期“{text}”：不推算的历法应为 {'、'.join(OTHER_CALENDARS)} 之一")
    return DateRule("as_written", term=match["cal"])


def parse_date_rule(text: str) -> DateRule:
    """Parse one date rule; raises ValueError with a Chinese message when it is not one."""
    compact = re.sub(r"\s+", "", text or "")
    special = _as_written(text, compact) or _sign_rule(text, compact)
    if special:
        return special
    if compact in ("除夕", "农历除夕"):
        return DateRule("lunar", 12, 0)
    term = compact.removesuffix("节") if compact.removesuffix("节") in SOLAR_TERMS else compact
    if term in SOLAR_TERMS:
        return DateRule("solar_term", term=term)
    gregorian = _GREGORIAN.match(compact)
    is_lunar = compact.startswith(("农历", "夏历", "阴历")) or not gregorian
    match = _LUNAR.match(compact) if is_lunar else gregorian
    if not match:
        raise ValueError(
            f"无法识别的日期“{text}”：应写作 农历六月二十四、清明、10月1日、农历十月第一个卯日、夏至后第三个庚日"
            "，或 藏历正月初一（按藏历，不推算）"
        )
    try:
        month_text = match["m"]
        month = _LUNAR_MONTHS.get(month_text) or _number(month_text)
        day = _number(match["d"])
        end = _number(match["e"]) if match["e"] else day
    except ValueError:
        raise ValueError(f"无法识别的日期“{text}”：月份或日子写法有误") from None
    limit = 30 if is_lunar else _MONTH_DAYS[month - 1] if 1 <= month <= 12 else 31
    if not (1 <= month <= 12 and 1 <= day <= limit and day <= end <= limit):
        raise ValueError(f"日期“{text}”超出范围：月份应在 1–12，日子应在 1–{limit}")
    return DateRule("lunar" if is_lunar else "gregorian", month, day, days=end - day + 1)
