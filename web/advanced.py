"""The advanced search form: what a researcher fills in, written as a research-mode query."""

from __future__ import annotations

import datetime as dt
import re

# (form field, label) in the order the form shows them
ADVANCED_FIELDS = (
    ("all", "包含全部词语"),
    ("phrase", "包含完整短语"),
    ("any", "包含任一词语"),
    ("none", "不包含词语"),
    ("title", "项目名称中有"),
    ("category", "类别"),
    ("ethnic", "民族"),
    ("region", "地区"),
    ("level", "级别"),
    ("year_from", "公布年份自"),
    ("year_to", "公布年份至"),
)
_FIELD_NAMES = {"title": "名称", "category": "类别", "ethnic": "民族", "region": "地区", "level": "级别"}
FIRST_YEAR = 1900
_QUOTES = re.compile(r"[\"“”]")


def _words(text: str) -> list[str]:
    """The words of a box, without characters that mean something in a query."""
    return [
        w
        for w in re.split(r"[\s()（）:：\"“”]+", text)
        if w and w.lower() not in ("and", "or", "not") and w not in ("与", "或", "非") and w.strip("-")
    ]


def _phrase(text: str) -> str:
    return '"' + _QUOTES.sub("", text).strip() + '"'


def build_query(form: dict[str, str]) -> str:
    """The research query for a filled-in form: 苗族 "芦笙舞" (刺绣 OR 蜡染) -汉族 类别:传统技艺 年份:2006-2011."""
    parts = [w.lstrip("-") for w in _words(form.get("all", ""))]
    if _QUOTES.sub("", form.get("phrase", "")).strip():
        parts.append(_phrase(form["phrase"]))
    alternatives = [w.lstrip("-") for w in _words(form.get("any", ""))]
    if alternatives:
        parts.append("(" + " OR ".join(alternatives) + ")" if len(alternatives) > 1 else alternatives[0])
    parts += ["-" + w.lstrip("-") for w in _words(form.get("none", ""))]
    for name, label in _FIELD_NAMES.items():
        value = _QUOTES.sub("", form.get(name, "")).strip()
        if value:
            parts.append(f"{label}:{_phrase(value)}" if re.search(r"\s", value) else f"{label}:{value}")
    first, last = form.get("year_from", "").strip(), form.get("year_to", "").strip()
    if first or last:
        parts.append(f"年份:{first or FIRST_YEAR}-{last or dt.date.today().year}")
    return " ".join(parts)
