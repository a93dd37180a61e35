"""The one visibility rule: what of a record or an inheritor a reader may see.

Every public output (pages, the API, search results and snippets, exports, feeds, sitemaps)
is built from :func:`view`; nothing public reads a stored entity directly.  The same rule picks
rows in SQL (:func:`sql_condition`, :func:`published_condition`) and documents in the index
(:func:`index_terms`); no other module spells out a status or an access level to decide it."""

from __future__ import annotations

from typing import Any

from heritage.fields import RECORD_FIELDS, Field, visible_fields

# The readers, each named after the widest record-level access it opens.
PUBLIC, RESEARCHER = "public", "researcher"
# The record-level access each reader may open.
OPENS = {PUBLIC: (PUBLIC,), RESEARCHER: (PUBLIC, RESEARCHER)}
PUBLISHED = "已发布"
# Columns that say who may see what: never shown to a reader.
HIDDEN_COLUMNS = ("access", "field_access")
# What a record or an inheritor is called: a reader sees this in its place when the name is hidden.
NAME_FIELDS = ("title", "name")
WITHHELD_NAME = "（名称不公开）"


def view(
    entity: dict[str, Any] | None, fields: tuple[Field, ...] = RECORD_FIELDS, reader: str = PUBLIC
) -> dict[str, Any] | None:
    """The entity as ``reader`` (public or researcher) may see it, or None when it is not for them.

    A record must be published (已发布); a record or an inheritor must be open to the reader
    (公开, or 研究人员 for researchers); of its fields only those the reader may see are kept
    (each field's default access unless the entity's ``field_access`` says otherwise), with
    ``id`` and ``version`` always.  ``fields`` is RECORD_FIELDS or INHERITOR_FIELDS; an entity may
    be partial (a row of a listing): what it lacks is simply not in the view.  A hidden name
    (title, name) reads WITHHELD_NAME, so that every listing can still name the entity."""
    if entity is None or reader not in OPENS or entity.get("access") not in OPENS[reader]:
        return None
    if fields is RECORD_FIELDS and not published(entity):
        return None
    shown = (visible_fields(entity, fields, reader) - set(HIDDEN_COLUMNS)) | {"id", "version"}
    seen = {name: entity[name] for name in sorted(shown) if name in entity}
    return seen | {
        name: WITHHELD_NAME
        for name in NAME_FIELDS
        if name in entity and name not in seen and name in {f.name for f in fields}
    }


def index_terms(reader: str = PUBLIC) -> dict[str, tuple[str, ...]]:
    """The same rule as :func:`view` for records, as index filters: {field: values a document may hold}."""
    return {"status": (PUBLISHED,), "access": OPENS[reader]}


def published(entity: dict[str, Any] | None) -> bool:
    """Whether a record, an exhibit or an article is published (已发布): the status rule of :func:`view`."""
    return entity is not None and entity.get("status") == PUBLISHED


def published_condition(alias: str = "") -> tuple[str, list[str]]:
    """:func:`published` as a SQL condition with its parameters, on a table's ``status`` (``alias.status``)."""
    return f"{_column(alias, 'status')} = ?", [PUBLISHED]


def sql_condition(
    reader: str = PUBLIC, fields: tuple[Field, ...] = RECORD_FIELDS, alias: str = ""
) -> tuple[str, list[str]]:
    """The same rule as :func:`view` for whole entities, as a SQL condition with its parameters: the
    rows of records (``fields`` RECORD_FIELDS) or inheritors (INHERITOR_FIELDS) that ``reader`` may open."""
    opens = OPENS[reader]
    condition = f"{_column(alias, 'access')} IN ({', '.join('?' * len(opens))})"
    if fields is not RECORD_FIELDS:
        return condition, list(opens)
    status, params = published_condition(alias)
    return f"{status} AND {condition}", params + list(opens)


def _column(alias: str, name: str) -> str:
    return f"{alias}.{name}" if alias else name
