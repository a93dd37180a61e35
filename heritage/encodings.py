"""Which encoding a text file is in, decided strictly: a file not valid in it is refused at the line
where it breaks, instead of being decoded into garbage.

UTF-8 (with or without BOM) wins when the whole file is valid UTF-8. A file is GB18030 only when its
first non-ASCII line is already not UTF-8; a later line that is valid UTF-8 (with a character of
three or more bytes, such as any Chinese character) betrays a file of mixed encodings. UTF-16 is
recognised by its BOM, or without one by NUL bytes in every other position.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 1 << 20
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class Encoding:
    """The encoding to read a file in; ``bad_line`` (1-based) is where it stops being valid, and why."""

    name: str
    lines: int = 0
    bad_line: int | None = None
    reason: str = ""


def detect(open_file: Callable[[], BinaryIO]) -> Encoding:
    """Decide the encoding of a file, reading it in chunks (never the whole file at once)."""
    with open_file() as handle:
        head = handle.read(4096)
    name = next((enc for bom, enc in _BOMS if head.startswith(bom)), None) or utf16_without_bom(head)
    if name:
        found = _scan(open_file, name)
        if found.bad_line:
            found.reason = f"不是有效的 {name.upper().removesuffix('-SIG')} 文本（文件可能已损坏或混用了几种编码）"
        return found
    utf8 = _scan(open_file, "utf-8")
    if utf8.bad_line is None:
        return utf8
    if utf8.first_non_ascii is not None and utf8.first_non_ascii < utf8.bad_line:
        utf8.reason = (
            "从这一行起不是有效的 UTF-8：前面的行是 UTF-8，这一行却是别的编码（如 GB18030）；请把整个文件另存为 UTF-8"
        )
        return utf8
    gb = _scan(open_file, "gb18030")
    if gb.bad_line is not None:
        gb.reason = "既不是有效的 UTF-8，也不是有效的 GB18030：文件可能已损坏或混用了几种编码，请另存为 UTF-8"
        return gb
    mixed = _utf8_line(open_file)
    if mixed is not None:
        gb.bad_line = mixed
        gb.reason = "这一行是 UTF-8 编码，文件的其余部分却是 GB18030：请把整个文件另存为同一种编码（推荐 UTF-8）"
    return gb


def utf16_without_bom(head: bytes) -> str | None:
    """utf-16-le or utf-16-be when NUL bytes are (nearly) all in one parity of positions: the high
    bytes of ASCII characters (commas, digits, line breaks) in UTF-16. Text in any other encoding has none."""
    pairs = len(head) // 2
    even = head[0 : pairs * 2 : 2].count(0)
    odd = head[1 : pairs * 2 : 2].count(0)
    if odd >= max(2, pairs * 0.05) and even <= odd * 0.1:
        return "utf-16-le"
    if even >= max(2, pairs * 0.05) and odd <= even * 0.1:
        return "utf-16-be"
    return None


@dataclass
class _Scan(Encoding):
    first_non_ascii: int | None = None


def _scan(open_file: Callable[[], BinaryIO], name: str) -> _Scan:
    """Decode a file chunk by chunk; note the line of its first non-ASCII character and of its first bad byte."""
    decoder = codecs.getincrementaldecoder(name)()
    found = _Scan(name)
    newlines = 0
    with open_file() as handle:
        while True:
            chunk = handle.read(CHUNK)
            data = decoder.getstate()[0] + chunk
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                prefix = codecs.decode(data[: error.start], name, errors="ignore")
                _note_non_ascii(found, prefix, newlines)
                found.bad_line = newlines + _count_lines(prefix) + 1
                found.lines = found.bad_line
                return found
            _note_non_ascii(found, text, newlines)
            newlines += _count_lines(text)
            if not chunk:
                found.lines = newlines + 1
                return found


def _note_non_ascii(found: _Scan, text: str, newlines: int) -> None:
    if found.first_non_ascii is None:
        match = _NON_ASCII.search(text)
        if match:
            found.first_non_ascii = newlines + _count_lines(text[: match.start()]) + 1


def _count_lines(text: str) -> int:
    """Line breaks as CSV counts them: \\n, \\r\\n or a lone \\r."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _utf8_line(open_file: Callable[[], BinaryIO]) -> int | None:
    """The first line that is valid UTF-8 with a character of three or more bytes, or None."""
    line, valid, wide = 1, True, False
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open_file() as handle:
        while chunk := handle.read(CHUNK):
            pieces = chunk.split(b"\n")
            for index, piece in enumerate(pieces):
                if valid:
                    try:
                        decoder.decode(piece)
                        wide = wide or max(piece, default=0) >= 0xE0
                    except UnicodeDecodeError:
                        valid = False
                if index < len(pieces) - 1:  # a line ends here
                    if valid and wide and not decoder.getstate()[0]:
                        return line
                    line, valid, wide = line + 1, True, False
                    decoder.reset()
    return line if valid and wide and not decoder.getstate()[0] else None
