"""Import census records and inheritors from sheets: validate every row, then write all or nothing.

The same path serves the CLI, the curator's browser upload and the shipped corpus.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from heritage import store, workflow
from heritage.db import write
from heritage.fields import Field, header_lookup, normalize_header, parse_value
from heritage.regions import divisions
from heritage.sources import SOURCE_FORMATS, onto_stored, read_source
from heritage.store import INHERITOR, RECORD, Kind
from heritage.tabular import Problem, Sheet, read_sheet, unneutralise

Progress = Callable[[int, int], None]


MAX_PROBLEMS = 1000  # listed in a report; more are counted


@dataclass
class ImportReport:
    """What an import did or would do, and every problem found, by row and column."""

    file: str
    format: str
    entity: str
    encoding: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    dry_run: bool = False
    committed: bool = False
    problems: list[Problem] = field(default_factory=list)
    unlisted: int = 0

    @property
    def problem_count(self) -> int:
        """All problems found, listed or not."""
        return len(self.problems) + self.unlisted

    @property
    def fatal(self) -> bool:
        """Whether a problem concerns the whole file, so that not even valid rows may be imported."""
        return any(p.row is None or p.fatal for p in self.problems)

    def add(self, problem: Problem) -> None:
        """Note a problem; past MAX_PROBLEMS it is only counted."""
        if len(self.problems) < MAX_PROBLEMS or problem.fatal or problem.row is None:
            self.problems.append(problem)
        else:
            self.unlisted += 1

    def render(self, limit: int = 50) -> str:
        """The report as a person reads it, in Chinese."""
        what = "记录" if self.entity == "record" else "传承人"
        lines = [
            f"文件：{self.file}（{self.format}{'，' + self.encoding if self.encoding else ''}）",
            f"数据行：{self.rows}",
        ]
        if self.problems:
            lines.append(f"发现 {self.problem_count} 个问题：")
            lines += [f"  {p}" for p in self.problems[:limit]]
            if self.problem_count > limit:
                lines.append(f"  ……另有 {self.problem_count - limit} 个问题未列出")
        counts = f"新增 {self.created} 条，更新 {self.updated} 条，未变 {self.unchanged} 条"
        if self.skipped:
            counts += f"，跳过无效行 {self.skipped} 行"
        if self.dry_run:
            lines.append(f"试运行（--dry-run）：将{counts}{what}；数据库未作任何改动。")
        elif self.committed:
            lines.append(f"已导入：{counts}{what}。")
        elif self.fatal:
            lines.append("未导入任何数据：这个文件无法完整读取，请改正以上问题后重新导入。")
        else:
            lines.append("未导入任何数据：请改正以上问题后重新导入，或用 --skip-invalid 只导入有效的行。")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The report as plain data."""
        return asdict(self)


class _Rollback(Exception):
    """Raised inside the write transaction to undo it: a dry run, or rows with problems."""


def import_file(
    db: sqlite_utils.Database,
    path: Path,
    fmt: str | None = None,
    kind: Kind | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    user: str = "import",
    progress: Progress | None = None,
    role: str = workflow.OPERATOR,
) -> ImportReport:
    """Import one file; nothing is written unless every row is valid (or skip_invalid is set).

    Rows are read, checked and written one at a time inside one transaction, so memory does
    not grow with the file. A problem of the whole file (fatal) writes nothing, even with skip_invalid.

    :param fmt: csv, xlsx, jsonl, ich-list or ich-inheritors (default: from the extension)
    :param kind: RECORD or INHERITOR (ich-inheritors implies INHERITOR)
    :param role: the acting user's role: each row must be a write it may make (heritage.workflow.refusals)
    """
    path = Path(path)
    if fmt in SOURCE_FORMATS:
        sheet = read_source(path, fmt)
        kind = INHERITOR if fmt == "ich-inheritors" else RECORD
    else:
        sheet = read_sheet(path, fmt)
        fmt = fmt or path.suffix.lstrip(".").lower() or "csv"
    kind = kind or RECORD
    report = ImportReport(str(path), fmt, kind.name, sheet.encoding, dry_run=dry_run)
    columns = _map_headers(sheet, kind, report)
    if columns is None or not sheet.headers:
        return report  # the file or its header is unusable: there is nothing row by row to keep
    unescape = fmt in ("csv", "xlsx")
    written = 0
    try:
        with write(db):  # validation streams into one transaction, rolled back unless all is well
            for entity in _entities(db, sheet, kind, columns, report, unescape, role, fmt == "ich-list"):
                if entity is not None and (skip_invalid or dry_run or not report.problems):
                    outcome = store.put(db, kind, entity, user=user, note=f"导入 {path.name}")
                    report.created += outcome == "新增"
                    report.updated += outcome == "更新"
                    report.unchanged += outcome == "未变"
                    written += 1
                if progress:
                    progress(report.rows, max(sheet.expected, report.rows))
            if dry_run or report.fatal or (report.problems and not skip_invalid):
                raise _Rollback
    except _Rollback:
        if not dry_run or report.fatal:
            report.created = report.updated = report.unchanged = 0
        return report
    report.skipped = report.rows - written
    report.committed = True
    return report


def _map_headers(sheet: Sheet, kind: Kind, report: ImportReport) -> dict[str, Field] | None:
    """Header -> field; unknown headers are a problem of the file, since their data would be lost."""
    for problem in sheet.take_problems():
        report.add(problem)
    lookup = header_lookup(kind.fields)
    columns: dict[str, Field] = {}
    for header in sheet.headers:
        found = lookup.get(normalize_header(header))
        if found is None:
            report.add(Problem(None, header, "未知的列：请使用导入说明中的中文或英文表头"))
        elif found in columns.values():
            other = next(h for h, f in columns.items() if f is found)
            report.add(Problem(None, header, f"与「{other}」是同一字段，重复了"))
        else:
            columns[header] = found
    missing = [f.zh for f in kind.fields if f.required and f not in columns.values()]
    if missing and sheet.headers:
        report.add(Problem(None, None, f"缺少必填列：{'、'.join(missing)}"))
    return None if report.fatal else columns


def _entities(
    db: sqlite_utils.Database,
    sheet: Sheet,
    kind: Kind,
    columns: dict[str, Field],
    report: ImportReport,
    unescape: bool,
    role: str,
    listed: bool,
) -> Iterator[dict[str, Any] | None]:
    """Each row as a valid entity, or None when the row has problems (added to the report);
    ``listed``: the rows are national-list items, laid over the stored record of the same item."""
    seen: dict[tuple[str, str], int] = {}
    header_of = {f.name: f.zh for f in kind.fields} | {f.name: h for h, f in columns.items()}
    for number, line, row in sheet.rows:
        report.rows += 1
        problems = sheet.take_problems()
        entity = None
        if row is not None:
            entity, found = _entity(db, kind, columns, header_of, (number, line), row, unescape, seen, role)
            if listed and not found:
                entity = _onto_same_item(db, entity)
            problems += found
        for problem in problems:
            report.add(problem)
        yield None if problems else entity
    for problem in sheet.take_problems():  # found after the last row: the file ends badly, or has no rows
        report.add(problem)


def _entity(
    db: sqlite_utils.Database,
    kind: Kind,
    columns: dict[str, Field],
    header_of: dict[str, str],
    where: tuple[int, int],
    row: dict[str, Any],
    unescape: bool,
    seen: dict[tuple[str, str], int],
    role: str,
) -> tuple[dict[str, Any], list[Problem]]:
    """A row's cells as field values, and the problems the row has; ``where`` is its row and first line."""
    number, line = where
    problems: list[Problem] = []
    entity: dict[str, Any] = {}
    for header, column in columns.items():
        value = unneutralise(row.get(header)) if unescape else row.get(header)
        try:
            entity[column.name] = parse_value(column, value, kind.fields)
        except ValueError as error:
            problems.append(Problem(number, header, str(error), line))
    for name, reason in cross_check(db, kind, entity):
        problems.append(Problem(number, header_of.get(name, name), reason, line))
    if problems:
        return entity, problems
    entity["id"] = entity.get("id") or _existing_id(db, kind, entity) or store.new_id(kind)
    owner = store.find_id(db, kind, "ref", entity["ref"]) if entity.get("ref") else None
    if owner and owner != entity["id"]:
        problems.append(
            Problem(
                number,
                header_of.get("ref", "来源编号"),
                f"来源编号“{entity['ref']}”已属于编号 {owner}：要更新那一条，请把编号写作 {owner} 或留空",
                line,
            )
        )
    for key in ("id", "ref"):
        value = entity.get(key)
        if value and (key, value) in seen:
            what = "编号" if key == "id" else "来源编号"
            problems.append(
                Problem(
                    number, header_of.get(key, key), f"与第 {seen[key, value]} 行重复：同一{what}只能出现一次", line
                )
            )
        elif value:
            seen[key, value] = number
    for name, reason in workflow.refusals(db, role, kind, entity):
        problems.append(Problem(number, header_of.get(name, name), reason, line))
    return entity, problems


def cross_check(db: sqlite_utils.Database, kind: Kind, entity: dict[str, Any]) -> list[tuple[str, str]]:
    """Checks beyond one cell's syntax: required fields left empty, regions named only as text,
    inheritors' items.  The form and every import use it.

    An inheritor whose place is a unit rather than a division (中国艺术研究院) takes the
    regions of the items they carry on."""
    problems = [
        (f.name, f"必填：请填写{f.zh}")
        for f in kind.fields
        if f.required and f.name in entity and entity[f.name] in (None, "")
    ]
    if kind is INHERITOR and entity.get("items"):
        resolved = []
        for reference in entity["items"]:
            record_id = _record_for(db, reference)
            if record_id is None:
                problems.append(("items", f"找不到项目“{reference}”：应为记录编号、来源编号、子项编码或项目编号"))
            else:
                resolved.append(record_id)
        entity["items"] = list(dict.fromkeys(resolved))
    text = entity.get("region_text")
    if text and not entity.get("region_codes"):
        found = [r.code for r in divisions().resolve(text)] or _item_regions(db, entity)
        if found:
            entity["region_codes"] = found
        else:
            problems.append(("region_text", f"无法识别的地区“{text}”：请写出省、市、县的全称，或填写行政区划代码"))
    return problems


def _item_regions(db: sqlite_utils.Database, entity: dict[str, Any]) -> list[str]:
    records = filter(None, (store.get(db, RECORD, record_id) for record_id in entity.get("items") or []))
    codes = [code for record in records for code in record["region_codes"]]
    return list(dict.fromkeys(codes))


_SUB_ITEM = re.compile(r"^(?P<category>[^-]+)-0*(?P<number>\d+)_\d+_(?P<county>\d{6})")


def _record_for(db: sqlite_utils.Database, reference: str) -> str | None:
    """The record a reference names: its id, source ref, sub-item code or item number.

    A sub-item code that matches no record (Ⅷ-096_02_440100) falls back to a record of
    the same item number in the same province."""
    for column in ("id", "ref", "sub_item_code", "item_number"):
        found = store.find_id(db, RECORD, column, reference)
        if found:
            return found
    match = _SUB_ITEM.match(reference)
    if not match:
        return None
    item = f"{match['category']}-{match['number']}"
    row = db.execute(
        "SELECT r.id FROM records r JOIN record_values v ON v.record_id = r.id AND v.field = 'region_codes'"
        " WHERE r.item_number = ? AND substr(v.value, 1, 2) = ? ORDER BY r.id LIMIT 1",
        [item, match["county"][:2]],
    ).fetchone()
    return row[0] if row else store.find_id(db, RECORD, "item_number", item)


def _existing_id(db: sqlite_utils.Database, kind: Kind, entity: dict[str, Any]) -> str | None:
    """The id of the stored entity this row describes: by source ref, else by name and place."""
    if entity.get("ref"):
        return store.find_id(db, kind, "ref", entity["ref"])
    name = "title" if kind is RECORD else "name"
    for (candidate,) in db.execute(f"SELECT id FROM {kind.table} WHERE {name} = ?", [entity.get(name)]):
        stored = store.get(db, kind, candidate) or {}
        same_place = not stored.get("ref") and stored.get("region_codes") == entity.get("region_codes", [])
        if same_place and (kind is INHERITOR or stored.get("category") == entity.get("category")):
            return candidate
    return None


def _onto_same_item(db: sqlite_utils.Database, row: dict[str, Any]) -> dict[str, Any]:
    """A national-list row as an update of the stored record of the same item, if there is one:
    the record with its ref, else a record the list has not yet reached (no ref) with the same
    子项编码, or the same 项目编号 in the same place, or the same name and category in the same place."""
    stored = store.get(db, RECORD, row["id"])
    if stored is None:
        for (candidate,) in db.execute(
            "SELECT id FROM records WHERE coalesce(ref, '') = '' AND (sub_item_code = ? OR item_number = ?"
            " OR (title = ? AND category = ?)) ORDER BY sub_item_code = ? DESC, item_number = ? DESC, id",
            [
                row["sub_item_code"] or None,
                row["item_number"] or None,
                row["title"],
                row["category"],
                row["sub_item_code"] or None,
                row["item_number"] or None,
            ],
        ):
            found = store.get(db, RECORD, candidate)
            if found and (
                (row["sub_item_code"] and found["sub_item_code"] == row["sub_item_code"])
                or _same_place(found["region_codes"], row["region_codes"])
            ):
                stored = found
                break
    return onto_stored(stored, row) if stored else row


def _same_place(codes: list[str], others: list[str]) -> bool:
    """True when a region of one list is, contains or lies in a region of the other."""
    tree = divisions()
    lineage = lambda code: {r.code for r in tree.ancestors(code)} | {code}  # noqa: E731
    return any(a in lineage(b) or b in lineage(a) for a in codes for b in others)


def report_json(report: ImportReport) -> str:
    """The report as one JSON object."""
    data = report.to_json()
    data["problems"] = [asdict(p) for p in report.problems]
    return json.dumps(data, ensure_ascii=False)


def report_from_json(text: str) -> ImportReport:
    """The report that :func:`report_json` wrote."""
    data = json.loads(text)
    problems = [Problem(**p) for p in data.pop("problems")]
    return ImportReport(**data, problems=problems)
