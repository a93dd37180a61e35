"""Exhibits as stories: the shipped exhibits (introduction, sections with text, a note per item, published
records, sources), the model's sections and checks on a real store, and the editor through Flask."""

from __future__ import annotations

import html
import json
import re

import pytest

from heritage import exhibits
from heritage.db import write
from tests.conftest import NATIONAL_LIST, needs_shared
from tests.shipped import shipped_exhibits, shipped_records
from tests.test_corpus import _windows

EXHIBITS = shipped_exhibits()
RECORDS = {row["编号"]: row for row in shipped_records()}
# The four kinds of heritage the new exhibits had to cover: some exhibit shows mostly (half or more) each.
COVERED = ("传统技艺", "传统音乐", "传统医药", "民间文学")


def _items(exhibit: dict) -> list[dict]:
    return [item for section in exhibit["section"] for item in section["items"]]


def _text(exhibit: dict) -> str:
    return exhibit["intro"] + "".join(
        s["heading"] + s["body"] + "".join(i["note"] for i in s["items"]) for s in exhibit["section"]
    )


def test_every_shipped_exhibit_is_a_story_of_published_records_with_sources():
    assert len(EXHIBITS) >= 8
    assert len({e["id"] for e in EXHIBITS}) == len(EXHIBITS)
    for exhibit in EXHIBITS:
        name = exhibit["id"]
        assert len(exhibit["intro"].strip()) >= 100, name
        assert len(exhibit["section"]) >= 2, name
        for section in exhibit["section"]:
            assert section["heading"].strip() and len(section["body"].strip()) >= 80, (name, section["heading"])
            assert section["items"], (name, section["heading"])
        for item in _items(exhibit):
            assert len(item.get("note", "").strip()) >= 8, (name, item["record"])
            assert RECORDS[item["record"]]["状态"] == "已发布", (name, item["record"])
        assert len(exhibit["sources"]) >= 2 and all(s.strip() for s in exhibit["sources"]), name


def test_the_exhibits_cover_crafts_music_medicine_and_oral_literature():
    def mostly(category: str) -> list[str]:
        return [
            e["id"]
            for e in EXHIBITS
            if 2 * sum(RECORDS[i["record"]]["类别"] == category for i in _items(e)) >= len(_items(e))
        ]

    assert all(mostly(category) for category in COVERED), {c: mostly(c) for c in COVERED}


@needs_shared(NATIONAL_LIST)
def test_no_exhibit_text_is_copied_from_the_national_list():
    ours = set().union(*(_windows(_text(e)) for e in EXHIBITS))
    copied = []
    for line in NATIONAL_LIST.read_text("utf-8").splitlines():
        item = json.loads(line)
        source = re.sub(r"<[^>]+>", "", html.unescape(item["content"])).replace(item["title"].strip(), "")
        copied += [run for run in _windows(source) if run in ours]
    assert not copied[:5]


@pytest.fixture
def shown(db):
    """A store with three published records to put in exhibits."""
    from heritage import store

    with write(db):
        for record_id in ("A1", "A2", "A3"):
            store.put(
                db,
                store.RECORD,
                {"id": record_id, "title": f"记录{record_id}", "category": "民俗", "status": "已发布"},
                "t",
            )
    return db


def _story(**changes) -> dict:
    return {
        "id": "story",
        "title": "一个展览",
        "intro": "导言。",
        "sources": "甲资料\n乙资料",
        "sections": [{"heading": "第一章", "body": "正文一。"}, {"heading": "第二章", "body": "正文二。"}],
        "items": [
            {"record_id": "A1", "section": 0, "note": "说明一"},
            {"record_id": "A2", "section": "1", "note": ""},
            {"record_id": "A3", "section": None},
        ],
    } | changes


def test_sections_items_and_sources_are_saved_as_a_revision(shown):
    with write(shown):
        assert exhibits.put(shown, _story(), "zhang") == "新增"
        assert exhibits.put(shown, _story(), "zhang") == "未变"
        moved = _story(items=[{"record_id": "A3", "section": 1}, {"record_id": "A1", "section": 0, "note": "说明一"}])
        assert exhibits.put(shown, moved, "li") == "更新"
    saved = exhibits.get(shown, "story")
    assert saved["sources"] == ["甲资料", "乙资料"] and saved["version"] == 2
    assert [s["heading"] for s in saved["sections"]] == ["第一章", "第二章"]
    assert saved["items"] == [
        {"record_id": "A3", "note": "", "section": 1},
        {"record_id": "A1", "note": "说明一", "section": 0},
    ]
    diff = json.loads(
        shown.execute("SELECT diff FROM revisions WHERE entity = 'exhibit' AND version = 2").fetchone()[0]
    )
    assert set(diff) == {"items"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"items": [{"record_id": "A1", "section": 2}]}, "所在的章不存在"),
        ({"items": [{"record_id": "A1"}, {"record_id": "A1"}]}, "记录 A1 出现了两次"),
        ({"sections": [{"heading": "", "body": "没有标题的正文"}]}, "第 1 章缺少标题"),
        ({"position": "第一"}, "顺序“第一”应为整数"),
        ({"items": [{"record_id": "NOPE"}]}, "记录 NOPE 不存在"),
    ],
)
def test_a_bad_exhibit_is_refused_in_chinese(shown, changes, message):
    with pytest.raises(exhibits.ExhibitError, match=message), write(shown):
        exhibits.put(shown, _story(**changes), "zhang")
    assert exhibits.get(shown, "story") is None


@pytest.fixture(scope="module")
def site(corpus_index):
    from web import create_app

    return create_app({"TESTING": True, "HERITAGE_HOME": str(corpus_index[0])})


def _shown_records(site, exhibit_id: str) -> list[dict]:
    from web.displayed import public_exhibit

    return [item["record"] for item in public_exhibit(exhibit_id)["items"]]


def test_an_exhibits_festivals_are_its_own_then_a_few_of_each_people(site):
    import datetime as dt
    from collections import Counter

    from web.exhibit_story import PER_PEOPLE, coming_festivals

    today = dt.date(2027, 1, 1)
    with site.test_request_context():
        torch = coming_festivals(_shown_records(site, "yi-torch-festival"), today)
        paper = _shown_records(site, "paper-and-scripture")
        others = coming_festivals(paper, today)
    assert {f["id"] for f in torch if f["shown"]} == {"C001", "C042"}
    assert next(f for f in torch if f["id"] == "C001")["day"] == dt.date(2027, 7, 27)  # 农历六月二十四
    assert [f["date"] for f in torch] == sorted(f["date"] for f in torch)
    assert others and not any(f["shown"] for f in others)
    groups = {g for r in paper for g in r.get("ethnic_groups", [])}
    with site.test_request_context():
        from web.visible import record_or_none

        counted = Counter(g for f in others for g in record_or_none(f["id"])["ethnic_groups"] if g in groups)
    assert counted and max(counted.values()) <= PER_PEOPLE and len(counted) >= 3, counted


def test_an_exhibits_places_are_grouped_by_province(site):
    from web.exhibit_story import places

    with site.test_request_context():
        grouped = places(_shown_records(site, "timber-and-stone"))
    assert [p["region"].name for p in grouped] == ["广西壮族自治区", "四川省", "贵州省"]
    sichuan = grouped[1]["places"]
    assert [[r.name for r in place["chain"]] for place in sichuan] == [
        ["阿坝藏族羌族自治州", "汶川县"],
        ["阿坝藏族羌族自治州", "茂县"],
    ]
    assert all(place["shown"][0]["title"] == "羌族碉楼营造技艺" for place in sichuan)


def test_loading_the_corpus_again_updates_only_the_exhibits_no_curator_has_edited(corpus_index):
    from heritage.corpus import load_exhibits_and_articles

    _, db = corpus_index
    with write(db):
        for exhibit_id, user in (("songs-and-strings", "corpus"), ("highland-medicine", "zhang")):
            old = exhibits.get(db, exhibit_id)
            exhibits.put(db, old | {"title": "改过的标题"}, user)
    load_exhibits_and_articles(db)
    assert exhibits.get(db, "songs-and-strings")["title"] == "山歌与琴弦"  # shipped text again
    assert exhibits.get(db, "highland-medicine")["title"] == "改过的标题"  # a curator's edit stays


def test_only_reviewers_publish_an_exhibit_or_take_it_down(shown):
    with write(shown):
        with pytest.raises(exhibits.ExhibitError, match="只有审核人可以发布"):
            exhibits.put(shown, _story(status="已发布"), "zhang", "curator")
        assert exhibits.put(shown, _story(status="草稿"), "zhang", "curator") == "新增"
        assert exhibits.put(shown, _story(status="已发布"), "li", "reviewer") == "更新"
        assert exhibits.put(shown, _story(status="已发布", title="改题"), "zhang", "curator") == "更新"
        with pytest.raises(exhibits.ExhibitError, match="撤下已发布的展览"):
            exhibits.put(shown, _story(status="草稿"), "zhang", "curator")
    assert exhibits.get(shown, "story")["status"] == "已发布"


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"position": "1e5"}, 422, "顺序“1e5”应为整数"),
        ({"add": "Z" * 200, "add_section": "99"}, 422, "记录 " + "Z" * 64 + " 不存在"),
        ({"section_heading": "章" * 3000, "section_body": "正文"}, 422, "内容过长"),
        ({"item_record": "C001", "item_note": "说" * 5000}, 422, "内容过长"),
        ({"sources": "甲\x00乙"}, 422, "控制字符"),
        ({"id": "../x"}, 422, "只能由字母、数字和"),
        ({"status": "已发布"}, 422, "只有审核人可以发布"),
        ({"q": "title:(((", "action": "search"}, 200, "缺少要检索的内容"),
        ({"id": "odd-buttons", "item_record": "C001", "item_section": "9" * 30, "up": "9" * 30}, 302, ""),
    ],
)
def test_the_editor_answers_bad_input_in_chinese(site, corpus_index, form, status, message):
    from heritage import users
    from tests.test_curate import token

    if not users.get(corpus_index[1], "exhibit-editor"):
        users.add_user(corpus_index[1], "exhibit-editor", "editor-pass-77", "curator")
    client = site.test_client()
    csrf = token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": csrf, "username": "exhibit-editor", "password": "editor-pass-77"})
    csrf = token(client.get("/curate/exhibits/new").get_data(as_text=True))
    response = client.post("/curate/exhibits/new", data={"csrf_token": csrf, "id": "odd", "title": "题"} | form)
    assert response.status_code == status and message in response.get_data(as_text=True)
