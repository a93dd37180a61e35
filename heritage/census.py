"""The census at a glance: coverage of the deployment's area, the workflow, completeness and risk.

Every figure is a set of ids, so that a number and the list behind it are one thing:
``Census.ids(figure, key)`` gives exactly the records (or inheritors) that ``Census.count`` counts.
The workspace (reader None) counts every record and inheritor; a public reader or a researcher counts
only the records :func:`heritage.visibility.view` lets them see, field by field, and no inheritor
figures (those rest on birth dates, which only researchers may see)."""

from __future__ import annotations

import datetime as dt
import json
import os
import runpy
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlite_utils

from heritage import census_files, vocab
from heritage.completeness import completeness
from heritage.fields import LIST_TYPES, RECORD_FIELDS
from heritage.history import last_change
from heritage.regions import COUNTY, DEPTH, PROVINCE, Region, divisions
from heritage.visibility import HIDDEN_COLUMNS, PUBLIC, RESEARCHER, sql_condition, view

KEEP = 32  # censuses kept per process (a scope, a reader, a level each)
_KEPT: OrderedDict[tuple[Any, ...], Census] = OrderedDict()
_LOCK = threading.Lock()
_COUNTED = [0]  # times figures were counted in this process (see times_counted)
AGED = 70  # an item is at risk when every living inheritor is this old or older
REGION_VARIABLE = "HERITAGE_REGION"
WHOLE_COUNTRY = ("", "全国", "000000", "100000")
NOT_GIVEN = "未填"
# Completeness in tenths (0–9 … 90–99) and whole.
BUCKETS = tuple(f"{n}–{n + 9}" for n in range(0, 100, 10)) + ("100",)
# Age bands of an inheritor pyramid, oldest first, and the band of an unknown birth year.
BANDS = ("90 岁以上", "80–89 岁", "70–79 岁", "60–69 岁", "50–59 岁", "40–49 岁", "40 岁以下")
NO_BIRTH_YEAR = "出生年不详"
SEXES = (*vocab.SEXES, NOT_GIVEN)
# figure -> (Chinese name, what its ids are)
FIGURES = {
    "total": ("范围内的记录", "record"),
    "place": ("按地区", "record"),
    "unplaced": ("未写到这一级地区的记录", "record"),
    "category": ("按类别", "record"),
    "category_place": ("类别 × 地区", "record"),
    "status": ("按流程状态", "record"),
    "curator": ("按录入人与状态", "record"),
    "created": ("按月新建", "record"),
    "saved": ("按月有保存", "record"),
    "completeness": ("完整度", "record"),
    "vitality": ("存续状况", "record"),
    "no_living": ("无在世传承人的项目", "record"),
    "aged": (f"在世传承人均已 {AGED} 岁以上的项目", "record"),
    "age": ("在世传承人的年龄与性别", "inheritor"),
    "batch": ("传承人按认定批次", "inheritor"),
}
_LONG = {f.name for f in RECORD_FIELDS if f.type == "long"}
_SHORT = [f.name for f in RECORD_FIELDS if f.type not in LIST_TYPES and f.name not in _LONG]
_LISTS = [f.name for f in RECORD_FIELDS if f.type in LIST_TYPES]
# what a reader's figures read of a record, and what the visibility rule decides by
_READ = {"id", "title", "category", "vitality", "region_codes", *HIDDEN_COLUMNS, "status"}


class ScopeError(ValueError):
    """A region or a date that cannot be read; the message is in Chinese."""


@dataclass(frozen=True)
class Scope:
    """What a census covers: an area (None: the whole country) and the days records were entered."""

    area: Region | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def label(self) -> str:
        """The area and period in words: 贵州省，2024-01-01 至 2024-12-31."""
        place = divisions().label(self.area.code) if self.area else "全国"
        if not (self.start or self.end):
            return place
        return f"{place}，{self.start or '最早'} 至 {self.end or '今'}"

    def params(self) -> dict[str, str]:
        """The scope as the query parameters (region, from, to) that ask for it again."""
        given = {"region": self.area.code if self.area else "", "from": self.start, "to": self.end}
        return {name: str(value) for name, value in given.items() if value}


def deployment_region(home: Path) -> str:
    """The deployment's area as configured: ``REGION`` in the data folder's site.cfg, else the
    environment's HERITAGE_REGION, else the whole country (as the site reads its settings)."""
    settings = home / "site.cfg"
    configured = runpy.run_path(str(settings)).get("REGION") if settings.is_file() else None
    return str(configured or os.environ.get(REGION_VARIABLE, ""))


def area(text: str | None) -> Region | None:
    """The region a code or a name means (None for the whole country); ScopeError when it is unknown
    or names several places."""
    text = (text or "").strip()
    if text in WHOLE_COUNTRY:
        return None
    found = divisions().find(text) if len(text) <= 40 else []
    if not found:
        raise ScopeError(f"地区“{text[:40]}”无法识别：请写六位行政区划代码（如 520000）或地名（如 贵州省）")
    if len(found) > 1:
        codes = "、".join(f"{r.code} {divisions().label(r.code)}" for r in found)
        raise ScopeError(f"地区“{text}”指多处：{codes}，请写其中一个代码")
    return found[0]


def day(text: str | None, name: str) -> dt.date | None:
    """A date written 2024-05-01 (None when empty); ScopeError naming the parameter otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _bad_day(text, name)
    except ValueError:
        return _bad_day(text, name)


def _bad_day(text: str, name: str) -> dt.date:
    raise ScopeError(f"{name}“{text[:20]}”不是有效的日期：请写成 2024-05-01 这样的年-月-日")


def scope(region: str | None = None, start: str | None = None, end: str | None = None) -> Scope:
    """A Scope from what a person typed; ScopeError (in Chinese) for anything it cannot read."""
    chosen = Scope(area(region), day(start, "起始日期"), day(end, "结束日期"))
    if chosen.start and chosen.end and chosen.start > chosen.end:
        raise ScopeError(f"起始日期 {chosen.start} 晚于结束日期 {chosen.end}")
    return chosen


def units(where: Region | None, level: str | None = None) -> list[Region]:
    """The places coverage is counted by: the divisions of ``level`` in the area, by default the
    provinces of the country and the counties of a province or a prefecture (a county: itself)."""
    level = level or (PROVINCE if where is None else COUNTY)
    if where is not None and DEPTH[where.level] >= DEPTH[level]:
        return [where]
    return sorted(_descendants(where, level), key=lambda r: r.code)


def _descendants(region: Region | None, level: str) -> list[Region]:
    below = divisions().children(region.code if region else None)
    return [r for child in below for r in ([child] if child.level == level else _descendants(child, level))]


@dataclass
class Census:
    """The figures of one scope as one reader may count them: {figure: {key: count}}, and the ids behind
    each count with what each is called ({"sets": {figure: {key: ids}}, "titles": {id: name}}), which a
    census read from its files reads only when a list is asked for (at 10^6 records they are most of it)."""

    scope: Scope
    reader: str | None
    units: list[Region]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    listed: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    source: Callable[[], dict[str, Any] | None] | None = field(default=None, repr=False, compare=False)
    # what pages make of these figures (a drawn map), kept with them: both last while the store is unchanged
    derived: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def sets(self) -> dict[str, dict[str, list[str]]]:
        """{figure: {key: ids}}."""
        return self._listed()["sets"]

    @property
    def titles(self) -> dict[str, str]:
        """What each counted record or inheritor is called."""
        return self._listed()["titles"]

    def _listed(self) -> dict[str, Any]:
        if self.listed is None:
            self.listed = (self.source() if self.source else None) or {"sets": {}, "titles": {}}
        return self.listed

    def ids(self, figure: str, key: str = "") -> list[str]:
        """The ids a figure counts under a key (records, or inheritors for age and batch), by id."""
        return self.sets.get(figure, {}).get(key, [])

    def count(self, figure: str, key: str = "") -> int:
        """How many the figure counts under a key."""
        return self.counts.get(figure, {}).get(key, 0)

    def keys(self, figure: str) -> list[str]:
        """The keys a figure has counts for, in order."""
        return list(self.counts.get(figure, {}))

    def gaps(self) -> list[Region]:
        """The units of the area without any record: the survey's gaps."""
        return [u for u in self.units if not self.count("place", u.code)]


def _add(sets: dict[str, dict[str, list[str]]], figure: str, key: str, entity_id: str) -> None:
    sets.setdefault(figure, {}).setdefault(key, []).append(entity_id)


def _records(db: sqlite_utils.Database, reader: str | None, chosen: Scope) -> Iterator[dict[str, Any]]:
    """Every record of the area (all, for the whole country) that the reader may count, as they may see
    it, in id order: for the workspace every field (its completeness is counted), with long texts reduced
    to filled or not; for a reader the fields a reader's figures read, and those the visibility rule
    decides by.  Rows and their list values are read side by side in id order, one record at a time."""
    where, params = _where(reader, chosen)
    if reader:
        columns, listed = [name for name in _SHORT if name in _READ], [name for name in _LISTS if name in _READ]
    else:
        filled = [f"CASE WHEN nullif({name}, '') IS NULL THEN NULL ELSE 1 END AS {name}" for name in sorted(_LONG)]
        columns, listed = _SHORT + filled, _LISTS
    values = db.execute(
        f"SELECT record_id, field, value FROM record_values WHERE field IN ({', '.join('?' * len(listed))})"
        f" AND record_id IN (SELECT id FROM records WHERE {where}) ORDER BY record_id, field, position",
        [*listed, *params],
    )
    pending = next(values, None)
    images = dict(db.execute("SELECT record_id, count(*) FROM media WHERE medium = 'image' GROUP BY record_id"))
    for row in db.query(f"SELECT {', '.join(columns)}, created_at FROM records WHERE {where} ORDER BY id", params):
        lists: dict[str, list[str]] = {name: [] for name in listed}
        while pending is not None and pending[0] == row["id"]:
            lists[pending[1]].append(pending[2])
            pending = next(values, None)
        entity = row | {"field_access": _decoded(row["field_access"] or "{}")} | lists
        seen = view(entity, RECORD_FIELDS, reader) if reader else entity
        if seen:
            seen["images"] = images.get(row["id"], 0)
            seen["created_at"] = row["created_at"]
            yield seen


def _where(reader: str | None, chosen: Scope) -> tuple[str, list[str]]:
    """The records of the scope's area that the reader may count, as a SQL condition on ``records``."""
    where, params = sql_condition(reader) if reader else ("1", [])
    if chosen.area:  # a record is in the area when one of its places is the area or lies under it
        where += (
            " AND id IN (SELECT record_id FROM record_values WHERE field = 'region_codes'"
            " AND value IN (SELECT value FROM json_each(?)))"
        )
        params = [*params, json.dumps(_subtree(chosen.area))]
    return where, params


def _subtree(region: Region) -> list[str]:
    """The codes of a region and of every region under it."""
    return [region.code, *(code for child in divisions().children(region.code) for code in _subtree(child))]


@lru_cache(maxsize=256)
def _decoded(field_access: str) -> dict[str, str]:
    """A record's field access levels, decoded once for all the records that share them (most share "{}")."""
    return json.loads(field_access)


def _inheritors(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every inheritor (for the workspace), with their items and places."""
    items: dict[str, list[str]] = defaultdict(list)
    for person, record_id in db.execute("SELECT inheritor_id, record_id FROM inheritor_items ORDER BY position"):
        items[person].append(record_id)
    places: dict[str, list[str]] = defaultdict(list)
    for person, code in db.execute(
        "SELECT inheritor_id, value FROM inheritor_values WHERE field = 'region_codes' ORDER BY position"
    ):
        places[person].append(code)
    return [
        row | {"items": items[row["id"]], "region_codes": places[row["id"]]}
        for row in db.query("SELECT id, name, sex, birth_date, death_year, batch FROM inheritors ORDER BY id")
    ]


def _creators(db: sqlite_utils.Database, chosen: Scope) -> dict[str, str]:
    where, params = _where(None, chosen)
    return dict(
        db.execute(
            "SELECT entity_id, user FROM revisions WHERE entity = 'record' AND version = 1"
            f" AND entity_id IN (SELECT id FROM records WHERE {where})",
            params,
        )
    )


def _saves(db: sqlite_utils.Database, chosen: Scope) -> Iterator[tuple[str, str]]:
    where, params = _where(None, chosen)
    return db.execute(
        "SELECT DISTINCT entity_id, substr(at, 1, 10) FROM revisions WHERE entity = 'record'"
        f" AND entity_id IN (SELECT id FROM records WHERE {where})",
        params,
    )


def _within(chosen: Scope, stamp: str | None) -> bool:
    when = (stamp or "")[:10]
    return (not chosen.start or when >= str(chosen.start)) and (not chosen.end or when <= str(chosen.end))


def _places(codes: list[str]) -> set[str]:
    """A record's regions and every region above them."""
    return {above for code in codes for above in _above(code)}


@lru_cache(maxsize=8192)
def _above(code: str) -> tuple[str, ...]:
    return tuple(r.code for r in divisions().ancestors(code))


def census(db: sqlite_utils.Database, chosen: Scope, reader: str | None = None, level: str | None = None) -> Census:
    """The figures of a scope: reader None counts every record (the workspace), else what they may see;
    places are counted by the divisions of ``level`` (see :func:`units`).  Figures are kept while the
    store is unchanged (the same newest revision and images) on the same day: in this process, and in
    the files :func:`precompute` writes (the sync worker's), which a request reads instead of counting."""
    level = level or default_level(chosen)
    state = _state(db)
    key = _key(db, state, chosen, reader, level)
    with _LOCK:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            return _KEPT[key]
    name = _file_name(chosen, reader, level)
    kept = census_files.read(db, name, state)
    if kept:
        lists = census_files.later(db, [*name, "lists"], state)
        found = Census(chosen, reader, units(chosen.area, level), kept["counts"], source=lists)
    else:
        found = _count(db, chosen, reader, level)
    _keep(key, found)
    return found


def precompute(home: Path, db: sqlite_utils.Database) -> int:
    """Count the figures the pages show by default (the deployment's area at its default level, for
    the workspace, researchers and the public) when the store changed since this process last counted
    them, and keep them in files for the site's requests; the index sync worker calls this after each
    round, so a process that starts counts them afresh.  Returns how many scopes were counted."""
    try:
        chosen = Scope(area(deployment_region(home)))
    except ScopeError:
        return 0  # the site refuses to start with such an area
    level = default_level(chosen)
    counted = 0
    for reader in (None, RESEARCHER, PUBLIC):
        db.conn.execute("BEGIN")  # the state and the figures from one snapshot of the store
        try:
            state = _state(db)
            key = _key(db, state, chosen, reader, level)
            with _LOCK:
                if key in _KEPT:
                    continue
            if census_files.current(db, _file_name(chosen, reader, level), state):
                continue  # counted by an earlier worker for the store as it is
            found = _count(db, chosen, reader, level)
        finally:
            db.conn.rollback()
        name = _file_name(chosen, reader, level)
        census_files.write(db, [*name, "lists"], state, found._listed())  # before the counts that point to it
        census_files.write(db, name, state, {"counts": found.counts})
        _keep(key, replace(found, listed=None, source=census_files.later(db, [*name, "lists"], state)))
        counted += 1
    return counted


def is_precomputed(
    db: sqlite_utils.Database, chosen: Scope, reader: str | None = None, level: str | None = None
) -> bool:
    """Whether the figures of a scope are kept in a file for the store as it is now."""
    return census_files.current(db, _file_name(chosen, reader, level or default_level(chosen)), _state(db))


def default_level(chosen: Scope) -> str:
    """The level places are counted by unless asked: provinces of the country, counties of an area."""
    return PROVINCE if chosen.area is None else COUNTY


def times_counted() -> int:
    """How many times this process has counted figures (rather than finding them kept)."""
    return _COUNTED[0]


def _state(db: sqlite_utils.Database) -> list[Any]:
    """What the figures depend on: the newest revision, the images, the day."""
    images = db.execute("SELECT count(*), max(rowid) FROM media").fetchone()
    return [last_change(db), *images, dt.date.today().isoformat()]


def _key(db: sqlite_utils.Database, state: list[Any], *scope: Any) -> tuple[Any, ...]:
    """What a census is kept under in this process: the store's file, its state, the scope, reader, level."""
    return (db.execute("PRAGMA database_list").fetchone()[2], *state, *scope)


def _file_name(chosen: Scope, reader: str | None, level: str) -> list[Any]:
    return [chosen.params(), reader, level]


def _keep(key: tuple[Any, ...], found: Census) -> None:
    with _LOCK:
        _KEPT[key] = found
        while len(_KEPT) > KEEP:
            _KEPT.popitem(last=False)


def _count(db: sqlite_utils.Database, chosen: Scope, reader: str | None, level: str | None) -> Census:
    with _LOCK:
        _COUNTED[0] += 1
    found = Census(chosen, reader, units(chosen.area, level), listed={"sets": {}, "titles": {}})
    sets = found.sets
    unit_codes = {u.code for u in found.units}
    records: dict[str, str | None] = {}  # id -> status of each record counted
    for record in _records(db, reader, chosen):
        places = _places(record.get("region_codes") or [])
        if (chosen.area and chosen.area.code not in places) or not _within(chosen, record["created_at"]):
            continue
        records[record["id"]] = record.get("status")
        found.titles[record["id"]] = record.get("title") or record["id"]
        _count_record(sets, record, places & unit_codes, reader)
    if reader is None:
        creators = _creators(db, chosen)
        for record_id in records:
            _add(sets, "curator", f"{creators.get(record_id, NOT_GIVEN)}|{records[record_id]}", record_id)
        for record_id, when in _saves(db, chosen):
            if record_id in records and _within(chosen, when):
                _add(sets, "saved", when[:7], record_id)
        sets["saved"] = {k: sorted(set(v)) for k, v in sorted(sets.get("saved", {}).items())}
        # the risk figures rest on inheritors' birth dates, which the public may not see: workspace only
        _count_risk(sets, found.titles, records, _inheritors(db), chosen)
    _order(found)
    found.counts = {figure: {key: len(ids) for key, ids in keyed.items()} for figure, keyed in sets.items()}
    return found


def _count_record(sets: dict[str, dict[str, list[str]]], record: dict[str, Any], here: set[str], reader: str | None):
    record_id, category = record["id"], record.get("category") or NOT_GIVEN
    _add(sets, "total", "", record_id)
    _add(sets, "category", category, record_id)
    _add(sets, "vitality", record.get("vitality") or NOT_GIVEN, record_id)
    for code in sorted(here):
        _add(sets, "place", code, record_id)
        _add(sets, "category_place", f"{category}|{code}", record_id)
    if not here:
        _add(sets, "unplaced", "", record_id)
    if reader is None:
        _add(sets, "status", record.get("status") or NOT_GIVEN, record_id)
        _add(sets, "created", (record["created_at"] or "")[:7] or NOT_GIVEN, record_id)
        percent, _ = completeness(record, record["images"])
        _add(sets, "completeness", BUCKETS[min(percent // 10, 10)], record_id)


def _age_band(person: dict[str, Any], year: int) -> str:
    born = str(person.get("birth_date") or "")[:4]
    if not born.isdigit():
        return NO_BIRTH_YEAR
    age = year - int(born)
    return BANDS[0] if age >= 90 else BANDS[-1] if age < 40 else BANDS[9 - age // 10]


def _count_risk(
    sets, titles: dict[str, str], records: dict[str, str | None], people: list[dict[str, Any]], chosen: Scope
) -> None:
    """Inheritors of the area (their places, or their items in scope) by age and sex and by batch; the
    items with no living inheritor, and those whose living inheritors are all AGED or older."""
    year = (chosen.end or dt.date.today()).year
    living: dict[str, list[str]] = defaultdict(list)  # record -> age bands of its living inheritors
    for person in people:
        in_area = chosen.area is None or chosen.area.code in _places(person.get("region_codes") or [])
        carries = [r for r in person.get("items") or [] if r in records]
        if not (in_area or carries):
            continue
        titles[person["id"]] = person.get("name") or person["id"]
        _add(sets, "batch", str(person.get("batch") or NOT_GIVEN), person["id"])
        if person.get("death_year"):
            continue
        band = _age_band(person, year)
        _add(sets, "age", f"{person.get('sex') or NOT_GIVEN}|{band}", person["id"])
        for record_id in carries:
            living[record_id].append(band)
    old = set(BANDS[:3])
    for record_id in records:
        bands = living.get(record_id)
        if not bands:
            _add(sets, "no_living", "", record_id)
        elif all(band in old for band in bands):
            _add(sets, "aged", "", record_id)


def _order(found: Census) -> None:
    """Keys in reading order: units by code, categories and statuses as the vocabulary lists them."""
    orders = {
        "place": [u.code for u in found.units],
        "category": [c.name for c in vocab.CATEGORIES] + [NOT_GIVEN],
        "status": [*vocab.STATUSES, NOT_GIVEN],
        "vitality": [*vocab.VITALITY, NOT_GIVEN],
        "completeness": list(BUCKETS),
        "age": [f"{sex}|{band}" for band in (*BANDS, NO_BIRTH_YEAR) for sex in SEXES],
    }
    for figure, keys in found.sets.items():
        order = orders.get(figure)
        rank = {key: n for n, key in enumerate(order)} if order else {}
        found.sets[figure] = {
            key: sorted(keys[key]) for key in sorted(keys, key=lambda k: (rank.get(k, len(rank)), _number_first(k)))
        }


def _number_first(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (10**6, key)
