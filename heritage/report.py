"""The census figures as tables: the dashboard shows them, ``heritage report`` writes them to XLSX.

A number in a table is a :class:`Count`, which names the figure and key it counts, so that a page
can link it to the records behind it and the report holds exactly the numbers the page shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font

from heritage import vocab
from heritage.census import AGED, BANDS, NO_BIRTH_YEAR, NOT_GIVEN, SEXES, Census
from heritage.regions import LEVEL_NAMES


@dataclass(frozen=True)
class Count:
    """A number in a table: how many ``figure`` counts under ``key``."""

    value: int
    figure: str
    key: str = ""


Cell = str | Count
Rows = tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Table:
    """A titled table; ``chart`` is how the page draws it: bars of its last column in the table's order
    (bars) or the largest first (ranked), a pyramid, or none."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: Rows
    chart: str = ""


def _count(found: Census, figure: str, key: str = "") -> Count:
    return Count(found.count(figure, key), figure, key)


def _simple(found: Census, name: str, title: str, header: str, figure: str, chart: str = "bars") -> Table:
    rows = tuple((key, _count(found, figure, key)) for key in found.keys(figure))
    return Table(name, title, (header, "记录数"), rows, chart)


def coverage(found: Census) -> Table:
    """Records per unit of the area (provinces of the country, or counties), and those not placed at that level."""
    rows: list[tuple[Cell, ...]] = [(u.name, u.code, _count(found, "place", u.code)) for u in found.units]
    level = LEVEL_NAMES[found.units[0].level] if found.units else ""
    rows.append((f"未写到{level}地区", "", _count(found, "unplaced")))
    return Table("coverage", "覆盖：各地的记录数", ("地区", "代码", "记录数"), tuple(rows), "ranked")


def gaps(found: Census) -> Table:
    """The units without any record."""
    return Table("gaps", "调查空白：没有记录的地方", ("地区", "代码"), tuple((u.name, u.code) for u in found.gaps()))


def category_by_place(found: Census) -> Table:
    """A category × unit table, units with records only."""
    rows: Rows = tuple(
        (u.name, *(_count(found, "category_place", f"{c.name}|{u.code}") for c in vocab.CATEGORIES))
        for u in found.units
        if found.count("place", u.code)
    )
    return Table("category_place", "类别 × 地区", ("地区", *(c.name for c in vocab.CATEGORIES)), rows)


def curators(found: Census) -> Table:
    """Records by the account that entered them, in each workflow state."""
    names = sorted({key.split("|")[0] for key in found.keys("curator")})
    rows: Rows = tuple(
        (name, *(_count(found, "curator", f"{name}|{status}") for status in vocab.STATUSES)) for name in names
    )
    return Table("curators", "录入人 × 流程状态", ("录入人", *vocab.STATUSES), rows)


def months(found: Census) -> Table:
    """Records created, and records saved, per month."""
    keys = sorted(set(found.keys("created")) | set(found.keys("saved")))
    rows = tuple((month, _count(found, "created", month), _count(found, "saved", month)) for month in keys)
    return Table("months", "按月：新建与有保存的记录", ("月份", "新建", "有保存"), rows)


def risk(found: Census) -> Table:
    """The items at risk for want of inheritors."""
    rows = (
        ("无在世传承人（未登记传承人，或传承人均已去世）", _count(found, "no_living")),
        (f"在世传承人均已 {AGED} 岁以上", _count(found, "aged")),
    )
    return Table("risk", "传承风险", ("项目", "记录数"), rows, "bars")


def pyramid(found: Census) -> Table:
    """Living inheritors by age band and sex."""
    rows: Rows = tuple(
        (band, *(_count(found, "age", f"{sex}|{band}") for sex in SEXES)) for band in (*BANDS, NO_BIRTH_YEAR)
    )
    return Table("age", "在世传承人的年龄与性别", ("年龄", *SEXES), rows, "pyramid")


def tables(found: Census) -> list[Table]:
    """Every table of the dashboard, in the order it shows them; public readers get the public ones."""
    public = [
        coverage(found),
        gaps(found),
        _simple(found, "category", "按类别", "类别", "category", "ranked"),
        _simple(found, "vitality", "存续状况", "状况", "vitality"),
    ]
    if found.reader is not None:
        return public
    return [
        *public[:2],
        category_by_place(found),
        *public[2:],
        _simple(found, "status", "流程状态", "状态", "status"),
        curators(found),
        months(found),
        _simple(found, "completeness", "完整度分布（%）", "完整度", "completeness"),
        risk(found),
        pyramid(found),
        Table(
            "batch",
            "传承人按认定批次",
            ("批次", "人数"),
            tuple((key, _count(found, "batch", key)) for key in found.keys("batch")),
            "bars",
        ),
    ]


def write_xlsx(found: Census, target: Path | BinaryIO) -> None:
    """The report: a first sheet saying what it covers, then one sheet per table."""
    book = Workbook()
    about = book.active
    about.title = "说明"
    about.append(["智慧民族之家普查报告"])
    about["A1"].font = Font(bold=True, size=14)
    about.append(["范围", found.scope.label])
    about.append(["生成时间", dt.datetime.now().isoformat(timespec="seconds")])
    about.append(["记录数", found.count("total")])
    about.append(
        ["说明", f"日期按记录的入库日期；传承人年龄按结束日期所在年份（未给出时为今年）；{NOT_GIVEN}：该项空着"]
    )
    for table in tables(found):
        sheet = book.create_sheet(table.title[:31])
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([cell.value if isinstance(cell, Count) else cell for cell in row])
        sheet.column_dimensions["A"].width = 24
    book.save(target)
