"""Sheets in and out: CSV (UTF-8, UTF-8 with BOM, GB18030, UTF-16), XLSX and JSON Lines.

Reading never raises on bad input and never holds more than one row at a time: the header is
read first and the rows lazily, within fixed bounds (columns, characters per row, rows per
file, an XLSX's unpacked size), so that no file can make the reader allocate without limit.
Every defect becomes a :class:`Problem` naming the row as a spreadsheet shows it (the header
is row 1), the physical line of the file where that differs, and the column where known.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from heritage import encodings

FORMATS = ("csv", "xlsx", "jsonl")
MAX_COLUMNS = 100  # the widest sheet has 43 fields; room for English and Chinese headers side by side
MAX_ROW_CHARS = 4_000_000  # one row: 43 fields of 50,000 characters fit with room to spare
MAX_ROWS = 1_000_000  # one file; a province's census is 10⁵–10⁶ records
_FORMULA = re.compile(r"^'*[=+\-@]")
_ESCAPED_FORMULA = re.compile(r"^'+[=+\-@]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass
class Problem:
    """Something wrong with the input: where (row, column) and why, in Chinese.

    ``line`` is the file's physical line where it differs from the row (cells with line
    breaks); ``fatal`` means reading stopped there, so nothing of the file may be imported."""

    row: int | None
    column: str | None
    reason: str
    line: int | None = None
    fatal: bool = False

    def __str__(self) -> str:
        if self.row is None:
            where = f"表头「{self.column}」" if self.column else "文件"
        else:
            where = f"第 {self.row} 行" + (f"（文件第 {self.line} 行）" if self.line and self.line != self.row else "")
            where += f"「{self.column}」列" if self.column else ""
        return f"{where}：{self.reason}"


@dataclass
class Sheet:
    """What a file holds: its headers, its data rows and its problems.

    ``rows`` yields (row number, first line in the file, header -> value), or None instead of the
    values for a row whose problems were added to ``problems``; it may be lazy, so problems grow as
    it is read.
    ``expected`` is about how many rows there are (for progress bars)."""

    headers: list[str] = field(default_factory=list)
    rows: Iterable[tuple[int, int, dict[str, Any] | None]] = ()
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""
    expected: int = 0

    def take_problems(self) -> list[Problem]:
        """The problems found since the last call."""
        taken, self.problems[:] = list(self.problems), []
        return taken


class Refused(Exception):
    """A file that cannot be read at all; the message says why, in Chinese."""


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; anything else (folder, pipe, device) is refused, without blocking."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise Refused("是指向不存在文件的符号链接" if path.is_symlink() else "找不到文件") from None
    except IsADirectoryError:
        raise Refused("是一个文件夹，不是文件") from None
    except PermissionError:
        raise Refused("没有读取权限") from None
    except OSError as error:
        raise Refused(f"无法打开（{error.strerror}）") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise Refused(_not_regular(mode))
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "是一个文件夹，不是文件"
    special_files = (
        (stat.S_ISFIFO, "命名管道"),
        (stat.S_ISCHR, "字符设备，如 /dev/zero"),
        (stat.S_ISBLK, "块设备"),
        (stat.S_ISSOCK, "套接字"),
    )
    return f"不是普通文件（{next((name for test, name in special_files if test(mode)), '特殊文件')}）"


def file_problem(path: Path) -> str | None:
    """Why a path cannot be imported (not there, a folder, a pipe, empty), or None."""
    try:
        with open_regular(path) as handle:
            return None if handle.read(1) else "文件为空"
    except Refused as refusal:
        return str(refusal)


def detect_format(path: Path) -> str:
    """The sheet format named by a file's extension."""
    suffix = path.suffix.lower().lstrip(".")
    return {"jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl", "xlsx": "xlsx", "tsv": "csv", "txt": "csv"}.get(
        suffix, "csv"
    )


def read_sheet(path: Path, fmt: str | None = None) -> Sheet:
    """Read the header of a CSV, XLSX or JSON Lines file; its rows are read as ``rows`` is iterated."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    problem = file_problem(path)
    if problem:
        return Sheet(problems=[Problem(None, None, problem)])
    from heritage import xlsx_reader  # only XLSX imports pay for openpyxl

    reader = {"csv": _read_csv, "xlsx": xlsx_reader.read_xlsx, "jsonl": _read_jsonl}[fmt]
    return reader(path)


class _TooLong(Exception):
    """A row longer than MAX_ROW_CHARS: reading stops before it is held."""


class _Lines:
    """A text file's physical lines for csv.reader, each read within what the current row may still hold."""

    def __init__(self, text: io.TextIOBase) -> None:
        self.text, self.number, self.row_chars = text, 0, 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.text.readline(MAX_ROW_CHARS - self.row_chars + 1)
        if not line:
            raise StopIteration
        self.row_chars += len(line)
        if self.row_chars > MAX_ROW_CHARS:
            raise _TooLong
        self.number += 1
        return line


def _csv_records(
    path: Path, encoding: encodings.Encoding, delimiter: str
) -> Iterator[tuple[int, int, list[str]] | Problem]:
    """(row, first line, cells) for every record as a spreadsheet counts them, blank ones too;
    a Problem that ends the reading where the file stops being readable."""
    csv.field_size_limit(MAX_ROW_CHARS)
    with io.TextIOWrapper(open_regular(path), encoding.name, errors="replace", newline="") as text:
        lines = _Lines(text)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        row = 0
        while True:
            row, first, lines.row_chars = row + 1, lines.number + 1, 0
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _TooLong:
                yield Problem(row, None, f"这一行超过 {MAX_ROW_CHARS:,} 字，文件可能缺少换行或引号不配对", first, True)
                return
            except csv.Error as error:
                reason = (
                    "引号没有闭合：从这一行起的内容都被并入了一格，请检查这一行的引号"
                    if "end of data" in str(error) or "EOF" in str(error)
                    else f"CSV 格式错误（{error}）"
                )
                yield Problem(row, None, reason, first, True)
                return
            if encoding.bad_line is not None and lines.number >= encoding.bad_line:
                yield Problem(row, None, encoding.reason, encoding.bad_line, True)
                return
            if row > MAX_ROWS + 1:
                yield Problem(row, None, f"超过 {MAX_ROWS:,} 行：请把文件分成几个，分别导入", first, True)
                return
            yield row, first, cells


def _read_csv(path: Path) -> Sheet:
    encoding = encodings.detect(lambda: open_regular(path))
    with io.TextIOWrapper(open_regular(path), encoding.name, errors="replace", newline="") as text:
        first_line = text.readline(MAX_ROW_CHARS)
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    sheet = Sheet(encoding=encoding.name, expected=encoding.lines)
    records = _csv_records(path, encoding, delimiter)
    header = take_header(sheet, records)
    if header is not None:
        sheet.rows = shaped_rows(sheet, records, header, delimiter)
    return sheet


def take_header(sheet: Sheet, records: Iterator[tuple[int, int, list[Any]] | Problem]) -> int | None:
    """Read records up to the header (the first row that is not blank); its row number, or None."""
    for record in records:
        if isinstance(record, Problem):
            sheet.problems.append(record)
            return None
        row, _line, cells = record
        if all(_blank(c) for c in cells):
            continue
        while cells and _blank(cells[-1]):
            cells = cells[:-1]
        if len(cells) > MAX_COLUMNS:
            sheet.problems.append(Problem(None, None, f"表头有 {len(cells)} 列，超过上限 {MAX_COLUMNS} 列"))
            return None
        if any(isinstance(c, str) and "\x00" in c for c in cells):
            sheet.problems.append(
                Problem(None, None, "表头含有空字符（NUL）：文件可能是没有 BOM 的 UTF-16，或不是文本文件")
            )
            return None
        sheet.headers = [str(h).strip() for h in cells]
        seen: dict[str, int] = {}
        for index, header in enumerate(sheet.headers, start=1):
            if not header:
                sheet.problems.append(Problem(None, f"第 {index} 列", "表头为空"))
            elif header in seen:
                sheet.problems.append(Problem(None, header, f"重复（第 {seen[header]} 列和第 {index} 列）"))
            else:
                seen[header] = index
        return row
    sheet.problems.append(Problem(None, None, "文件为空"))
    return None


def shaped_rows(
    sheet: Sheet, records: Iterator[tuple[int, int, list[Any]] | Problem], header: int, delimiter: str | None
) -> Iterator[tuple[int, int, dict[str, Any] | None]]:
    """The data rows after the header, each checked for its shape; blank rows are passed over.

    ``delimiter`` is the CSV's: a cell holding whole lines of delimited values betrays a quote
    left open above it (XLSX cells cannot, so it passes None)."""
    any_row = False
    for record in records:
        if isinstance(record, Problem):
            sheet.problems.append(record)
            yield record.row or header, record.line or header, None
            return
        row, line, cells = record
        if row <= header or all(_blank(c) for c in cells):
            continue
        any_row = True
        problem = _shape_problem(row, line, cells, delimiter, sheet.headers)
        if problem:
            sheet.problems.append(problem)
            yield row, line, None
        else:
            yield row, line, dict(zip(sheet.headers, cells, strict=True))
    if not any_row and not sheet.problems:
        sheet.problems.append(Problem(None, None, "只有表头，没有数据行"))


def _shape_problem(row: int, line: int, cells: list[Any], delimiter: str | None, headers: list[str]) -> Problem | None:
    """A row's cells that do not fit the header, or a cell that betrays a broken file (NUL: fatal)."""
    width, cells = len(headers), list(cells)
    while len(cells) > width and _blank(cells[-1]):
        cells.pop()
    if len(cells) > width:
        return Problem(row, None, f"有 {len(cells)} 格，比表头的 {width} 列多，可能多了分隔符或引号不配对", line)
    if len(cells) < width:
        return Problem(row, None, f"只有 {len(cells)} 格，表头有 {width} 列，这一行不完整", line)
    for header, value in zip(headers, cells, strict=True):
        if isinstance(value, str) and "\x00" in value:
            return Problem(row, header, "含有空字符（NUL），文件可能已损坏或不是文本文件", line, fatal=True)
        if delimiter and isinstance(value, str) and _looks_swallowed(value, width, delimiter):
            return Problem(row, header, "这一格里含有多行完整的数据，可能是前面的引号没有闭合", line)
    return None


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _looks_swallowed(value: str, width: int, delimiter: str) -> bool:
    if "\n" not in value or width < 3:
        return False
    return sum(line.count(delimiter) >= width - 1 for line in value.split("\n")) >= 1


def json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | Problem]]:
    """(line, object) for every non-blank line of a UTF-8 JSON Lines file, or (line, Problem)."""
    with open_regular(path) as handle:
        head = handle.read(4096)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or encodings.utf16_without_bom(head):
            yield 1, Problem(None, None, "文件是 UTF-16 编码：JSON Lines 文件应为 UTF-8，请另存为 UTF-8", fatal=True)
            return
        handle.seek(3 if head.startswith(codecs.BOM_UTF8) else 0)
        for number, raw in enumerate(iter(lambda: handle.readline(MAX_ROW_CHARS + 1), b""), start=1):
            if number > MAX_ROWS:
                yield number, Problem(number, None, f"超过 {MAX_ROWS:,} 行：请把文件分成几个，分别导入", fatal=True)
                return
            if len(raw) > MAX_ROW_CHARS:
                yield number, Problem(number, None, f"这一行超过 {MAX_ROW_CHARS:,} 字节", fatal=True)
                return
            if raw.strip():
                yield number, _json_object(number, raw)


def _json_object(number: int, raw: bytes) -> dict[str, Any] | Problem:
    try:
        obj = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        return Problem(number, None, f"不是有效的 UTF-8（第 {error.start + 1} 个字节处）：JSON Lines 文件应为 UTF-8")
    except json.JSONDecodeError as error:
        return Problem(number, None, f"不是有效的 JSON（第 {error.colno} 个字符处：{error.msg}）")
    except RecursionError:
        return Problem(number, None, "JSON 嵌套过深")
    except ValueError:  # Python refuses integers of more than 4300 digits
        return Problem(number, None, "含有位数过多的数字（超过 4300 位）")
    if not isinstance(obj, dict):
        return Problem(number, None, '每行应是一个 JSON 对象，如 {"项目名称": "…"}')
    return _json_shape_problem(number, obj) or obj


def _json_shape_problem(number: int, obj: dict[str, Any]) -> Problem | None:
    """A value nested deeper than a list of objects, or text that is not valid Unicode (a lone surrogate)."""
    if len(obj) > MAX_COLUMNS:
        return Problem(number, None, f"有 {len(obj)} 个字段，超过上限 {MAX_COLUMNS} 个")
    stack = [(key, value, 0) for key, value in obj.items()]
    while stack:
        key, value, depth = stack.pop()
        if depth > 2:
            return Problem(number, str(key), "值嵌套过深：一格的值只能是文字、数字、列表或对象")
        if isinstance(value, dict):
            stack += [(k, v, depth + 1) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(key, v, depth + 1) for v in value]
        for text in (key, value):
            if isinstance(text, str) and _SURROGATE.search(text):
                return Problem(number, None, "含有不成对的代理字符（如 \\ud800），不是有效的 Unicode 文本")
    return None


def _read_jsonl(path: Path) -> Sheet:
    """A first pass finds the headers (every key of every object); the rows are read again, lazily."""
    sheet = Sheet(encoding="utf-8")
    headers: dict[str, None] = {}
    early: list[Problem] = []  # reported only if no line is a usable object
    for number, item in json_lines(path):
        sheet.expected += 1
        if isinstance(item, Problem):
            if item.fatal:
                sheet.problems.append(item)
                return sheet
            early = early if len(early) >= 1000 else early + [item]
            continue
        headers.update(dict.fromkeys(item))
        if len(headers) > MAX_COLUMNS:
            sheet.problems.append(Problem(number, None, f"全文件的字段超过 {MAX_COLUMNS} 个", fatal=True))
            return sheet
    sheet.headers = list(headers)
    if not headers:
        sheet.problems.extend(early or [Problem(None, None, "文件为空")])
    sheet.rows = _json_rows(sheet, path)
    return sheet


def _json_rows(sheet: Sheet, path: Path) -> Iterator[tuple[int, int, dict[str, Any] | None]]:
    for number, item in json_lines(path):
        if isinstance(item, Problem):
            sheet.problems.append(item)
            yield number, number, None
        else:
            yield number, number, item


def neutralise(cell: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula (= + - @) with an apostrophe."""
    return "'" + cell if _FORMULA.match(cell) else cell


def unneutralise(cell: Any) -> Any:
    """Undo :func:`neutralise` on a cell read back from a sheet."""
    return cell[1:] if isinstance(cell, str) and _ESCAPED_FORMULA.match(cell) else cell


def write_sheet(out: BinaryIO, fmt: str, headers: list[str], rows: Iterable[list[Any]]) -> None:
    """Write rows under headers: CSV (UTF-8 with BOM, for Excel), XLSX or JSON Lines."""
    if fmt == "jsonl":
        for row in rows:
            line = json.dumps(dict(zip(headers, row, strict=True)), ensure_ascii=False, separators=(",", ":"))
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
