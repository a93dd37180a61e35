"""Questions answered above the results (when, where, who, how), on the site, the API and the command
line, with only what the reader may see."""

import datetime as dt

import pytest
from click.testing import CliRunner
from lunar_python import Solar

from heritage import store
from heritage.cli import main
from heritage.db import write
from indexer import index
from indexer.intents import asked, process_excerpt
from indexer.search import search
from tests.test_browser import CHROMIUM, PHONE, Watched, browser, server  # noqa: F401 (fixtures)
from web import create_app

BOTH_ENGINES = True  # every test on corpus_index runs on Whoosh and on tantivy (tests/conftest.py)


@pytest.fixture(scope="module")
def folder(corpus_index):
    """The corpus plus a test festival whose dates and text are internal, and inheritors of 苗族蜡染技艺
    (C134) open to the public (P1, with an internal phone), to researchers (P3) and to nobody (P2)."""
    home, db = corpus_index
    with write(db):
        store.put(
            db,
            store.RECORD,
            {
                "id": "T1",
                "title": "测试隐秘节",
                "category": "民俗",
                "dates": ["农历三月初三"],
                "region_codes": ["522630"],
                "content": "工序一般是先备料，再试做。",
                "field_access": {"dates": "internal", "content": "internal"},
                "status": "已发布",
            },
            "test",
        )
        people = [
            {"id": "P1", "name": "测试传承人甲", "ethnic_group": "苗族", "phone": "13900000000", "access": "public"},
            {"id": "P2", "name": "内部传承人乙", "access": "internal"},
            {"id": "P3", "name": "研究传承人丙", "access": "researcher"},
        ]
        for person in people:
            store.put(db, store.INHERITOR, person | {"items": ["C134"]}, "test")
    index.sync(home, db)
    return home, db


@pytest.fixture(scope="module")
def site(folder):
    home, _ = folder
    return create_app({"TESTING": True, "HERITAGE_HOME": str(home)}).test_client()


def test_a_question_asks_one_thing_about_a_subject():
    assert (asked("彝族火把节是什么时候").intent, asked("彝族火把节是什么时候").subject) == ("date", "彝族火把节")
    assert asked("苗族古歌流传在哪里").subject == "苗族古歌"
    assert asked("谁会苗族蜡染").intent == "people" and asked("蜡染是怎么做的").intent == "process"
    assert asked("彝族火把节") is None and asked("什么时候") is None  # no question, or no subject
    assert asked("彝族火把节什么时候在哪里举行") is None  # two questions at once: no direct answer


def test_a_festival_question_gets_its_next_dates(folder):
    home, db = folder
    told = search(home, db, "彝族火把节是什么时候")["answer"]
    assert told["intent"] == "date" and told["sources"] == [{"id": "C001", "title": "彝族火把节"}]
    today = dt.date.today()
    days = [dt.date.fromisoformat(d["date"]) for d in told["dates"]]
    assert days and days == sorted(days) and today <= days[0] <= today + dt.timedelta(days=400)
    for day in days:  # 农历六月二十四, as the lunar calendar has it
        lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
        assert (lunar.getMonth(), lunar.getDay()) == (6, 24)
    assert told["dates"][0]["days"] == 3 and told["dates"][0]["text"].endswith("起，共 3 天")


def test_places_people_and_process(folder):
    home, db = folder
    places = search(home, db, "侗族大歌在哪里")["answer"]
    assert places["intent"] == "place" and {"code": "522631", "name": "黔东南苗族侗族自治州黎平县"} in places["places"]
    process = search(home, db, "苗族蜡染技艺怎么做")["answer"]
    assert process["excerpt"]["record"] == "C134" and process["excerpt"]["text"].startswith("工序一般是：一、备布")
    assert process_excerpt("这段文字只讲它的来历。") == ""
    people = search(home, db, "谁会苗族蜡染技艺")["answer"]
    named = {p["name"] for p in people["people"]}  # the shipped inheritors of C134 and the planted public one
    assert "测试传承人甲" in named and not named & {"内部传承人乙", "研究传承人丙"}
    assert all("C134" in store.get(db, store.INHERITOR, p["id"])["items"] for p in people["people"])
    assert all("phone" not in p for p in people["people"])
    researcher = search(home, db, "谁会苗族蜡染技艺", audience="researcher")["answer"]
    assert {p["name"] for p in researcher["people"]} == named | {"研究传承人丙"}


def test_no_answer_unless_the_subject_is_one_item(folder):
    home, db = folder
    assert search(home, db, "苗族什么时候")["answer"] is None  # dozens of Miao items
    assert search(home, db, "彝族火把节")["answer"] is None  # not a question
    assert search(home, db, "彝族火把节是什么时候", page=2)["answer"] is None
    assert search(home, db, "类别:民俗 什么时候", mode="research")["answer"] is None


def test_hidden_fields_give_no_answer(folder):
    home, db = folder
    assert search(home, db, "测试隐秘节是什么时候")["answer"] is None  # its dates are internal
    assert search(home, db, "测试隐秘节怎么做", audience="researcher")["answer"] is None  # so is its text
    assert search(home, db, "测试隐秘节在哪里")["answer"]["places"][0]["code"] == "522630"


def test_the_site_shows_the_answer_above_the_results(site):
    page = site.get("/search?q=彝族火把节是什么时候").get_data(as_text=True)
    box = page[page.index('<section class="answer"') : page.index("</section>", page.index('<section class="answer"'))]
    assert "彝族火把节的时间" in box and "农历六月二十四至二十六" in box and 'href="/records/C001"' in box
    assert page.index('class="answer"') < page.index('class="results"')
    places = site.get("/search?q=侗族大歌在哪里").get_data(as_text=True)
    assert 'href="/regions/522631"' in places
    people = site.get("/search?q=谁会苗族蜡染技艺").get_data(as_text=True)
    assert 'href="/inheritors/P1"' in people and "内部传承人乙" not in people and "研究传承人丙" not in people
    assert 'class="answer"' not in site.get("/search?q=彝族火把节").get_data(as_text=True)


def test_the_api_sends_the_answer(site):
    told = site.get("/api/search?q=苗族蜡染技艺怎么做").get_json()["answer"]
    assert told["intent"] == "process" and told["sources"][0]["id"] == "C134"
    assert site.get("/api/search?q=蜡染").get_json()["answer"] is None
    schema = site.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert "answer" in schema["Answer"]["properties"] and "excerpt" in schema["DirectAnswer"]["properties"]


def test_the_command_line_prints_the_answer(folder):
    home, _ = folder
    run = CliRunner().invoke(main, ["--home", str(home), "search", "侗族大歌在哪里"], catch_exceptions=False)
    lines = run.output.splitlines()
    assert lines[0].startswith("【侗族大歌的分布区域】") and "黎平县" in lines[0]
    assert lines[1] == "  依据记录：侗族大歌（C067）" and any(line.startswith("共 ") for line in lines[2:4])


@pytest.mark.skipif(CHROMIUM is None, reason="未安装 Debian 的 chromium")
def test_a_visitor_asks_in_the_browser_and_follows_the_answer(folder, server, browser):
    watched = Watched(browser, **PHONE)
    page = watched.page
    page.goto(server + "/")
    watched.search("侗族大歌在哪里")
    box = page.locator("section.answer")
    assert "侗族大歌的分布区域" in box.inner_text() and "黎平县" in box.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    watched.shot("answer-place")
    box.locator("a", has_text="黎平县").click()
    page.wait_for_url("**/regions/522631")
    assert watched.problems == []
    watched.context.close()
