"""Export records or inheritors as CSV, XLSX or JSON Lines, under the headers the importer reads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

import sqlite_utils

from heritage import store
from heritage.fields import LIST_TYPES, Field, format_value
from heritage.store import Kind
from heritage.tabular import write_sheet


def _json_value(field: Field, value: Any, kind: Kind, english: bool) -> Any:
    if field.type in LIST_TYPES and field.type != "native":
        return list(value or [])
    if field.type in ("year", "batch") or (field.type == "bool" and value is not None):
        return value
    return format_value(field, value, kind.fields, english) or None


def export(
    db: sqlite_utils.Database,
    kind: Kind,
    out: BinaryIO,
    fmt: str,
    english: bool = False,
    where: str = "",
    params: list | None = None,
) -> int:
    """Write every entity of a kind (ordered by id) to a stream; returns how many were written.

    :param english: English headers (``title``) instead of Chinese ones (``项目名称``)
    """
    return write_entities(store.iterate(db, kind, where, params), kind, out, fmt, english)


def write_entities(
    entities: Iterable[dict[str, Any]],
    kind: Kind,
    out: BinaryIO,
    fmt: str,
    english: bool = False,
    fields: tuple[Field, ...] | None = None,
) -> int:
    """Write entities under the importer's headers (all of the kind's fields, or only ``fields``);
    returns how many were written."""
    fields = fields or kind.fields
    headers = [f.name if english else f.zh for f in fields]
    written = 0

    def rows():
        nonlocal written
        for entity in entities:
            written += 1
            if fmt == "jsonl":
                yield [_json_value(f, entity.get(f.name), kind, english) for f in fields]
            else:
                yield [format_value(f, entity.get(f.name), kind.fields, english) for f in fields]

    write_sheet(out, fmt, headers, rows())
    return written
