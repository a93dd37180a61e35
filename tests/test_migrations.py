"""Migrations carry a database from any earlier schema to the current one without losing what it holds."""

import json
import subprocess
import sys

from heritage import articles, migrations
from heritage.db import connect, write
from heritage.items import item_key
from heritage.visibility import PUBLISHED


def _migrated_until(db, last: str) -> None:
    """Apply the migrations up to and including ``last``, as an older release would have."""
    with write(db):
        db.table("migrations").create({"name": str, "applied_at": str}, pk="name")
    for name, function in migrations.MIGRATIONS:
        with write(db):
            function(db)
            db.table("migrations").insert({"name": name, "applied_at": "2026-01-01T00:00:00"})
        if name == last:
            return


def test_an_article_kind_becomes_its_genre_in_rows_and_revisions(tmp_path):
    db = connect(tmp_path / "heritage.db")
    _migrated_until(db, "0007_import_match_indexes")
    with write(db):
        db.table("articles").insert(
            {
                "id": "a1",
                "title": "保护条例",
                "kind": "新闻",
                "published_on": "2024-05-01",
                "body": "正文",
                "status": PUBLISHED,
            }
        )
        diff = {"title": [None, "保护条例"], "kind": [None, "新闻"]}
        db.table("revisions").insert(
            {
                "entity": "article",
                "entity_id": "a1",
                "version": 1,
                "user": "u",
                "at": "t",
                "note": "",
                "diff": json.dumps(diff),
            }
        )
    assert "0008_article_genre" in migrations.migrate(db)
    assert articles.get(db, "a1")["genre"] == "新闻"
    (stored,) = [json.loads(r["diff"]) for r in db.table("revisions").rows]
    assert stored == {"title": [None, "保护条例"], "genre": [None, "新闻"]}
    assert "kind" not in db.table("articles").columns_dict


def test_the_store_at_scale_gets_its_indexes_over_the_records_it_holds(tmp_path):
    db = connect(tmp_path / "heritage.db")
    _migrated_until(db, "0011_exhibit_sections")
    with write(db):
        db.table("records").insert(
            {"id": "R1", "title": "苗族古歌", "category": "民间文学", "status": PUBLISHED, "access": "public"}
        )
        for position, code in enumerate(["522600", "520000"]):
            db.table("record_values").insert(
                {"record_id": "R1", "field": "region_codes", "position": position, "value": code}
            )
    assert "0012_store_at_scale" in migrations.migrate(db)
    indexes = {index.name for index in db.table("records").indexes}
    assert {
        "idx_records_status_access_id_updated_at",
        "idx_records_field_access",
        "idx_records_item_key_id",
    } <= indexes
    assert db.execute("SELECT item_key FROM records").fetchall() == [
        (item_key("苗族古歌", "民间文学", ["520000", "522600"]),)
    ]


MIGRATE = """
import sys
from heritage.db import connect
from heritage.migrations import migrate
migrate(connect(sys.argv[1]))
"""


def test_processes_opening_an_older_store_together_apply_each_migration_once(tmp_path):
    """heritage serve and its two workers open the store at once: each migration runs in one of them."""
    path = tmp_path / "heritage.db"
    db = connect(path)
    _migrated_until(db, "0011_exhibit_sections")
    with write(db):
        db["records"].insert_all(
            {"id": f"R{n}", "title": f"记录{n}", "category": "民俗", "status": PUBLISHED, "access": "public"}
            for n in range(20_000)
        )
    db.conn.close()
    starts = [subprocess.Popen([sys.executable, "-c", MIGRATE, str(path)], stderr=subprocess.PIPE) for _ in range(3)]
    errors = [process.communicate(timeout=300)[1].decode() for process in starts]
    assert [process.returncode for process in starts] == [0, 0, 0], errors
    names = [row[0] for row in connect(path).execute("SELECT name FROM migrations")]
    assert names.count("0012_store_at_scale") == 1
