"""What a person notices on the pages: the calendar's lunar days and its way to the next festival,
dated home lists, festivals and crafts, readable revision history, the human site map and API guide,
the footer when signed in, labels for every input — through Flask's test client."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.test_curate import Session, app, new_record  # noqa: F401  (app is a fixture)
from web.openapi import openapi

WEEKDAYS = "一二三四五六日"


def text_of(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return response.get_data(as_text=True)


def cell(month_page: str, day: int) -> str:
    return re.search(rf'<span class="date">{day}</span>(.*?)</td>', month_page, re.S)[1]


def test_calendar_cells_show_the_lunar_day_and_month(client):
    july = text_of(client, "/calendar/2027/7")
    assert '<span class="lunar">廿四</span>' in cell(july, 27) and "彝族火把节" in cell(july, 27)  # 农历六月二十四
    february = text_of(client, "/calendar/2026/2")
    assert '<span class="lunar">正月</span>' in cell(february, 17)  # 春节 2026: 正月初一
    assert '<span class="lunar">十五</span>' in cell(text_of(client, "/calendar/2026/9"), 25)  # 中秋: 八月十五
    leap = text_of(client, "/calendar/2025/7")
    assert '<span class="lunar">闰六月</span>' in cell(leap, 25)


@pytest.fixture
def two_festivals(tmp_path):
    """A site whose store holds just two festivals (the shipped corpus has one in every month)."""
    from heritage import store
    from heritage.db import write
    from heritage.store import open_store
    from web import create_app

    home = tmp_path / "instance"
    db = open_store(home)
    with write(db):
        for number, rule in (("F1", "农历六月二十四"), ("F2", "10月1日")):
            store.put(
                db,
                store.RECORD,
                {"id": number, "title": f"节日{number}", "category": "民俗", "dates": [rule], "status": "已发布"},
                "test",
            )
    db.conn.close()
    return create_app({"HERITAGE_HOME": str(home), "TESTING": True}).test_client()


def test_a_month_without_festivals_leads_to_the_next_one(two_festivals):
    client = two_festivals
    empty = next(
        (year, month)
        for year in (2026, 2027)
        for month in range(1, 13)
        if not client.get(
            f"/api/festivals?from={year}-{month:02d}-01&to="
            f"{dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)}"
        ).json
    )
    year, month = empty
    start = dt.date(year + month // 12, month % 12 + 1, 1)
    coming = client.get(f"/api/festivals?from={start}&to={start + dt.timedelta(days=366)}").json
    first = dt.date.fromisoformat(coming[0]["date"])
    page = text_of(client, f"/calendar/{year}/{month}")
    assert "本月没有收录的节日" in page and "接下来的节日" in page
    stamp = f"{first.year}年{first.month}月{first.day}日（周{WEEKDAYS[first.weekday()]}）"
    assert f'<time datetime="{first}">{stamp}</time>' in page and coming[0]["title"] in page
    assert f'href="/calendar/{first.year}/{first.month}">转到 {first.year} 年 {first.month} 月' in page
    assert "接下来的节日" not in text_of(client, "/calendar/2027/7")


def test_home_dates_have_year_and_weekday_and_show_festivals_and_crafts(client):
    home = text_of(client, "/")
    coming = re.search(r'<ul class="coming">(.*?)</ul>', home, re.S)[1]
    stamps = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)">(.*?)</time>', coming)
    assert stamps
    for iso, shown in stamps:
        day = dt.date.fromisoformat(iso)
        assert shown == f"{day.year}年{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"
    featured = re.search(r'id="h-featured">节日与技艺</h2>(.*?)</section>', home, re.S)[1]
    kinds = re.findall(r'<span class="meta">([^<·]+?)(?: ·|</span>)', featured)
    assert {"民俗", "传统技艺", "传统美术"} <= {k.strip() for k in kinds}, kinds


def test_revision_history_shows_values_as_people_read_them(app):  # noqa: F811
    curator = Session(app, "zhang")
    record_id = new_record(
        curator, ethnic_groups="水族", region_codes="522630", access="public", informant_consent="否"
    )
    curator.post(
        f"/curate/records/{record_id}",
        action="save",
        version=1,
        title="测试项目",
        category="传统技艺",
        ethnic_groups="水族\n苗族",
        region_codes="522630",
        access="researcher",
        informant_consent="是",
    )
    page = curator.text(f"/curate/records/{record_id}/history")
    for raw in (
        "['水族']",
        "'苗族'",
        ">public<",
        ">researcher<",
        "True",
        "False",
        "ethnic_groups",
        "informant_consent",
    ):
        assert raw not in page, raw
    newest = re.search(r'<table class="diff">(.*?)</table>', page, re.S)[1]
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', newest, re.S))
    assert re.search(r">水族<.*>水族、苗族<", rows["民族"], re.S)
    assert re.search(r">公开<.*>研究人员<", rows["访问级别"], re.S)
    assert re.search(r">否<.*>是<", rows["讲述人知情同意"], re.S)
    first = re.findall(r'<table class="diff">(.*?)</table>', page, re.S)[-1]
    assert '<td class="pre">522630 贵州省黔东南苗族侗族自治州台江县</td>' in first


def test_site_map_page_lists_sections_exhibits_categories_and_provinces(client):
    page = text_of(client, "/sitemap")
    for link in (
        'href="/exhibits"',
        'href="/calendar"',
        'href="/browse"',
        'href="/api/"',
        'href="/sitemap.xml"',
        'href="/regions/520000"',
        'href="/search?category=%E4%BC%A0%E7%BB%9F%E6%8A%80%E8%89%BA"',
    ):
        assert link in page, link
    assert "苗族的节日" in page and "未发布的展览" not in page and "未发布的文章" not in page
    assert client.get("/sitemap.xml").mimetype == "application/xml"
    footer = re.search(r'<footer class="site">(.*?)</footer>', text_of(client, "/"), re.S)[1]
    assert 'href="/sitemap">网站地图' in footer and 'href="/api/">开放数据接口' in footer


def test_api_guide_is_built_from_the_openapi_document_and_its_examples_work(client):
    page = text_of(client, "/api/")
    spec = openapi()
    for path, item in spec["paths"].items():
        assert f"<code>GET {path}</code>" in page, path
        for parameter in item["get"]["parameters"]:
            assert f"<code>{parameter['name']}</code>" in page
    assert "整数，1–50，默认 10" in page and "整数，1–1000，默认 1" in page  # limit and page
    examples = re.findall(r'<a class="example" href="([^"]+)">', page)
    assert len(examples) == len(spec["paths"])
    for address in examples:
        response = client.get(address.replace("&amp;", "&"))
        assert response.status_code == 200 and response.is_json, address
    assert client.get("/api/records?category=%E4%BC%A0%E7%BB%9F%E6%8A%80%E8%89%BA").json["total"] > 0


def test_footer_shows_who_is_signed_in_with_workspace_and_sign_out(app):  # noqa: F811
    anonymous = Session(app)
    assert "普查人员登录" in re.search(r'<footer class="site">(.*?)</footer>', anonymous.text("/"), re.S)[1]
    curator = Session(app, "zhang")
    footer = re.search(r'<footer class="site">(.*?)</footer>', curator.text("/"), re.S)[1]
    assert "普查人员登录" not in footer and '<span class="signed-in">zhang</span>' in footer
    assert 'href="/curate/">工作台</a>' in footer
    form = re.search(r'<form class="inline" action="/logout" method="post">(.*?)</form>', footer, re.S)[1]
    assert 'name="csrf_token"' in form and "退出" in form
    researcher = Session(app, "zhao")
    assert "工作台" not in re.search(r'<footer class="site">(.*?)</footer>', researcher.text("/"), re.S)[1]
    assert curator.get("/logout").status_code == 405
    assert curator.client.post("/logout").status_code == 403  # no token
    assert curator.post("/logout").status_code == 302
    assert "普查人员登录" in curator.text("/")


@pytest.mark.parametrize("path", ["/curate/records/C001", "/curate/records/new", "/curate/inheritors/new"])
def test_every_input_of_the_edit_form_has_a_label(app, path):  # noqa: F811
    page = Session(app, "zhang").text(path)
    ids = re.findall(r'<(?:input|select|textarea)\b(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', page)
    labelled = set(re.findall(r'<label\b[^>]*\bfor="([^"]+)"', page))
    assert ids and not set(ids) - labelled, set(ids) - labelled
    if "records" in path:
        assert re.search(r'<label class="finder" for="find-region_codes">[^<]+</label>', page)


def test_native_names_carry_their_language(client, corpus_index):
    from heritage import store
    from heritage.db import write

    db = corpus_index[1]
    with write(db):
        store.put(
            db,
            store.RECORD,
            {
                "id": "N1",
                "title": "民族文字测试",
                "category": "民间文学",
                "status": "已发布",
                "native_names": [
                    {"name": "ཞྭ་ལྷ་ཁ", "script": "藏文", "transliteration": "zhwa lha kha"},
                    {"name": "ئۇيغۇر", "script": "维吾尔文", "transliteration": "Uyghur"},
                    {"name": "ꆈꌠ", "script": "", "transliteration": "Nuosu"},
                ],
            },
            "test",
        )
    page = text_of(client, "/records/N1")
    assert '<span class="native-name" lang="bo" dir="auto">ཞྭ་ལྷ་ཁ</span>' in page
    assert '<span class="native-name" lang="ug" dir="auto">ئۇيغۇر</span>' in page
    assert (
        '<span class="native-name" dir="auto">ꆈꌠ</span>' in page
    )  # no script given: the page's font stack covers it
