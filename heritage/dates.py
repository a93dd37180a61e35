"""Festival date rules (时间) as written in census records: 农历六月二十四, 清明, 10月1日.

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


@dataclass(frozen=True)
class DateRule:
    """A recurring date: a lunar month/day, a solar term, or a Gregorian month/day.

    ``days`` is how many days the occasion lasts (农历六月二十四至二十六 -> 3);
    ``day == 0`` in a lunar rule means the last day of the month (除夕)."""

    calendar: str  # "lunar" | "solar_term" | "gregorian"
    month: int = 0
    day: int = 0
    term: str = ""
    days: int = 1


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


def parse_date_rule(text: str) -> DateRule:
    """Parse one date rule; raises ValueError with a Chinese message when it is not one."""
    compact = re.sub(r"\s+", "", text or "")
    if compact in ("除夕", "农历除夕"):
        return DateRule("lunar", 12, 0)
    term = compact.removesuffix("节") if compact.removesuffix("节") in SOLAR_TERMS else compact
    if term in SOLAR_TERMS:
        return DateRule("solar_term", term=term)
    gregorian = _GREGORIAN.match(compact)
    is_lunar = compact.startswith(("农历", "夏历", "阴历")) or not gregorian
    match = _LUNAR.match(compact) if is_lunar else gregorian
    if not match:
        raise ValueError(f"无法识别的日期“{text}”：应写作 农历六月二十四、清明 或 10月1日")
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
