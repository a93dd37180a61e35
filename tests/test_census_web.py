"""The dashboard, the map and the public summary through Flask's test client, over records made with
the real store and a real index: sign-in, each number's link lists exactly what it counts, the XLSX
download holds the page's numbers, the public sees only public counts, the map searches its places."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from heritage import census, store, users
from heritage.db import write
from heritage.report import Count, tables
from heritage.store import open_store
from heritage.visibility import PUBLIC
from indexer import index
from tests.test_census import GUIZHOU, LEISHAN, TAIJIANG, make
from tests.test_curate import PASSWORDS, Session
from web import ConfigError, create_app
from web.census_view import label_box

NUMBER = re.compile(r'<td class="n" data-figure="(\w+)" data-key="([^"]*)">(?:<a href="([^"]+)">)?(\d+)')


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    home = tmp_path_factory.mktemp("census") / "instance"
    db = open_store(home)
    make(db)
    for name, role in (("li", "reviewer"), ("zhao", "researcher")):
        users.add_user(db, name, PASSWORDS[name], role)
    index.rebuild(home, db, procs=1)
    yield create_app({"TESTING": True, "HERITAGE_HOME": str(home), "REGION": GUIZHOU})
    db.conn.close()


@pytest.fixture(scope="module")
def reviewer(app):
    return Session(app, "li")


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def listed(html: str) -> tuple[int, list[str]]:
    """The total and the ids a list of counted records shows."""
    total = int(re.search(r'<strong class="total">(\d+)</strong>', html)[1])
    return total, re.findall(r'<span class="meta">([A-Z0-9]+)</span></li>', html)


def numbers(html: str) -> dict[tuple[str, str], tuple[int, str | None]]:
    return {(f, k.replace("&amp;", "&")): (int(n), url) for f, k, url, n in NUMBER.findall(html)}


def test_the_dashboard_needs_a_curator_reviewer_or_admin(app):
    anonymous = app.test_client()
    for url in ("/curate/dashboard", "/curate/dashboard/records?figure=total", "/curate/dashboard/report.xlsx"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert Session(app, "zhao").client.get(url).status_code == 403  # researchers may not


def test_every_number_on_the_dashboard_lists_exactly_the_records_it_counts(app, reviewer):
    html = page(reviewer.client, "/curate/dashboard")
    assert "范围：<strong>贵州省</strong>" in html and "<svg" in html
    found = census.census(open_store(app.config["HERITAGE_HOME"]), census.scope(GUIZHOU))
    shown = numbers(html)
    assert shown[("place", TAIJIANG)][0] == 2 and shown[("place", LEISHAN)][0] == 3
    assert shown[("no_living", "")][0] == 2 and shown[("aged", "")][0] == 1
    linked = [(key, n, url) for key, (n, url) in shown.items() if n]
    assert len(linked) > 20
    for (figure, key), number, url in linked:
        total, ids = listed(page(reviewer.client, url.replace("&amp;", "&")))
        assert total == number == len(ids) and ids == found.ids(figure, key), (figure, key)
    assert all(not url for n, url in shown.values() if n == 0)  # a zero links nowhere


def test_the_report_download_holds_the_numbers_the_page_shows(app, reviewer):
    shown = numbers(page(reviewer.client, "/curate/dashboard?region=黔东南"))
    response = reviewer.client.get("/curate/dashboard/report.xlsx?region=黔东南")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert [row for row in book["说明"].iter_rows(values_only=True)][1] == ("范围", "贵州省黔东南苗族侗族自治州")
    found = census.census(open_store(app.config["HERITAGE_HOME"]), census.scope("黔东南"))
    compared = 0
    for table in tables(found):
        rows = list(book[table.title[:31]].iter_rows(values_only=True))[1:]
        for row, cells in zip(rows, table.rows, strict=True):
            for value, cell in zip(row, cells, strict=True):
                if isinstance(cell, Count):
                    assert value == shown[(cell.figure, cell.key)][0], (table.name, cell)
                    compared += 1
    assert compared == len(shown) > 60  # every number of the page is in the report


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("region=火星", "地区“火星”无法识别"),
        ("from=2024-02-30", "起始日期“2024-02-30”不是有效的日期"),
        ("from=2024-05-02&to=2024-05-01", "晚于结束日期"),
    ],
)
def test_a_bad_scope_is_refused_in_chinese(app, reviewer, query, message):
    assert message in page(reviewer.client, f"/curate/dashboard?{query}", 400)
    assert message in page(app.test_client(), f"/map?{query}", 400)


def search_ids(client, url: str) -> tuple[int, list[str]]:
    """What the search a link asks for finds: its total and ids (the same query through the API)."""
    answer = client.get("/api/search?" + urlsplit(url.replace("&amp;", "&")).query + "&limit=50").get_json()
    return answer["total"], sorted(r["id"] for r in answer["results"])


def test_the_public_summary_on_browse_counts_only_public_records(app):
    client = app.test_client()
    html = page(client, "/browse")
    assert "普查概况：贵州省" in html
    vitality = re.search(r'<table class="figures" id="t-vitality">(.*?)</thead>', html, re.S)[1]
    assert "<caption>存续状况</caption>" in vitality and '<th scope="col">状况</th>' in vitality  # no title twice
    shown = numbers(html)
    public = census.census(open_store(app.config["HERITAGE_HOME"]), census.scope(GUIZHOU), PUBLIC)
    assert shown[("vitality", "濒危")][0] == 1  # A3 is unpublished, A5's vitality is internal
    assert ("vitality", "濒临消失") not in shown  # only the internal A4 has it
    assert shown[("place", LEISHAN)][0] == 1 and shown[("place", TAIJIANG)][0] == 2
    assert not {f for f, _ in shown} & {"status", "curator", "completeness", "no_living", "aged", "age"}
    for (figure, key), (number, url) in shown.items():
        if not number:
            continue
        if figure == "place":
            assert search_ids(client, url) == (number, public.ids(figure, key))
        else:
            total, ids = listed(page(client, url.replace("&amp;", "&")))
            assert total == number and ids == public.ids(figure, key)
    assert page(client, "/figures/status?key=待审核", 404)  # only public figures have lists


def test_the_map_shows_counts_per_place_and_each_place_searches_it(app):
    client = app.test_client()
    html = page(client, "/map")  # the deployment's area, by county
    assert "<svg" in html and "circle" in html and "贵州省，按县级地区" in html
    places = re.findall(r'<a href="(/search\?region=\d+)"><circle[^>]*><title>([^：]+)：(\d+) 条</title>', html)
    assert {(name, int(n)) for _, name, n in places} == {("台江县", 2), ("雷山县", 1)}
    for url, _, number in places:
        total, ids = search_ids(client, url)
        assert total == int(number) == len(ids)
    country = page(client, "/map?region=全国&level=province")
    counted = dict(re.findall(r"<title>([^：<]+)：(\d+) 条</title>", country))
    assert counted["贵州省"] == "3" and counted["云南省"] == "1" and counted["四川省"] == "0"
    assert '<text x="' in country and ">贵州</text>" in country  # provinces are labelled
    assert "参数 level 应为" in page(client, "/map?level=township", 400)
    assert "参数 level 应为" in page(client, "/map?region=522630&level=province", 400)


LABEL = re.compile(r'<text x="([\d.]+)" y="([\d.]+)" font-size="(\d+)" fill="[^"]+">([^<]+)</text>')


@pytest.mark.parametrize("url", ["/map?region=全国&level=province", "/map?region=全国&level=prefecture", "/map"])
def test_no_two_map_labels_overlap_and_each_stays_on_the_map(app, url):
    html = page(app.test_client(), url)
    width, height = map(int, re.search(r'<svg viewBox="0 0 (\d+) (\d+)"', html).groups())
    labels = [(text, label_box(float(x), float(y), int(size), text)) for x, y, size, text in LABEL.findall(html)]
    assert len(labels) >= 3, url
    for i, (text, box) in enumerate(labels):
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height, (text, box)
        for other, second in labels[i + 1 :]:
            apart = box[2] <= second[0] or second[2] <= box[0] or box[3] <= second[1] or second[3] <= box[1]
            assert apart, (text, box, other, second)
    if "province" in url:  # the larger count gets the larger label; a dropped one keeps its tooltip
        sizes = {text: int(size) for _, _, size, text in LABEL.findall(html)}
        assert "贵州" in sizes and sizes["贵州"] > min(sizes.values())
        assert "<title>天津市：0 条</title>" in html and "<title>澳门特别行政区：0 条</title>" in html


def test_the_dashboard_map_counts_by_the_level_chosen(app, reviewer):
    html = page(reviewer.client, "/curate/dashboard?level=prefecture")
    assert '<option value="prefecture" selected>' in html and '<option value="province"' in html
    circles = re.findall(r'<a href="([^"]+)"><circle[^>]*><title>([^：]+)：(\d+) 条</title>', html)
    assert [(name, int(n)) for _, name, n in circles] == [("黔东南苗族侗族自治州", 5)]
    total, ids = listed(page(reviewer.client, circles[0][0].replace("&amp;", "&")))
    assert (total, ids) == (5, ["A1", "A2", "A3", "A4", "A5"])
    county = page(reviewer.client, "/curate/dashboard?region=522630")
    assert '<option value="province"' not in county  # a county's map is of counties only
    assert "参数 level 应为" in page(reviewer.client, "/curate/dashboard?region=522630&level=prefecture", 400)


def test_the_site_refuses_to_start_with_an_area_it_cannot_read(tmp_path):
    with pytest.raises(ConfigError, match="部署地区设置有误.*地区“火星”无法识别"):
        create_app({"TESTING": True, "HERITAGE_HOME": str(tmp_path), "REGION": "火星"})


def test_the_browse_summary_keeps_to_the_deployment_area(app):
    html = page(app.test_client(), "/browse?region=530000")  # /browse takes no region: still 贵州
    assert "普查概况：贵州省" in html


def test_a_period_and_a_long_list_keep_to_what_is_counted(app, reviewer, tmp_path):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    html = page(reviewer.client, f"/curate/dashboard?from={tomorrow}")
    assert re.search(r"共 <a [^>]*>0</a> 条记录", html)
    shown = numbers(html)  # a period is of records entered in it; inheritors are counted whatever the period
    assert not any(n for (f, _), (n, _) in shown.items() if census.FIGURES[f][1] == "record")
    assert shown[("batch", "5")][0] == 2
    db = open_store(tmp_path / "many")
    with write(db):
        for n in range(130):
            record = {"id": f"M{n:03}", "title": f"项目{n}", "category": "民俗", "region_codes": [TAIJIANG]}
            store.put(db, store.RECORD, record | {"status": "已发布"}, "zhang")
    users.add_user(db, "li", PASSWORDS["li"], "reviewer")
    many = Session(create_app({"TESTING": True, "HERITAGE_HOME": str(tmp_path / "many")}), "li")
    first = page(many.client, f"/curate/dashboard/records?figure=place&key={TAIJIANG}&region=全国&level=county")
    second = page(many.client, f"/curate/dashboard/records?figure=place&key={TAIJIANG}&region=全国&level=county&page=2")
    (total, one), (_, two) = listed(first), listed(second)
    assert total == 130 and len(one) == 100 and one + two == [f"M{n:03}" for n in range(130)]
    assert 'start="101"' in second


def test_every_bar_is_drawn_to_the_scale_of_the_largest(app, reviewer):
    """A chart in the table's own order (batches, completeness) scales to its largest number, not its
    first: no bar runs off the chart, and the largest fills it."""
    for html in (page(reviewer.client, "/curate/dashboard"), page(app.test_client(), "/browse")):
        charts = re.findall(r'<figure class="chart">(.*?)</figure>', html, re.S)
        assert charts
        for chart in charts:
            bars = [
                (float(w), int(n))
                for w, n in re.findall(r'<rect x="118" y="3" width="([\d.]+)".*?：(\d+)</title>', chart)
            ]
            if not bars or not max(n for _, n in bars):
                continue
            assert all(w <= 190 for w, _ in bars), bars
            assert max(bars, key=lambda bar: bar[1])[0] == 190, bars
