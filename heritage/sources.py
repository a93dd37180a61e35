"""Records of the national list as published by 中国非物质文化遗产网, turned into census rows.

``ich-list`` reads the list of representative items, ``ich-inheritors`` the representative
inheritors; both are JSON Lines with the source's own field names.  Each source record
becomes a row keyed by our field names, which then goes through the same validation as any
sheet.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from heritage.fields import parse_partial_date
from heritage.numerals import DIGITS, VALUES
from heritage.regions import COUNTY, DEPTH, Region, divisions
from heritage.tabular import Problem, Sheet, file_problem, json_lines
from heritage.vocab import ethnic_groups_in

SOURCE_FORMATS = ("ich-list", "ich-inheritors")
# Codes of the source that are not divisions: central units sit in Beijing, the Corps in Xinjiang.
_SPECIAL_CODES = {"990121": "110000", "990122": "650000"}


def clean_html(text: str) -> str:
    """Plain text from the source's escaped HTML: tags removed, paragraphs kept, indents trimmed."""
    text = html.unescape(html.unescape(text or ""))
    text = re.sub(r"<\s*(br|/p|p)\b[^>]*>", "\n", text, flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    lines = (line.strip(" \t\u3000\xa0\r") for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _batch_and_year(text: str) -> tuple[int | None, int | None]:
    year = re.search(r"(19|20)\d\d", text or "")
    batch = re.search(rf"第([{DIGITS}])批", text or "")
    return (VALUES[batch[1]] if batch else None, int(year[0]) if year else None)


def _regions(source: dict[str, Any]) -> list[str]:
    """Division codes of a source record: its codes (old ones followed to their successor),
    made more specific by its place text where that names a county of the same province, or
    else by the counties of that region which its description names as where it lives."""
    tree = divisions()
    named = tree.resolve(str(source.get("province") or ""))
    coded: Region | None = None
    for key in ("area", "city", "address"):
        code = str(source.get(key) or "").strip()
        if code in _SPECIAL_CODES and named:
            break  # 新疆生产建设兵团农六师: the text says more than the unit code
        code = _SPECIAL_CODES.get(code, code)
        if re.fullmatch(r"\d{6}", code) and code != "000000":
            coded = tree.successor(code)
            if coded:
                break
    if coded is None:
        return [r.code for r in named]
    deeper = [r for r in named if r.code[:2] == coded.code[:2] and DEPTH[r.level] > DEPTH[coded.level]]
    for text in (source.get("protect_unit"), source.get("unit"), clean_html(str(source.get("content") or ""))):
        if deeper or coded.level == COUNTY:
            break
        deeper = tree.counties_within(str(text or ""), coded.code)
    return [r.code for r in deeper] or [coded.code]


def _content(text: str) -> str:
    return re.sub(r"^申报地区或单位：[^\n]*\n?", "", clean_html(text)).strip()


# What the list decides about an item it lists: the listing itself.  Every other field of a record
# the store already holds (its name, text, places, groups, units, status) stays the store's own.
LISTING_FACTS = ("ref", "level", "batch", "year", "listing_type", "item_number", "sub_item_code")


def onto_stored(stored: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """A stored record with a list row laid over it: the row's listing facts, its other values only
    where the record has none, and the list added to the record's references."""
    filled = {
        name: value for name, value in row.items() if name in LISTING_FACTS or stored.get(name) in (None, "", [], {})
    }
    sources = list(dict.fromkeys([*(stored.get("sources") or []), *row["sources"]]))
    return {**stored, **filled, "id": stored["id"], "sources": sources}


def item_row(source: dict[str, Any]) -> dict[str, Any]:
    """A census row from one record of the national list."""
    title = str(source.get("title") or "").strip()
    batch, year = _batch_and_year(str(source.get("rx_time") or ""))
    content, regions = _content(str(source.get("content") or "")), _regions(source)
    derived = derived_ethnic_groups(title, content, regions)
    return {
        "ref": f"ihchina:{source.get('id')}",
        "title": title,
        "category": source.get("type"),
        "level": "国家级",
        "batch": batch,
        "year": year,
        "listing_type": str(source.get("cate") or "").strip(),
        "item_number": str(source.get("num") or "").strip(),
        "sub_item_code": str(source.get("project_num") or "").strip(),
        "ethnic_groups": [*ethnic_groups_in(title), *derived],
        "derived_ethnic_groups": derived,
        "region_codes": regions,
        "region_text": str(source.get("province") or "").strip(),
        "nominating_unit": str(source.get("unit") or "").strip(),
        "protecting_unit": str(source.get("protect_unit") or "").strip(),
        "content": content,
        "sources": ["中国非物质文化遗产网·国家级非物质文化遗产代表性项目名录"],
        "status": "已发布",
        "access": "public",
    }


_MANY_GROUPS = re.compile("汉族|各族|各民族|多民族|少数民族")


def derived_ethnic_groups(title: str, content: str, region_codes: list[str]) -> list[str]:
    """The ethnic group of a list item whose title names none, where its text and place leave no doubt:
    the text names exactly one group and nothing that speaks of others (汉族, 各族, 多民族 …), and
    names it at least twice or the item lies in an area autonomous for that group (苗族 in
    黔东南苗族侗族自治州, 蒙古族 in 巴音郭楞蒙古自治州).  A place alone is not enough: many peoples
    live in an autonomous area, so an item there without a group in its text is left without one."""
    named = ethnic_groups_in(content)
    if ethnic_groups_in(title) or len(named) != 1 or _MANY_GROUPS.search(content):
        return []
    group = named[0]
    stem = group.removesuffix("族") + "自治"
    tree = divisions()
    autonomous = any(
        "自治" in r.name and (group in r.name or stem in r.name) for code in region_codes for r in tree.ancestors(code)
    )
    return [group] if content.count(group) >= 2 or autonomous else []


def inheritor_row(source: dict[str, Any]) -> dict[str, Any]:
    """An inheritor row from one record of the national inheritors list."""
    batch, year = _batch_and_year(str(source.get("rx_time") or ""))
    biography = clean_html(str(source.get("content") or ""))
    died = re.search(r"((?:19|20)\d\d)年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:去世|逝世|病逝|辞世)", biography)
    codes = re.sub(r"\s+", "", str(source.get("child_num") or source.get("project_num") or ""))
    return {
        "ref": f"ihchina-inheritor:{source.get('id')}",
        "name": str(source.get("title") or "").strip(),
        "sex": str(source.get("sex") or "").strip(),
        "ethnic_group": str(source.get("nation") or "").strip(),
        "birth_date": _birth_date(str(source.get("day") or "")),
        "death_year": died[1] if died else None,
        "items": [code for code in re.split(r"[,，;；]", codes) if code],
        "level": "国家级",
        "batch": batch,
        "year": year,
        "category": source.get("type"),
        "region_codes": _regions(source),
        "region_text": str(source.get("province") or "").strip(),
        "biography": biography,
        "sources": ["中国非物质文化遗产网·国家级非物质文化遗产代表性传承人名录"],
        "access": "public",
    }


def _birth_date(text: str) -> str:
    """The source's birth date, repaired where it can be (1925. 08, 1933、03), else its year alone."""
    text = re.sub(r"\s+", "", text).replace("、", ".").rstrip(".")
    try:
        return parse_partial_date(text) if text else ""
    except ValueError:
        return text[:4] if re.match(r"\d{4}", text) else ""


def read_source(path: Path, fmt: str) -> Sheet:
    """Read a source file into a Sheet whose headers are our field names; rows are converted as they are read."""
    convert = item_row if fmt == "ich-list" else inheritor_row
    problem = file_problem(path)
    if problem:
        return Sheet(problems=[Problem(None, None, problem)])
    sheet = Sheet(headers=list(convert({})), encoding="utf-8")
    sheet.rows = _source_rows(sheet, path, convert)
    return sheet


def _source_rows(
    sheet: Sheet, path: Path, convert: Callable[[dict[str, Any]], dict[str, Any]]
) -> Iterator[tuple[int, int, dict[str, Any] | None]]:
    empty = True
    for number, item in json_lines(path):
        empty = False
        if isinstance(item, Problem):
            sheet.problems.append(item)
            yield number, number, None
            continue
        try:
            yield number, number, convert(item)
        except (AttributeError, TypeError, ValueError) as error:
            sheet.problems.append(Problem(number, None, f"不是有效的源记录（{error}）"))
            yield number, number, None
    if empty:
        sheet.problems.append(Problem(None, None, "文件为空"))
