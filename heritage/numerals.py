"""Chinese numerals as census texts write them (第三批, 六月二十四), defined once."""
from __future__ import annotations

DIGITS = "一二三四五六七八九十"  # one to ten
VALUES = {numeral: number for number, numeral in enumerate(DIGITS, start=1)}
