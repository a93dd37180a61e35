"""What the index holds about a record: the schema, the document, and the domain dictionary."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sqlite_utils
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from heritage import corpus, store, vocab
from heritage.fields import public_fields
from heritage.regions import divisions, name_stem
from heritage.visibility import OPENS
from indexer.analysis import (
    CharAnalyzer,
    FastPositions,
    HeritageAnalyzer,
    PinyinAnalyzer,
    name_key,
    pinyin_of,
    whole_pinyin,
)

# The shape of the documents and the analysis that made them: raised whenever either changes, so that
# an index built before is known to need a rebuild (2: digits of days and ordinals as Chinese numerals;
# 3: the names of a record's inheritors, its item number).
SCHEMA_VERSION = 3
# Long text fields that make up the body, in the order a reader meets them.
BODY_FIELDS = (
    "content",
    "history",
    "features",
    "values_text",
    "lineage",
    "vitality_note",
    "measures",
    "subcategory",
    "artifacts",
    "places",
    "region_text",
    "nominating_unit",
    "protecting_unit",
)


def make_schema() -> Schema:
    """The index schema; analyzers are module-level classes, so the pickled schema reopens."""

    def text(analyzer=None) -> TEXT:
        field = TEXT(analyzer=analyzer or HeritageAnalyzer(), phrase=True)
        field.format = FastPositions()
        return field

    return Schema(
        id=ID(stored=True, unique=True),
        version=STORED,
        title=text(),
        aliases=text(),
        native=text(),
        body=text(),
        chars=text(CharAnalyzer()),
        pinyin=TEXT(analyzer=PinyinAnalyzer(), phrase=False),
        category=KEYWORD(commas=True),
        ethnic=KEYWORD(commas=True),
        region=KEYWORD(commas=True),
        province=KEYWORD(commas=True),
        level=KEYWORD(commas=True),
        batch=KEYWORD(commas=True),
        listing=KEYWORD(commas=True),
        status=KEYWORD(commas=True),
        access=KEYWORD(commas=True),
        year=NUMERIC(sortable=True),
        title_key=ID(sortable=True),
        people=KEYWORD(commas=True),
        inheritors=KEYWORD(commas=True),
        item_number=KEYWORD(commas=True),
    )


def _text(value: Any) -> str:
    return "\n".join(value) if isinstance(value, list) else str(value or "")


def region_codes_with_ancestors(codes: Iterable[str]) -> list[str]:
    """Every code and the codes above it: a county record is also found under its prefecture and province."""
    tree = divisions()
    return list(dict.fromkeys(r.code for code in codes for r in tree.ancestors(code)))


def person_term(reader: str, name: str) -> str:
    """The ``people`` term that lets ``reader`` find a record by an inheritor's name (or its full pinyin)."""
    return f"{reader}:{name_key(name)}"


def people_terms(people: dict[str, list[str]]) -> list[str]:
    """The ``people`` terms of a record's inheritors (heritage.people.names_by_record): each name, and
    its full pinyin, under each reader who may see it."""
    names = {reader: people.get(reader, []) for reader in OPENS}
    terms = [
        person_term(reader, key)
        for reader, found in names.items()
        for name in found
        for key in (name, *whole_pinyin(name_key(name))[:1])
    ]
    return list(dict.fromkeys(terms))


def document(record: dict[str, Any], people: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The index document of a record; fields a record keeps from the public are left out.  ``people``
    (heritage.people.names_by_record) gives its inheritors: their ids, and the names each reader may see."""
    natives = [" ".join(filter(None, (n["name"], n["transliteration"]))) for n in record["native_names"]]
    names = [record["title"], *record["aliases"], *[n["transliteration"] for n in record["native_names"]]]
    regions = region_codes_with_ancestors(record["region_codes"])
    public = public_fields(record)
    body = "\n".join(_text(record[name]) for name in BODY_FIELDS if name in public and record.get(name))
    doc = {
        "id": record["id"],
        "version": record["version"],
        "title": record["title"],
        "aliases": "\n".join(record["aliases"]),
        "native": "\n".join(natives),
        "body": body,
        "chars": "\n".join([record["title"], *record["aliases"]]),
        "pinyin": "\n".join(filter(None, names)),
        "category": record["category"],
        "ethnic": ",".join(record["ethnic_groups"]),
        "region": ",".join(regions),
        "province": ",".join(code for code in regions if code.endswith("0000")),
        "level": record["level"] or "",
        "batch": str(record["batch"] or ""),
        "listing": record["listing_type"] or "",
        "status": record["status"],
        "access": record["access"],
        "title_key": pinyin_of(record["title"]),
        "people": ",".join(people_terms(people or {})),
        "inheritors": ",".join((people or {}).get("ids", [])),
        "item_number": (record.get("item_number") or "").replace(",", ""),
    }
    if record["year"]:
        doc["year"] = record["year"]
    return doc


_NAME_PARTS = re.compile(r"[（）()【】〈〉《》“”\"、，,；;：:·\s]+")


def name_words(names: Iterable[str]) -> list[str]:
    """The dictionary words that titles and aliases give: each name and its parts between punctuation."""
    return [part for name in names for part in _NAME_PARTS.split(name or "") if 2 <= len(part) <= 12]


def record_names(record: dict[str, Any]) -> list[str]:
    """The names of a record that feed the domain dictionary: its title and aliases."""
    return [record["title"], *record["aliases"]]


def dictionary_words(db: sqlite_utils.Database) -> list[str]:
    """The domain dictionary: groups, categories, places, curated words, every title and alias."""
    words: list[str] = [g.name for g in vocab.ETHNIC_GROUPS] + [c.name for c in vocab.CATEGORIES]
    for region in divisions().regions.values():
        words += [region.name, name_stem(region.name)]
    words += corpus.domain_words()
    words += name_words(store.titles_and_aliases(db))
    return [w for w in words if len(w) >= 2]
