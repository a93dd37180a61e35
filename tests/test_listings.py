"""The domain's query functions, called directly on a real store: the visibility rule in SQL agrees
with heritage.visibility.view on every status × access × reader, and each listing returns what the
site and the workspace show."""

from __future__ import annotations

import io
import itertools

import pytest
from PIL import Image

from heritage import articles, exhibits, history, listings, media, store, users, vocab
from heritage.db import write
from heritage.fields import ACCESS_LABELS, RECORD_FIELDS
from heritage.visibility import OPENS, PUBLIC, RESEARCHER, published, published_condition, sql_condition, view

ACCESS_LEVELS = tuple(ACCESS_LABELS)
COMBINATIONS = list(itertools.product(vocab.STATUSES, ACCESS_LEVELS))


def _id(status: str, access: str) -> str:
    return f"R{vocab.STATUSES.index(status)}{ACCESS_LEVELS.index(access)}"


@pytest.fixture
def every_kind(db):
    """One record for each status and access, and one inheritor for each access (carrying every record),
    named so that name order is not id order."""
    with write(db):
        for status, access in COMBINATIONS:
            store.put(
                db,
                store.RECORD,
                {
                    "id": _id(status, access),
                    "title": f"{status}{access}",
                    "status": status,
                    "access": access,
                    "category": "民俗",
                    "dates": ["农历正月十五"],
                },
                "test",
            )
        for access in ACCESS_LEVELS:
            store.put(
                db,
                store.INHERITOR,
                {
                    "id": f"P{access}",
                    "name": f"传承人{2 - ACCESS_LEVELS.index(access)}",
                    "access": access,
                    "items": [_id(s, a) for s, a in COMBINATIONS],
                },
                "test",
            )
    return db


@pytest.mark.parametrize("reader", sorted(OPENS))
@pytest.mark.parametrize("kind", [store.RECORD, store.INHERITOR], ids=lambda kind: kind.name)
def test_the_sql_condition_picks_exactly_what_view_shows(every_kind, reader, kind):
    where, params = sql_condition(reader, kind.fields)
    picked = {row[0] for row in every_kind.execute(f"SELECT id FROM {kind.table} WHERE {where}", params)}
    shown = {e["id"] for e in store.iterate(every_kind, kind) if view(e, kind.fields, reader)}
    assert picked == shown and shown
    assert listings.visible_count(every_kind, kind, reader) == len(shown)
    assert [row[0] for row in listings.visible_page(every_kind, kind, 100, 0, reader)] == sorted(shown)


@pytest.mark.parametrize(("status", "access"), COMBINATIONS)
@pytest.mark.parametrize("reader", sorted(OPENS))
def test_each_combination_agrees_with_view_under_an_alias(every_kind, status, access, reader):
    where, params = sql_condition(reader, RECORD_FIELDS, alias="r")
    found = every_kind.execute(
        f"SELECT 1 FROM records r WHERE r.id = ? AND {where}", [_id(status, access), *params]
    ).fetchone()
    assert (found is not None) == (
        view(store.get(every_kind, store.RECORD, _id(status, access)), RECORD_FIELDS, reader) is not None
    )


def test_published_is_the_same_rule_in_python_and_sql(db):
    with write(db):
        for status in exhibits.STATUSES:
            exhibits.put(db, {"id": f"e{exhibits.STATUSES.index(status)}", "title": status, "status": status}, "test")
    where, params = published_condition()
    in_sql = {row[0] for row in db.execute(f"SELECT id FROM exhibits WHERE {where}", params)}
    assert in_sql == {e["id"] for e in exhibits.listing(db, published_only=False) if published(e)} == {"e1"}
    assert not published(None)


def test_a_page_of_the_sitemap_rows_is_a_slice_in_id_order(every_kind):
    everyone = listings.visible_page(every_kind, store.RECORD, 100, 0, RESEARCHER)
    assert listings.visible_page(every_kind, store.RECORD, 1, 1, RESEARCHER) == everyone[1:2]
    assert all(len(row) == 2 and row[1] for row in everyone)


def test_queues_count_and_page_by_status_and_query(every_kind):
    assert listings.status_counts(every_kind) == {s: len(ACCESS_LEVELS) for s in vocab.STATUSES}
    assert listings.queue_count(every_kind, "待审核") == len(ACCESS_LEVELS)
    assert listings.queue_count(every_kind, "待审核", "researcher") == 1
    assert listings.queue_ids(every_kind, "待审核", _id("待审核", "public"), 10, 0) == [_id("待审核", "public")]
    assert (
        len(listings.queue_ids(every_kind, "待审核", "", 2, 0) + listings.queue_ids(every_kind, "待审核", "", 2, 2))
        == 3
    )
    assert listings.queue_count(every_kind, "已发布", "没有这个") == 0


def test_featured_records_are_public_corpus_records_of_a_category(every_kind):
    assert listings.featured_ids(every_kind, "民俗", 5) == [_id("已发布", "public")]
    assert listings.featured_ids(every_kind, "传统技艺", 5) == []


def test_festivals_are_the_dated_records_a_reader_may_see(every_kind):
    assert [r["id"] for r in listings.festivals(every_kind)] == [_id("已发布", "public")]
    seen = [r["id"] for r in listings.festivals(every_kind, RESEARCHER)]
    assert seen == sorted(_id("已发布", a) for a in OPENS[RESEARCHER])


def test_inheritors_as_a_reader_may_see_them(every_kind):
    assert [p["id"] for p in listings.inheritors(every_kind)] == ["Ppublic"]
    assert [p["id"] for p in listings.inheritors(every_kind, RESEARCHER, _id("线索", "internal"))] == [
        "Presearcher",
        "Ppublic",
    ]  # in name order
    assert listings.inheritors(every_kind, PUBLIC, "没有这条") == []
    names = listings.inheritor_names(every_kind, _id("线索", "internal"))
    assert sorted(p["id"] for p in names) == [f"P{a}" for a in sorted(ACCESS_LEVELS)]


def test_inheritors_by_part_of_the_name_a_reader_sees(every_kind):
    with write(every_kind):
        store.put(
            every_kind,
            store.INHERITOR,
            {"id": "Phidden", "name": "传承人隐名", "access": "public", "field_access": {"name": "researcher"}},
            "test",
        )
    assert [p["id"] for p in listings.inheritors(every_kind, PUBLIC, name="传承人")] == ["Ppublic"]
    assert [p["id"] for p in listings.inheritors(every_kind, RESEARCHER, name="传承人")] == [
        "Presearcher",
        "Ppublic",
        "Phidden",
    ]
    assert [p["id"] for p in listings.inheritors(every_kind, RESEARCHER, name="1")] == ["Presearcher"]
    assert listings.inheritors(every_kind, PUBLIC, name="隐名") == []  # a hidden name is never matched
    assert listings.inheritors(every_kind, RESEARCHER, name="隐名")[0]["id"] == "Phidden"
    assert listings.inheritors(every_kind, PUBLIC, name="内部") == []


def test_updated_at_and_the_latest_revision(every_kind):
    record = store.get(every_kind, store.RECORD, _id("已发布", "public"))
    assert listings.updated_at(every_kind, store.RECORD, record["id"]) == record["updated_at"]
    assert listings.updated_at(every_kind, store.RECORD, "没有") is None
    before = history.latest(every_kind)
    with write(every_kind):
        store.put(every_kind, store.RECORD, record | {"title": "改过的"}, "zhang")
    assert history.latest(every_kind) == before + 1


def test_a_users_recent_records(every_kind):
    assert history.recent_records(every_kind, "nobody") == []
    with write(every_kind):
        for n, record_id in enumerate([_id("线索", "public"), _id("退回", "public"), _id("线索", "public")]):
            store.put(
                every_kind,
                store.RECORD,
                store.get(every_kind, store.RECORD, record_id) | {"title": f"第{n}次"},
                "zhang",
            )
    recent = history.recent_records(every_kind, "zhang", limit=5)
    assert [r["id"] for r in recent] == [_id("线索", "public"), _id("退回", "public")]
    assert recent[0]["title"] == "第2次" and history.recent_records(every_kind, "zhang", limit=1) == recent[:1]


def test_exhibits_containing_a_record_are_the_published_ones(every_kind):
    with write(every_kind):
        for n, status in enumerate(exhibits.STATUSES):
            exhibits.put(
                every_kind,
                {
                    "id": f"e{n}",
                    "title": f"展览{n}",
                    "status": status,
                    "position": n,
                    "items": [{"record_id": _id("已发布", "public")}],
                },
                "test",
            )
    assert exhibits.containing(every_kind, _id("已发布", "public")) == [{"id": "e1", "title": "展览1"}]
    assert exhibits.containing(every_kind, _id("线索", "public")) == []


def test_articles_listing_keeps_drafts_out(db):
    with write(db):
        for n, status in enumerate(articles.STATUSES):
            articles.put(
                db,
                {"id": f"a{n}", "title": "标题", "body": "正文", "published_on": f"2026-01-0{n + 1}", "status": status},
                "test",
            )
    assert [a["id"] for a in articles.listing(db)] == ["a1"]
    assert [a["id"] for a in articles.listing(db, published_only=False)] == ["a1", "a0"]


def test_accounts(db):
    assert not users.any_account(db) and users.accounts(db) == []
    users.add_user(db, "wang", "a-long-password", "reviewer", "王审核")
    users.add_user(db, "li", "a-long-password", "curator")
    assert users.any_account(db)
    assert [(a["username"], a["role"], a["display_name"], a["disabled"]) for a in users.accounts(db)] == [
        ("li", "curator", "li", 0),
        ("wang", "reviewer", "王审核", 0),
    ]


def test_image_files_and_first_images(every_kind, home):
    def png() -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (40, 30), "red").save(out, "PNG")
        return out.getvalue()

    record_id = _id("已发布", "public")
    with write(every_kind):
        first, second = (
            media.add(every_kind, record_id, media.ingest(home, png(), name), {}) for name in ("a.png", "b.png")
        )
    files = media.image_files(every_kind, first)
    assert files is not None and files[0] == record_id and media.folder(home, files[1]).exists()
    assert media.image_files(every_kind, "M0") is None
    assert media.first_images(every_kind, [record_id, _id("线索", "public")]) == {record_id: first}
    assert media.first_images(every_kind, []) == {}
    assert second != first
