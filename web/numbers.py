"""The one reading of a whole number from a request (query, form or path): ASCII digits within
bounds, else a 4xx whose Chinese message names the parameter and the numbers it accepts."""

from __future__ import annotations

import re

from flask import abort, request
from werkzeug.routing import BaseConverter, ValidationError

SQLITE_MAX = 2**63 - 1  # the largest integer SQLite stores
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: str.isdigit() and int() also take ², ① and ٣


def whole(text: str, low: int = 0, high: int = SQLITE_MAX) -> int | None:
    """The number ``text`` spells in at most 19 ASCII digits when it lies in [low, high], else None."""
    if not _DIGITS.fullmatch(text or ""):
        return None
    value = int(text)
    return value if low <= value <= high else None


def bad_number(name: str, low: int, high: int):
    """Refuse a request whose number is out of bounds or not a number: 400, naming it and its range."""
    abort(400, description=f"参数 {name} 应为 {low}–{high} 之间的整数")


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter within bounds (absent: the default); anything else is a 400."""
    text = request.args.get(name, "")
    if not text:
        return default
    value = whole(text, low, high)
    return bad_number(name, low, high) if value is None else value


def int_form(name: str, low: int = 1, high: int = SQLITE_MAX) -> int | None:
    """A whole-number form field within bounds, None when absent; anything else is a 400."""
    text = request.form.get(name, "")
    if not text:
        return None
    value = whole(text, low, high)
    return bad_number(name, low, high) if value is None else value


class WholeConverter(BaseConverter):
    """``<int:…>`` in routes: ASCII digits that fit SQLite, else the route does not match (404)."""

    regex = r"[0-9]+"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = whole(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))
