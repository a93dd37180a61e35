"""The schema as a named registry of migrations, applied in order, each once."""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlite_utils

from heritage.db import now, write
from heritage.fields import INHERITOR_FIELDS, LIST_TYPES, RECORD_FIELDS, Field
from heritage.items import item_key

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    """Register a migration under a name that never changes once released."""

    def register(function: Migration) -> Migration:
        MIGRATIONS.append((name, function))
        return function

    return register


def _scalar_columns(fields: tuple[Field, ...]) -> dict[str, type]:
    types = {"year": int, "batch": int, "bool": int}
    return {f.name: types.get(f.type, str) for f in fields if f.type not in LIST_TYPES}


_BOOKKEEPING = {"version": int, "created_at": str, "updated_at": str}


@migration("0001_census_store")
def _census_store(db: sqlite_utils.Database) -> None:
    columns = _scalar_columns(RECORD_FIELDS) | _BOOKKEEPING
    db.table("records").create(columns, pk="id", not_null={"title", "category", "status", "access"})
    db.table("records").create_index(["ref"], unique=True)
    for column in ("category", "status", "item_number", "sub_item_code"):
        db.table("records").create_index([column])
    db.table("record_values").create(
        {"record_id": str, "field": str, "position": int, "value": str},
        pk=("record_id", "field", "position"),
        foreign_keys=[("record_id", "records", "id")],
    )
    db.table("record_values").create_index(["field", "value"])

    db.table("inheritors").create(
        _scalar_columns(INHERITOR_FIELDS) | _BOOKKEEPING, pk="id", not_null={"name", "access"}
    )
    db.table("inheritors").create_index(["ref"], unique=True)
    db.table("inheritor_values").create(
        {"inheritor_id": str, "field": str, "position": int, "value": str},
        pk=("inheritor_id", "field", "position"),
        foreign_keys=[("inheritor_id", "inheritors", "id")],
    )
    db.table("inheritor_values").create_index(["field", "value"])
    db.table("inheritor_items").create(
        {"inheritor_id": str, "record_id": str, "position": int},
        pk=("inheritor_id", "record_id"),
        foreign_keys=[("inheritor_id", "inheritors", "id"), ("record_id", "records", "id")],
    )
    db.table("inheritor_items").create_index(["record_id"])

    db.table("media").create(
        {
            "id": str,
            "record_id": str,
            "position": int,
            "kind": str,
            "storage_id": str,
            "sha256": str,
            "format": str,
            "width": int,
            "height": int,
            "caption": str,
            "author": str,
            "taken_on": str,
            "rights": str,
            "original_name": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("record_id", "records", "id")],
    )
    db.table("media").create_index(["record_id", "position"])

    db.table("revisions").create(
        {
            "id": int,
            "entity": str,
            "entity_id": str,
            "version": int,
            "user": str,
            "at": str,
            "note": str,
            "diff": str,
        },
        pk="id",
    )
    db.table("revisions").create_index(["entity", "entity_id", "version"], unique=True)
    db.table("outbox").create(
        {
            "id": int,
            "entity": str,
            "entity_id": str,
            "version": int,
            "created_at": str,
            "done_at": str,
        },
        pk="id",
    )
    db.table("outbox").create_index(["done_at"])
    db.table("users").create(
        {
            "username": str,
            "password_hash": str,
            "role": str,
            "display_name": str,
            "disabled": int,
            "failed_logins": int,
            "locked_until": str,
            "created_at": str,
        },
        pk="username",
        not_null={"password_hash", "role"},
    )


@migration("0002_exhibits_and_articles")
def _exhibits_and_articles(db: sqlite_utils.Database) -> None:
    db.table("exhibits").create(
        {
            "id": str,
            "title": str,
            "intro": str,
            "position": int,
            "status": str,
            "version": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"title", "status"},
    )
    db.table("exhibit_items").create(
        {"exhibit_id": str, "record_id": str, "position": int, "note": str},
        pk=("exhibit_id", "position"),
        foreign_keys=[("exhibit_id", "exhibits", "id"), ("record_id", "records", "id")],
    )
    db.table("exhibit_items").create_index(["record_id"])
    db.table("articles").create(
        {
            "id": str,
            "title": str,
            "kind": str,
            "published_on": str,
            "source": str,
            "summary": str,
            "body": str,
            "status": str,
            "version": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"title", "kind", "status"},
    )
    db.table("articles").create_index(["published_on"])


@migration("0003_curation")
def _curation(db: sqlite_utils.Database) -> None:
    db.table("drafts").create(
        {
            "id": int,
            "entity": str,
            "entity_id": str,
            "base_version": int,
            "current_version": int,
            "user": str,
            "at": str,
            "data": str,
        },
        pk="id",
    )
    db.table("drafts").create_index(["entity", "entity_id"])
    db.table("clue_contacts").create(
        {"record_id": str, "contact": str, "created_at": str},
        pk="record_id",
        foreign_keys=[("record_id", "records", "id")],
    )
    db.table("clue_log").create({"id": int, "client": str, "at": str}, pk="id")
    db.table("clue_log").create_index(["client", "at"])


@migration("0004_workspace_indexes")
def _workspace_indexes(db: sqlite_utils.Database) -> None:
    db.table("records").create_index(["status", "updated_at"])  # the queues, longest waiting first
    db.table("revisions").create_index(["user", "at"])  # a curator's recent saves


@migration("0005_exhibit_cover")
def _exhibit_cover(db: sqlite_utils.Database) -> None:
    db.table("exhibits").add_column("cover_record", str)  # the record whose photograph stands for the exhibit


@migration("0006_session_version")
def _session_version(db: sqlite_utils.Database) -> None:
    """Sign-out and a password change end every session begun before them (see web.auth)."""
    db.execute("ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0")


@migration("0007_import_match_indexes")
def _import_match_indexes(db: sqlite_utils.Database) -> None:
    # an import recognises rows without 编号 or 来源编号 by name: without these, a scan per row
    db.table("records").create_index(["title"])
    db.table("inheritors").create_index(["name"])


@migration("0008_article_genre")
def _article_genre(db: sqlite_utils.Database) -> None:
    """An article's 政策/新闻 is its genre ("kind" names the kind of entity); old revisions say so too."""
    db.execute("ALTER TABLE articles RENAME COLUMN kind TO genre")
    db.execute(
        "UPDATE revisions SET diff = json_remove(json_set(diff, '$.genre', json(json_extract(diff, '$.kind'))), '$.kind')"
        " WHERE entity = 'article' AND json_type(diff, '$.kind') IS NOT NULL"
    )


@migration("0009_sound_and_video")
def _sound_and_video(db: sqlite_utils.Database) -> None:
    """Media of three media (image, audio, video); a job per recording for its web versions (heritage.transcode)."""
    db.execute("ALTER TABLE media RENAME COLUMN kind TO medium")
    for column, column_type in (("duration", float), ("codecs", str), ("captions", str)):
        db.table("media").add_column(column, column_type)
    db.table("media_jobs").create(
        {
            "media_id": str,
            "state": str,
            "progress": float,
            "message": str,
            "worker": int,
            "queued_at": str,
            "started_at": str,
            "done_at": str,
        },
        pk="media_id",
        foreign_keys=[("media_id", "media", "id")],
    )
    db.table("media_jobs").create_index(["state", "queued_at"])


@migration("0010_lineage")
def _lineage(db: sqlite_utils.Database) -> None:
    """Master -> apprentice links (传承谱系) of an item, as a public source states them (heritage.lineage)."""
    db.table("lineage").create(
        {
            "id": int,
            "record_id": str,
            "master_id": str,
            "master_name": str,
            "apprentice_id": str,
            "apprentice_name": str,
            "relation": str,
            "source": str,
        },
        pk="id",
        not_null={"record_id", "master_name", "apprentice_name", "source"},
        foreign_keys=[
            ("record_id", "records", "id"),
            ("master_id", "inheritors", "id"),
            ("apprentice_id", "inheritors", "id"),
        ],
    )
    db.table("lineage").create_index(["record_id", "master_name", "apprentice_name"], unique=True)
    db.table("lineage").create_index(["master_id"])
    db.table("lineage").create_index(["apprentice_id"])


@migration("0011_exhibit_sections")
def _exhibit_sections(db: sqlite_utils.Database) -> None:
    """Exhibits as stories: sections of narrative text, each item placed in one, and the sources."""
    db.table("exhibits").add_column("sources", str)  # one source a line
    db.table("exhibit_sections").create(
        {"exhibit_id": str, "position": int, "heading": str, "body": str},
        pk=("exhibit_id", "position"),
        foreign_keys=[("exhibit_id", "exhibits", "id")],
    )
    db.table("exhibit_items").add_column("section", int)  # the position of its section, or none


@migration("0012_store_at_scale")
def _store_at_scale(db: sqlite_utils.Database) -> None:
    """Indexes for the page queries that read a whole table at 10^6 records (bench/store_scale.py)."""
    # what a reader may open, in id order (the sitemap's files and counts): read from the index alone
    db.table("records").create_index(["status", "access", "id", "updated_at"])
    db.table("inheritors").create_index(["access", "id", "updated_at"])
    # a queue in waiting order, ties by id, from the index alone (its last page at 10^6 records: 1.5 s)
    db.execute("DROP INDEX idx_records_status_updated_at")
    db.table("records").create_index(["status", "updated_at", "id"])
    # a queue searched by part of a name or an id: matched in the index alone, not row by row
    db.table("records").create_index(["status", "title", "id", "updated_at"])
    # the few entities whose field access differs from the fields' defaults (indexer.hidden)
    for table in ("records", "inheritors"):
        db.execute(
            f"CREATE INDEX idx_{table}_field_access ON {table} (id, field_access) WHERE field_access NOT IN ('', '{{}}')"
        )
    # records of one item from one place (heritage.store.same_items): grouped from an index alone
    db.execute("ALTER TABLE records ADD COLUMN item_key TEXT")
    db.conn.create_function(
        "item_key", 3, lambda title, category, places: item_key(title, category, json.loads(places))
    )
    db.execute(
        "UPDATE records SET item_key = item_key(title, category, (SELECT json_group_array(value)"
        " FROM record_values WHERE record_id = records.id AND field = 'region_codes'))"
    )
    db.table("records").create_index(["item_key", "id"])


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this database lacks, each in its own write transaction; whether one is
    lacking is read inside that transaction, so processes opening the store together (``heritage serve``
    and its workers) apply each migration once."""
    if "migrations" not in db.table_names():
        with write(db):
            db.table("migrations").create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
    applied = []
    for name, function in MIGRATIONS:
        if _applied(db, name):
            continue
        with write(db):
            if _applied(db, name):  # another process applied it while this one waited for the lock
                continue
            function(db)
            db.table("migrations").insert({"name": name, "applied_at": now()})
        applied.append(name)
    return applied


def _applied(db: sqlite_utils.Database, name: str) -> bool:
    return db.execute("SELECT 1 FROM migrations WHERE name = ?", [name]).fetchone() is not None
