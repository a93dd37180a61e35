"""Sheets in and out: CSV (UTF-8, UTF-8 with BOM, GB18030, UTF-16), XLSX and JSON Lines.

Reading never raises on bad input: every defect becomes a :class:`Problem` naming the row
(as a person counts them: the header is row 1) and, where known, the column.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

FORMATS = ("csv", "xlsx", "jsonl")
_FORMULA = re.compile(r"^'*[=+\-@]")
_ESCAPED_FORMULA = re.compile(r"^'+[=+\-@]")


@dataclass
class Problem:
    """Something wrong with the input: where (row, column) and why, in Chinese."""

    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        if self.row is None:
            where = f"表头「{self.column}」" if self.column else "文件"
        else:
            where = f"第 {self.row} 行" + (f"「{self.column}」列" if self.column else "")
        return f"{where}：{self.reason}"


@dataclass
class Sheet:
    """What a file holds: its headers, its data rows (row number, header -> value) and its problems."""

    headers: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""


def detect_format(path: Path) -> str:
    """The sheet format named by a file's extension."""
    suffix = path.suffix.lower().lstrip(".")
    return {"jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl", "xlsx": "xlsx",
            "tsv": "csv", "txt": "csv"}.get(suffix, "csv")


def read_sheet(path: Path, fmt: str | None = None) -> Sheet:
    """Read a CSV, XLSX or JSON Lines file into a Sheet."""
    fmt = fmt or detect_format(path)
    data = path.read_bytes()
    if not data.strip():
        return Sheet(problems=[Problem(None, None, "文件为空")])
    sheet = {"csv": _read_csv, "xlsx": _read_xlsx, "jsonl": _read_jsonl}[fmt](data)
    if not sheet.problems and not sheet.rows:
        sheet.problems.append(Problem(None, None, "只有表头，没有数据行"))
    return sheet


def _decode(data: bytes) -> tuple[str | None, str]:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding), encoding
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None, ""


def _read_csv(data: bytes) -> Sheet:
    text, encoding = _decode(data)
    if text is None:
        return Sheet(problems=[Problem(None, None, "无法识别文件编码：请另存为 UTF-8 或 GB18030 编码的 CSV")])
    sheet = Sheet(encoding=encoding)
    for number, line in enumerate(text.split("\n"), start=1):
        if "\x00" in line:
            sheet.problems.append(Problem(number, None, "含有空字符（NUL），文件可能已损坏或不是文本文件"))
    if sheet.problems:
        return sheet
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    csv.field_size_limit(64 * 1024 * 1024)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        reason = ("引号没有闭合：从这一行起的内容都被并入了一格，请检查这一行的引号"
                  if "end of data" in str(error) or "EOF" in str(error) else f"CSV 格式错误（{error}）")
        sheet.problems.append(Problem(start, None, reason))
        return sheet
    _fill(sheet, records, delimiter)
    return sheet


def _fill(sheet: Sheet, records: list[tuple[int, list[Any]]], delimiter: str | None = None) -> None:
    """Check the header row and the shape of every row; keep the rows that have a shape.

    ``delimiter`` is the CSV's: a cell holding whole lines of delimited values betrays a quote
    left open above it (XLSX cells cannot, so it passes None)."""
    records = [(n, cells) for n, cells in records if any(_blank(c) is False for c in cells)]
    if not records:
        sheet.problems.append(Problem(None, None, "文件为空"))
        return
    headers = records[0][1]
    while headers and _blank(headers[-1]):
        headers = headers[:-1]
    sheet.headers = [str(h).strip() for h in headers]
    seen: dict[str, int] = {}
    for index, header in enumerate(sheet.headers, start=1):
        if not header:
            sheet.problems.append(Problem(None, f"第 {index} 列", "表头为空"))
        elif header in seen:
            sheet.problems.append(Problem(None, header, f"重复（第 {seen[header]} 列和第 {index} 列）"))
        else:
            seen[header] = index
    width = len(sheet.headers)
    for number, cells in records[1:]:
        cells = list(cells)
        while len(cells) > width and _blank(cells[-1]):
            cells.pop()
        if len(cells) > width:
            sheet.problems.append(Problem(number, None, f"有 {len(cells)} 格，比表头的 {width} 列多，可能多了分隔符或引号不配对"))
            continue
        if len(cells) < width:
            sheet.problems.append(Problem(number, None, f"只有 {len(cells)} 格，表头有 {width} 列，这一行不完整"))
            continue
        row = dict(zip(sheet.headers, cells))
        swallowed = delimiter and next(
            (h for h, v in row.items() if isinstance(v, str) and _looks_swallowed(v, width, delimiter)), None)
        if swallowed:
            sheet.problems.append(Problem(number, swallowed, "这一格里含有多行完整的数据，可能是前面的引号没有闭合"))
            continue
        sheet.rows.append((number, row))


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _looks_swallowed(value: str, width: int, delimiter: str) -> bool:
    if "\n" not in value or width < 3:
        return False
    return sum(line.count(delimiter) >= width - 1 for line in value.split("\n")) >= 1


def _read_xlsx(data: bytes) -> Sheet:
    import openpyxl  # imported here: only XLSX imports pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        return Sheet(problems=[Problem(None, None, f"无法读取 XLSX 文件：{type(error).__name__}，请确认是 Excel 2007 以上的 .xlsx 文件")])
    sheet = Sheet(encoding="xlsx")
    records = [(number, [_xlsx_cell(c) for c in cells])
               for number, cells in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)]
    book.close()
    _fill(sheet, records)
    return sheet


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def _read_jsonl(data: bytes) -> Sheet:
    text, encoding = _decode(data)
    if text is None:
        return Sheet(problems=[Problem(None, None, "JSON Lines 文件应为 UTF-8 编码")])
    sheet = Sheet(encoding=encoding)
    headers: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as error:
            sheet.problems.append(Problem(number, None, f"不是有效的 JSON（第 {error.colno} 个字符处：{error.msg}）"))
            continue
        if not isinstance(obj, dict):
            sheet.problems.append(Problem(number, None, "每行应是一个 JSON 对象，如 {\"项目名称\": \"…\"}"))
            continue
        headers.update(dict.fromkeys(obj))
        sheet.rows.append((number, obj))
    sheet.headers = list(headers)
    return sheet


def neutralise(cell: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula (= + - @) with an apostrophe."""
    return "'" + cell if _FORMULA.match(cell) else cell


def unneutralise(cell: Any) -> Any:
    """Undo :func:`neutralise` on a cell read back from a sheet."""
    return cell[1:] if isinstance(cell, str) and _ESCAPED_FORMULA.match(cell) else cell


def write_sheet(out: io.BufferedIOBase, fmt: str, headers: list[str], rows: Iterable[list[Any]]) -> None:
    """Write rows under headers: CSV (UTF-8 with BOM, for Excel), XLSX or JSON Lines."""
    if fmt == "jsonl":
        for row in rows:
            line = json.dumps(dict(zip(headers, row)), ensure_ascii=False, separators=(",", ":"))
            out.write(line.encode("utf-8") + b"\n")
    elif fmt == "csv":
        text = io.StringIO(newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows([neutralise(str(cell)) for cell in row] for row in rows)
        out.write(text.getvalue().encode("utf-8-sig"))
    elif fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("普查记录")
        sheet.append(headers)
        for row in rows:
            sheet.append([neutralise(str(cell)) for cell in row])
        book.save(out)
    else:
        raise ValueError(f"未知的导出格式：{fmt}（可选 {'、'.join(FORMATS)}）")
