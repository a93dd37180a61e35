"""Reading XLSX without trusting it: the zip's entries and their sizes are checked from the central
directory and again while unpacking, every XML part is scanned in a streaming parser that refuses
DTDs and entity declarations (so no entity is ever expanded or fetched) and counts rows, cells and
characters, and only then does openpyxl read the first sheet, in read-only (streaming) mode.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

from heritage.tabular import (
    MAX_COLUMNS,
    MAX_ROW_CHARS,
    MAX_ROWS,
    Problem,
    Sheet,
    open_regular,
    shaped_rows,
    take_header,
)

MAX_ENTRIES = 1000
MAX_UNPACKED = 1 << 30  # all entries together
MAX_SHEET = 1 << 30  # a worksheet is streamed, so it may be large
MAX_SHARED_STRINGS = 128 << 20  # openpyxl holds the shared strings in memory
MAX_OTHER_PART = 16 << 20  # workbook, styles and the rest are parsed whole
MAX_NUMBER = 300  # characters of a number cell (Python refuses integers of more than 4300 digits)
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_SHARED = "xl/sharedStrings.xml"
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")
_EXPAT_REASONS = {
    expat.errors.codes[message]: reason
    for message, reason in (  # expat's messages are English
        (expat.errors.XML_ERROR_BAD_CHAR_REF, "引用了 XML 不允许的控制字符（如 &#1;）"),
        (expat.errors.XML_ERROR_INVALID_TOKEN, "含有无效的字符或标记"),
        (expat.errors.XML_ERROR_TAG_MISMATCH, "标签不配对"),
        (expat.errors.XML_ERROR_NO_ELEMENTS, "内容不完整"),
        (expat.errors.XML_ERROR_UNCLOSED_TOKEN, "内容不完整"),
        (expat.errors.XML_ERROR_UNDEFINED_ENTITY, "引用了未定义的实体"),
        (expat.errors.XML_ERROR_SYNTAX, "语法错误"),
    )
}


class _Refusal(Exception):
    """Why the workbook is refused, and the sheet row where known."""

    def __init__(self, reason: str, row: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.row = reason, row


@dataclass
class _Shape:
    """What the scan found: how many shared strings, the last row and the widest column used."""

    shared: int | None = None
    rows: int = 0
    columns: int = 1


def read_xlsx(path: Path) -> Sheet:
    """Check an XLSX file, then read the header of its first sheet; its rows are read lazily."""
    sheet = Sheet(encoding="xlsx")
    try:
        shape = _check(path)
    except _Refusal as refusal:
        sheet.problems.append(Problem(refusal.row, None, refusal.reason, fatal=True))
        return sheet
    sheet.expected = shape.rows
    records = _records(path, shape)
    header = take_header(sheet, records)
    if header is not None:
        sheet.rows = shaped_rows(sheet, records, header, None)
    return sheet


def _check(path: Path) -> _Shape:
    with open_regular(path) as handle:
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
            raise _Refusal(f"无法读取 XLSX 文件（{error}）：请确认是 Excel 2007 以上的 .xlsx 文件") from None
        with archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise _Refusal(f"XLSX 压缩包内有 {len(entries):,} 个文件，超过上限 {MAX_ENTRIES} 个")
            total = sum(entry.file_size for entry in entries)
            if total > MAX_UNPACKED:
                raise _Refusal(
                    f"XLSX 解压后有 {total / 2**20:,.0f} MB，超过上限 {MAX_UNPACKED >> 20} MB（可能是压缩炸弹）"
                )
            shape = _Shape()
            names = [e.filename for e in entries]
            if "xl/workbook.xml" not in names:
                raise _Refusal("无法读取 XLSX 文件：缺少 xl/workbook.xml，请确认是 Excel 2007 以上的 .xlsx 文件")
            ordered = sorted(entries, key=lambda e: (e.filename != _SHARED, e.filename))
            for entry in ordered:
                _check_entry(archive, entry, shape)
            return shape


def _limit(name: str) -> int:
    return MAX_SHEET if _SHEET.fullmatch(name) else MAX_SHARED_STRINGS if name == _SHARED else MAX_OTHER_PART


def _check_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, shape: _Shape) -> None:
    """Unpack one entry in chunks, never past its declared size; scan it if it is XML."""
    limit = _limit(entry.filename)
    if entry.file_size > limit:
        raise _Refusal(
            f"XLSX 中的 {entry.filename} 解压后有 {entry.file_size / 2**20:,.0f} MB，"
            f"超过上限 {limit >> 20} MB（可能是压缩炸弹）"
        )
    xml = entry.filename.endswith((".xml", ".rels"))
    scan = _Scan(entry.filename, shape) if xml else None
    unpacked = 0
    try:
        with archive.open(entry) as part:
            while chunk := part.read(1 << 16):
                unpacked += len(chunk)
                if unpacked > entry.file_size:
                    raise _Refusal(f"XLSX 中的 {entry.filename} 解压后比它声明的大小更大（可能是压缩炸弹）")
                if scan:
                    scan.feed(chunk)
        if scan:
            scan.feed(b"", final=True)
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError, ValueError) as error:
        raise _Refusal(f"XLSX 中的 {entry.filename} 已损坏，无法解压（{error}）") from None


class _Scan:
    """A streaming XML scan: no DTD, no entity declarations; rows, cells and text within bounds."""

    def __init__(self, name: str, shape: _Shape) -> None:
        self.name, self.shape = name, shape
        self.sheet = bool(_SHEET.fullmatch(name))
        self.shared = name == _SHARED
        self.row = self.cells = self.column = self.row_chars = self.text_chars = 0
        self.cell_type, self.value, self.in_text = "n", "", False
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        self.parser = parser
        if self.shared:
            shape.shared = 0

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as error:
            reason = _EXPAT_REASONS.get(error.code, "格式不正确")
            raise _Refusal(
                f"XLSX 中的 {self.name} 不是有效的 XML：{reason}（第 {error.lineno} 行第 {error.offset + 1} 个字符）",
                self.row or None,
            ) from None

    def _doctype(self, *_args: Any) -> None:
        raise _Refusal(f"XLSX 中的 {self.name} 含有 DTD（文档类型声明）：为安全起见拒绝读取，请用 Excel 重新保存")

    def _entity(self, *_args: Any) -> None:
        raise _Refusal(f"XLSX 中的 {self.name} 含有实体声明：为安全起见拒绝读取，请用 Excel 重新保存")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(" ")[2]
        if self.shared and tag == "si":
            self.shape.shared += 1  # type: ignore[operator]
            self.text_chars = 0
        elif self.sheet and tag == "row":
            self._start_row(attrs.get("r"))
        elif self.sheet and tag == "c":
            self._start_cell(attrs)
        elif self.sheet and tag in ("v", "t"):
            self.in_text, self.value, self.text_chars = True, "", 0

    def _start_row(self, number: str | None) -> None:
        if number is not None and not (number.isdigit() and len(number) <= 7):
            raise _Refusal(f"XLSX 的行号“{number[:20]}”无效", self.row + 1)
        self.row = int(number) if number else self.row + 1
        if self.row > MAX_ROWS + 1:
            raise _Refusal(f"超过 {MAX_ROWS:,} 行：请把文件分成几个，分别导入", self.row)
        self.shape.rows = max(self.shape.rows, self.row)
        self.cells = self.row_chars = 0

    def _start_cell(self, attrs: dict[str, str]) -> None:
        self.cells += 1
        column = self.cells
        reference = attrs.get("r")
        if reference:
            match = _CELL_REF.fullmatch(reference)
            if not match:
                raise _Refusal(f"XLSX 的单元格位置“{reference[:20]}”无效", self.row or None)
            column = 0
            for letter in match[1]:
                column = column * 26 + ord(letter) - 64
        if self.cells > MAX_COLUMNS or column > MAX_COLUMNS:
            raise _Refusal(f"这一行超过 {MAX_COLUMNS} 列", self.row or None)
        self.column = column
        self.shape.columns = max(self.shape.columns, column)
        self.cell_type = attrs.get("t", "n")

    def _text(self, data: str) -> None:
        if not (self.in_text or self.shared):
            return
        self.text_chars += len(data)
        self.row_chars += len(data)
        if self.text_chars > MAX_ROW_CHARS or (self.sheet and self.row_chars > MAX_ROW_CHARS):
            raise _Refusal(f"一格或一行超过 {MAX_ROW_CHARS:,} 字", self.row or None)
        if self.in_text and len(self.value) <= MAX_NUMBER:
            self.value += data[: MAX_NUMBER + 1]

    def _end(self, name: str) -> None:
        tag = name.rpartition(" ")[2]
        if not (self.sheet and tag == "v" and self.in_text):
            self.in_text = self.in_text and tag != "t"
            return
        self.in_text = False
        value = self.value.strip()
        if self.cell_type == "n" and len(value) > MAX_NUMBER:
            raise _Refusal(f"第 {self.column} 列的数字超过 {MAX_NUMBER} 位", self.row)
        if self.cell_type == "s":
            shared = self.shape.shared or 0
            if not (value.isdigit() and len(value) <= 10 and int(value) < shared):
                raise _Refusal(
                    f"第 {self.column} 列引用了不存在的共享字符串（编号 {value[:20]}，共 {shared} 个）：文件已损坏",
                    self.row,
                )


def _records(path: Path, shape: _Shape) -> Iterator[tuple[int, int, list[Any]] | Problem]:
    """(row, row, cells) for every row of the first sheet; a Problem if openpyxl still cannot read it."""
    import openpyxl  # imported here: only XLSX imports pay for it

    row = 0
    with open_regular(path) as handle:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
                book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
            try:
                rows = book.worksheets[0].iter_rows(values_only=True, max_col=shape.columns, max_row=max(shape.rows, 1))
                for row, cells in enumerate(rows, start=1):
                    yield row, row, [_cell(c) for c in cells]
            finally:
                book.close()
        except Exception as error:  # noqa: BLE001 — a hostile file can break openpyxl in many ways; say so, never crash
            yield Problem(
                row + 1 if row else None,
                None,
                f"无法读取 XLSX 文件（{type(error).__name__}：{str(error)[:200]}），文件可能已损坏",
                fatal=True,
            )


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value
