"""Chinese numerals as census texts write them (第三批, 六月二十四), defined once."""

from __future__ import annotations

DIGITS = "一二三四五六七八九十"  # one to ten
VALUES = {numeral: number for number, numeral in enumerate(DIGITS, start=1)}


def spoken(number: int) -> str:
    """A number below 1,000 as months, days and ordinals are written: 1 -> 一, 10 -> 十, 24 -> 二十四, 105 -> 一百零五."""
    figures = "零" + DIGITS[:9]
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    text = figures[hundreds] + "百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else figures[tens]) + "十"
    elif hundreds and units:
        text += "零"
    return text + (figures[units] if units or not number else "")
