"""The public site through Flask's test client: pages, API, hostile input, security headers."""

import pytest

from heritage import store
from heritage.db import write
from indexer import index
from web import ConfigError, create_app


def test_production_needs_a_secret_key(corpus_index, monkeypatch):
    monkeypatch.delenv("HERITAGE_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="密钥"):
        create_app({"HERITAGE_HOME": str(corpus_index[0])})


def test_home_lists_festivals_and_crafts_with_covers(client):
    page = client.get("/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="zh-CN"' in text and "彝族火把节" in text
    cover = client.get("/covers/C001.png")
    assert cover.status_code == 200 and cover.mimetype == "image/png" and cover.data[:4] == b"\x89PNG"
    cover.close()


def test_security_headers_on_every_response(client):
    for path in ("/", "/search?q=蜡染", "/nope", "/api/records/nope"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "SAMEORIGIN"


def test_search_page_with_facets_and_pages(client):
    page = client.get("/search?q=蠟染")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "苗族<mark>蜡染</mark>技艺" in text and "类别" in text
    filtered = client.get("/search?q=节&category=民俗&page=2").get_data(as_text=True)
    assert "第 2 /" in filtered
    assert "您是不是要找" in client.get("/search?q=腊染").get_data(as_text=True) or "已改查“蜡染”" in client.get(
        "/search?q=腊染"
    ).get_data(as_text=True)


def test_record_page_shows_public_fields_only(client):
    text = client.get("/records/C001").get_data(as_text=True)
    assert "彝族火把节" in text and "农历六月二十四" in text and "星回节" in text and "相似项目" in text
    assert "讲述人甲" not in client.get("/records/X3").get_data(as_text=True)
    assert "informant" not in client.get("/api/records/X3").get_json()
    assert client.get("/records/X2").status_code == 404
    assert client.get("/api/records/X2").status_code == 404


def test_hostile_input_is_escaped_and_never_a_500(client):
    text = client.get("/records/X1").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "<img src=x" not in text
    results = client.get("/search?q=侗族大歌").get_data(as_text=True)
    assert "<script>alert" not in results
    for path in (
        "/search?q=%00",
        "/search?q=" + "字" * 5000,
        "/search?q=(((&mode=research",
        "/search?q=a&page=abc",
        "/search?q=a&limit=9999",
        "/search?q=a&sort=evil",
        "/records/../../etc/passwd",
        "/covers/nope.png",
        "/api/search?q=(((&mode=research",
        "/search?q=<script>alert(1)</script>",
    ):
        response = client.get(path)
        assert response.status_code < 500, path
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert client.get("/search?q=a&page=abc").status_code == 400
    assert client.get("/nope").status_code == 404 and "页面不存在" in client.get("/nope").get_data(as_text=True)


def test_api_search_and_errors_as_json(client):
    answer = client.get("/api/search?q=huobajie").get_json()
    assert answer["results"][0]["id"] == "C001" and {"total", "facets", "suggestion"} <= set(answer)
    error = client.get("/api/search?q=(((&mode=research")
    assert error.status_code == 400 and error.get_json()["error"]["message"].startswith("检索式不完整")
    missing = client.get("/api/records/nope")
    assert missing.status_code == 404 and missing.get_json()["error"]["message"] == "页面不存在"


def test_festivals_between_two_dates(client):
    found = client.get("/api/festivals?from=2026-01-01&to=2026-12-31").get_json()
    assert {
        "date": "2026-08-06",
        "id": "C001",
        "title": "彝族火把节",
        "days": 3,
        "rule": "农历六月二十四至二十六",
    } in found
    assert any(f["id"] == "C010" and f["date"] == "2026-04-05" for f in found)  # 清明
    assert [f["date"] for f in found] == sorted(f["date"] for f in found)
    for bad in (
        "from=2026-13-01&to=2026-12-31",
        "from=2026-01-01",
        "from=2026-12-31&to=2026-01-01",
        "from=2000-01-01&to=2026-01-01",
    ):
        response = client.get("/api/festivals?" + bad)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == 400


def test_calendar_feed(client):
    response = client.get("/calendar.ics?year=2026")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/calendar" and text.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20260806\r\nDTEND;VALUE=DATE:20260809\r\nSUMMARY:彝族火把节" in text
    assert "DTSTART;VALUE=DATE:20260413\r\nDTEND;VALUE=DATE:20260416" in text  # 泼水节, three days
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert client.get("/calendar.ics?year=abc").status_code == 400
    assert "BEGIN:VEVENT" in client.get("/calendar.ics").get_data(as_text=True)


def test_record_page_gives_the_next_dates(client):
    text = client.get("/records/C001").get_data(as_text=True)
    assert "近期：" in text


def test_research_syntax_on_the_site_never_shows_researcher_records(corpus_index, client):
    home, db = corpus_index
    with write(db):
        store.put(
            db,
            store.RECORD,
            {
                "id": "X4",
                "title": "研究人员可见的侗族大歌",
                "category": "传统音乐",
                "status": "已发布",
                "access": "researcher",
            },
            "test",
        )
    index.sync(home, db)
    for path in (
        "/search?q=研究人员可见&mode=research",
        "/api/search?q=研究人员可见&mode=research",
        "/search?q=标题:研究人员可见&mode=research",
    ):
        assert "研究人员可见的侗族大歌" not in client.get(path).get_data(as_text=True), path
    assert client.get("/records/X4").status_code == 404
    from indexer.search import search

    found = search(home, db, "研究人员可见", mode="research")["results"]  # the CLI's research mode
    assert found[0]["id"] == "X4"
