"""Inheritors in search: a person result found by name, traditional characters and pinyin; the items
a person carries on found by their name and ranked first; only inheritors the reader may see; the
items indexed again when an inheritor is saved; the page, the API's JSON and ``heritage search``.

The names are placeholders (测试员甲 …), not people."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from heritage import store
from heritage.cli import main
from heritage.db import write
from heritage.importer import import_file
from heritage.store import open_store
from indexer import index
from indexer.search import search
from tests.conftest import write_csv
from tests.live import start_server
from tests.test_browser import CHROMIUM, Watched, browser  # noqa: F401 -- browser is a fixture
from web import create_app

PUBLISHED = {"status": "已发布", "access": "public", "category": "传统技艺"}
RECORDS = [
    {"id": "RA", "title": "蜡染技艺", "content": "以蜡作防染。", "item_number": "Ⅷ-99"} | PUBLISHED,
    {"id": "RE", "title": "蜡染技艺（另一地）", "content": "同一项目的另一处。", "item_number": "Ⅷ-99"} | PUBLISHED,
    {"id": "RB", "title": "刺绣技艺", "content": "测试员甲也曾学过刺绣。"} | PUBLISHED,
    {"id": "RC", "title": "剪纸", "content": "以剪刀剪出花样。"} | PUBLISHED,
    {"id": "RD", "title": "皮影戏", "content": "以灯影演故事。"} | PUBLISHED,
]
PERSON = {"sex": "女", "ethnic_group": "苗族", "birth_date": "1950", "region_codes": ["522630"]}
INHERITORS = [
    {"id": "PA", "name": "测试员甲", "items": ["RA"], "access": "public"} | PERSON,
    {"id": "PB", "name": "测试员乙", "items": ["RC"], "access": "researcher"} | PERSON,
    {"id": "PC", "name": "测试员丙", "items": ["RD"], "access": "internal"} | PERSON,
    {"id": "PD", "name": "测试员丁", "items": ["RD"], "access": "public", "field_access": {"name": "internal"}}
    | PERSON,
]


def _fill(home):
    db = open_store(home)
    with write(db):
        for record in RECORDS:
            store.put(db, store.RECORD, record, "test")
        for person in INHERITORS:
            store.put(db, store.INHERITOR, person, "test")
    index.rebuild(home, db, procs=1)
    return db


@pytest.fixture(scope="module")
def people_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("people") / "instance"
    db = _fill(home)
    yield home, db
    db.conn.close()


@pytest.fixture
def fresh(home):
    """A store of its own, for tests that change it."""
    db = _fill(home)
    yield home, db
    db.conn.close()


def _ask(home, db, query, audience="public"):
    return search(home, db, query, audience=audience)


def _ids(answer):
    return [hit["id"] for hit in answer["results"]]


def test_a_name_finds_the_person_and_the_items_they_carry_on_first(people_home):
    answer = _ask(*people_home, "测试员甲")
    assert [p["id"] for p in answer["people"]] == ["PA"]
    person = answer["people"][0]
    assert person["items"] == [{"id": "RA", "title": "蜡染技艺", "item_number": "Ⅷ-99"}]
    assert (person["sex"], person["ethnic_group"]) == ("女", "苗族")
    assert person["regions"] == [{"code": "522630", "name": "黔东南苗族侗族自治州台江县"}]
    assert person["birth_year"] is None  # a birth date is for researchers by default
    # the item carried on, then another sub-item of the same item, then a record that mentions the name
    assert _ids(answer) == ["RA", "RE", "RB"]
    assert answer["suggestion"] is None and not answer["corrected"]


@pytest.mark.parametrize("typed", ["測試員甲", "ceshiyuanjia", "CeShiYuanJia", "csyj", "测试员甲 蜡染"])
def test_a_person_is_found_in_traditional_characters_and_pinyin(people_home, typed):
    answer = _ask(*people_home, typed)
    assert [p["id"] for p in answer["people"]] == ["PA"]


@pytest.mark.parametrize("typed", ["測試員甲", "ceshiyuanjia"])
def test_the_items_are_found_by_the_name_in_traditional_characters_and_pinyin(people_home, typed):
    assert _ids(_ask(*people_home, typed))[0] == "RA"


def test_a_name_the_reader_may_not_see_finds_no_person_and_no_item(people_home):
    for name, items in (("测试员乙", {"RC"}), ("测试员丙", {"RD"}), ("测试员丁", {"RD"})):
        answer = _ask(*people_home, name)  # a relaxed search may find 测试 in public text, never the person's items
        assert answer["people"] == [] and not items & set(_ids(answer)), name
        assert (answer["relaxed"] or {}).get("strict_total", answer["total"]) == 0, name
    researcher = _ask(*people_home, "测试员乙", "researcher")
    assert [p["id"] for p in researcher["people"]] == ["PB"] and _ids(researcher) == ["RC"]
    assert researcher["people"][0]["birth_year"] == 1950
    for name in ("测试员丙", "测试员丁"):
        answer = _ask(*people_home, name, "researcher")
        assert answer["people"] == [] and "RD" not in _ids(answer), name
        assert (answer["relaxed"] or {}).get("strict_total", answer["total"]) == 0, name


def test_saving_an_inheritor_reindexes_their_items_through_the_outbox(fresh):
    home, db = fresh

    def save(**changes):
        with write(db):
            store.put(db, store.INHERITOR, store.get(db, store.INHERITOR, "PC") | changes, "form")

    save(name="测试员戊", access="public")  # RD has no item number: only its index document links the name
    assert "RD" not in _ids(_ask(home, db, "测试员戊"))  # not in the index until the outbox is synced
    index.sync(home, db)
    assert _ids(_ask(home, db, "测试员戊"))[0] == "RD"
    save(name="测试员庚")
    index.sync(home, db)
    assert _ids(_ask(home, db, "测试员庚"))[0] == "RD" and "RD" not in _ids(_ask(home, db, "测试员戊"))
    save(items=[])  # the link removed: the item the index holds them under is indexed again
    index.sync(home, db)
    answer = _ask(home, db, "测试员庚")
    assert "RD" not in _ids(answer) and answer["people"][0]["items"] == []


def test_importing_inheritors_reindexes_the_items_they_are_linked_to(fresh, tmp_path):
    home, db = fresh
    sheet = write_csv(tmp_path / "people.csv", "编号,姓名,项目,访问级别\nPE,测试员己,RD,公开\n")
    assert import_file(db, sheet, kind=store.INHERITOR).committed
    assert "RD" not in _ids(_ask(home, db, "测试员己"))
    index.sync(home, db)
    assert _ids(_ask(home, db, "测试员己"))[0] == "RD"


def test_a_name_hidden_since_the_last_sync_never_makes_its_item_match(fresh):
    home, db = fresh
    with write(db):
        store.put(db, store.INHERITOR, store.get(db, store.INHERITOR, "PA") | {"access": "internal"}, "form")
    for audience in ("public", "researcher"):  # the index still holds the name as public
        answer = _ask(home, db, "测试员甲", audience)
        assert answer["people"] == [] and "RA" not in _ids(answer), audience
    index.sync(home, db)
    assert "RA" not in _ids(_ask(home, db, "测试员甲"))


def test_the_page_and_the_api_show_the_person(people_home):
    app = create_app({"TESTING": True, "HERITAGE_HOME": str(people_home[0])})
    client = app.test_client()
    answer = client.get("/api/search?q=测试员甲").get_json()
    assert answer["people"][0]["id"] == "PA" and answer["people"][0]["items"][0]["id"] == "RA"
    assert client.get("/api/search?q=测试员丙").get_json()["people"] == []
    page = client.get("/search?q=測試員甲").get_data(as_text=True)
    block = page[page.index('class="people-hits"') : page.index('class="toolbar"')]
    assert 'href="/inheritors/PA"' in block and 'href="/records/RA"' in block and "测试员甲" in block
    assert "people-hits" not in client.get("/search?q=蜡染").get_data(as_text=True)
    schema = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert schema["Answer"]["properties"]["people"]["items"] == {"$ref": "#/components/schemas/Person"}
    assert "items" in schema["Person"]["properties"]


def test_heritage_search_prints_the_person(people_home):
    home, _ = people_home
    run = CliRunner().invoke(main, ["--home", str(home), "search", "测试员甲"], catch_exceptions=False)
    assert run.exit_code == 0
    first = run.output.splitlines()[0]
    assert first.startswith("传承人：测试员甲（女，苗族，") and "(PA)" in first and "蜡染技艺（RA）" in first
    run = CliRunner().invoke(main, ["--home", str(home), "search", "--json", "测试员甲"], catch_exceptions=False)
    assert '"people": [{"id": "PA"' in run.output


@pytest.mark.skipif(CHROMIUM is None, reason="未安装 Debian 的 chromium（scripts/test 以 root 运行时会安装）")
def test_a_researcher_sees_the_person_first_and_follows_the_links(people_home, browser):
    """In a real browser on the real server: the person block is above the results, in the first screen."""
    home, _ = people_home
    process, address = start_server(home, home.parent / "serve.log")
    try:
        watched = Watched(browser, viewport={"width": 1280, "height": 800})
        page = watched.page
        page.goto(address + "/")
        watched.search("ceshiyuanjia")
        block = page.locator("section.people-hits")
        assert "测试员甲" in block.inner_text() and "蜡染技艺" in block.inner_text()
        box, results = block.bounding_box(), page.locator("ol.results").bounding_box()
        assert box is not None and results is not None
        assert box["y"] + box["height"] <= 800 and box["y"] < results["y"]
        watched.shot("people-search")
        block.locator("a.name").click()
        page.wait_for_url("**/inheritors/PA")
        assert "测试员甲" in page.locator("h1").inner_text()
        assert watched.problems == []
        watched.context.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
