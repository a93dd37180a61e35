"""The public site's pages beyond search: home, exhibits, browsing, regions, inheritors, the calendar,
articles, the advanced form and export — through Flask's test client, hidden things never shown."""

import csv
import io
import json
import re
from urllib.parse import quote

import pytest

from heritage import articles, exhibits
from heritage.db import write
from web.advanced import build_query


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return response.get_data(as_text=True)


def json_ld(text: str) -> list:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    return [json.loads(block) for block in blocks]


def test_home_has_exhibits_festivals_browsing_and_news(client):
    text = page(client, "/")
    for part in ("苗族的节日", "刺绣与织锦", "彝族火把节", "梭戛长角苗文化", "近期节日", "分类浏览", "政策宣传"):
        assert part in text, part
    assert "未发布的展览" not in text and 'role="search"' in text and 'href="#main"' in text


def test_exhibits_in_their_order_with_notes(client):
    text = page(client, "/exhibits")
    assert text.index("苗族的节日") < text.index("刺绣与织锦") < text.index("梭戛长角苗文化")
    assert "未发布的展览" not in text
    show = page(client, "/exhibits/miao-festivals")
    titles = re.findall(r'<span class="title">(.*?)</span>', show)
    assert titles[:3] == ["苗族跳花节", "苗族姊妹节", "苗族四月八"]
    assert "五色姊妹饭是姑娘传递心意的信物" in show and "随月令而来的节日" in show
    assert json_ld(show)[0]["@type"] == "ItemList" and len(json_ld(show)[0]["itemListElement"]) == len(titles)
    page(client, "/exhibits/draft-exhibit", 404)
    page(client, "/exhibits/<script>", 404)


def test_an_exhibit_refuses_unknown_records_and_keeps_revisions(corpus_index):
    _, db = corpus_index
    with pytest.raises(exhibits.ExhibitError, match="记录 NOPE 不存在"), write(db):
        exhibits.put(db, {"id": "bad", "title": "坏展览", "items": [{"record_id": "NOPE"}]}, "test")
    assert exhibits.get(db, "bad") is None
    with write(db):
        assert exhibits.put(db, {"id": "re", "title": "甲", "items": [{"record_id": "C001"}]}, "test") == "新增"
        assert exhibits.put(db, {"id": "re", "title": "甲", "items": [{"record_id": "C001"}]}, "test") == "未变"
        assert exhibits.put(db, {"id": "re", "title": "乙", "items": [{"record_id": "C002"}]}, "test") == "更新"
    diffs = [
        json.loads(r[0])
        for r in db.execute("SELECT diff FROM revisions WHERE entity = 'exhibit' AND entity_id = 're' ORDER BY version")
    ]
    assert diffs[1]["title"] == ["甲", "乙"] and exhibits.get(db, "re")["items"][0]["record_id"] == "C002"


def test_record_page_links_places_inheritors_exhibits_and_carries_json_ld(client):
    text = page(client, "/records/C134")
    assert 'href="/inheritors/P1"' in text and "内部传承人乙" not in text
    assert 'href="/regions/52' in text and 'href="/exhibits/suoga-long-horn-miao"' in text
    work = json_ld(text)[0][0]
    assert work["@type"] == "CreativeWork" and work["name"] == "苗族蜡染技艺" and work["genre"] == "传统技艺"
    festival = json_ld(page(client, "/records/C001"))[0]
    assert [item["@type"] for item in festival][:2] == ["CreativeWork", "Event"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", festival[1]["startDate"])
    hostile = page(client, "/records/X1")
    block = hostile.split('application/ld+json">')[1].split("</script>")[0]
    assert "<" not in block and ">" not in block  # no way to close the script element early
    assert json_ld(hostile)[0][0]["name"] == "<script>alert(1)</script>侗族大歌"  # intact once parsed


def test_browse_counts_add_up(client):
    text = page(client, "/browse")
    total = int(re.search(r"共 (\d+) 条公开记录", text)[1])
    category_counts = re.findall(r'href="/search\?category=[^"]+">[^<]+ <span>(\d+)</span>', text)
    assert len(category_counts) == 10 and sum(map(int, category_counts)) == total
    assert "贵州省" in text and 'href="/regions/520000"' in text


def test_region_pages_go_down_the_tree_with_counts(client):
    province = page(client, "/regions/520000")
    assert "<h1>贵州省</h1>" in province
    places = re.findall(r'href="/regions/(\d+)">([^<]+) <span>(\d+)</span>', province)
    assert any(name == "黔东南苗族侗族自治州" for _, name, _ in places)
    total = int(re.search(r"共 (\d+) 条公开记录", province)[1])
    assert all(int(n) <= total for _, _, n in places)
    prefecture = page(client, "/regions/522600")
    assert 'href="/regions/520000">贵州省' in prefecture and "苗族" in prefecture
    for bad in ("/regions/999999", "/regions/abc", "/regions/" + "1" * 40):
        page(client, bad, 404)


def test_inheritor_pages_show_public_fields_and_published_items_only(client):
    first = page(client, "/inheritors")
    pages = int(re.search(r"第 1 / (\d+) 页", first)[1])  # the shipped inheritors fill many pages
    listing = first + "".join(page(client, f"/inheritors?page={n}") for n in range(2, pages + 1))
    assert "测试传承人甲" in listing and "内部传承人乙" not in listing
    assert "测试传承人甲" in page(client, "/inheritors?ethnic=苗族&category=传统技艺")
    assert "测试传承人甲" not in page(client, "/inheritors?ethnic=彝族")
    person = page(client, "/inheritors/P1")
    assert "自幼随母学习点蜡" in person and "苗族蜡染技艺" in person
    assert "13900000000" not in person and "未发布的侗族大歌" not in person
    page(client, "/inheritors/P2", 404)
    page(client, "/inheritors?page=999", 400)


def test_inheritors_are_found_by_name_and_every_page_has_its_number(client):
    found = page(client, "/inheritors?name=测试传承")
    assert "共 1 位（姓名含“测试传承”）" in found and 'href="/inheritors/P1"' in found
    assert "没有符合条件的传承人" in page(client, "/inheritors?name=内部传承人乙")  # not public
    assert "没有符合条件的传承人" in page(client, "/inheritors?name=测试传承&ethnic=彝族")
    first = page(client, "/inheritors")
    pages = int(re.search(r'aria-label="第 1 / (\d+) 页"', first)[1])
    assert pages >= 5 and f'href="/inheritors?page={pages}" aria-label="第 {pages} 页">{pages}</a>' in first
    for at, shown in ((1, [1, 2, 3, pages]), (pages, [1, pages - 2, pages - 1, pages])):  # the ends, two beside
        numbered = page(client, f"/inheritors?page={at}")
        assert [int(n) for n in re.findall(r'aria-label="第 (\d+)(?: / \d+)? 页"', numbered)] == shown
        assert numbered.count("…") == 1 and f'<span aria-current="page" aria-label="第 {at} / ' in numbered
    fifth = page(client, "/inheritors?page=5")  # a single page between the first and 3 is shown, not …
    shown = [int(n) for n in re.findall(r'aria-label="第 (\d+)(?: / \d+)? 页"', fifth)]
    assert shown[:4] == [1, 2, 3, 4] and fifth.count("…") == (1 if pages >= 10 else 0)
    middle = page(client, "/inheritors?page=3")
    surname = re.search(r'<td><a href="/inheritors/[^"]+">(.)', middle)[1]  # a real family name on that page
    by_name = page(client, f"/inheritors?name={surname}")
    assert 'name="name" type="search" value="' + surname + '"' in by_name
    shown = re.findall(r'<td><a href="/inheritors/[^"]+">([^<]+)</a>', by_name)
    assert shown and all(surname in n for n in shown)
    if "下一页" in by_name:  # the pages keep the name
        assert f"name={quote(surname)}" in re.search(r'<a href="([^"]+)" rel="next"', by_name)[1]


def test_calendar_year_and_month_pages_from_the_rules(client):
    year = page(client, "/calendar/2027")
    assert "彝族火把节" in year and '<time datetime="2027-07-27">7月27日</time>' in year
    month = page(client, "/calendar/2027/7")
    cell = re.search(r'<span class="date">27</span>(.*?)</td>', month, re.S)[1]
    assert "彝族火把节" in cell
    assert any(
        e["@type"] == "Event" and e["startDate"] == "2027-07-27" and e["name"] == "彝族火把节"
        for e in json_ld(month)[0]
    )
    water = page(client, "/calendar/2026/4")  # 泼水节, three days from 4月13日
    for day in (13, 14, 15):
        assert "泼水节" in re.search(rf'<span class="date">{day}</span>(.*?)</td>', water, re.S)[1]
    assert client.get("/calendar").status_code == 302
    for bad in ("/calendar/2027/13", "/calendar/2027/0", "/calendar/99999", "/calendar/1800/1", "/calendar/abc"):
        page(client, bad, 404)


def test_articles_are_listed_shown_and_found_by_search(client):
    listing = page(client, "/articles")
    assert "《中华人民共和国非物质文化遗产法》概述" in listing and "未发布的文章" not in listing
    assert "2011年6月1日起施行" in page(client, "/articles/ich-law-2011")
    page(client, "/articles/draft-article", 404)
    found = page(client, "/search?q=非物质文化遗产法")
    assert 'href="/articles/ich-law-2011"' in found
    assert "draft-article" not in page(client, "/search?q=琉璃瓦当")


def test_article_validation(corpus_index):
    _, db = corpus_index
    for bad, reason in (
        ({"id": "a", "title": "", "body": "x", "published_on": "2026-01-01"}, "缺少标题"),
        ({"id": "a", "title": "t", "body": "x", "published_on": "昨天"}, "文章“a”"),
        ({"id": "a b", "title": "t", "body": "x", "published_on": "2026-01-01"}, "编号"),
    ):
        with pytest.raises(articles.ArticleError, match=reason), write(db):
            articles.put(db, bad, "test")


def test_advanced_form_builds_a_research_query(client):
    form = {
        "all": "苗族 刺绣",
        "phrase": '"破线绣"',
        "any": "蜡染 扎染",
        "none": "汉族",
        "title": "",
        "category": "传统美术",
        "ethnic": "",
        "region": "黔东南",
        "level": "国家级",
        "year_from": "2006",
        "year_to": "2011",
    }
    query = build_query(form)
    assert query == '苗族 刺绣 "破线绣" (蜡染 OR 扎染) -汉族 类别:传统美术 地区:黔东南 级别:国家级 年份:2006-2011'
    assert build_query({"all": "AND ( ) 或 -", "title": "织 锦"}) == '名称:"织 锦"'
    response = client.get("/search/advanced?ethnic=苗族&category=传统技艺")
    assert response.status_code == 302
    results = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "苗族蜡染技艺" in results and "检索式模式" in results
    assert "<form" in page(client, "/search/advanced") and 'for="f-all"' in page(client, "/search/advanced")


def test_search_page_filters_can_be_removed_and_sorted(client):
    text = page(client, "/search?q=苗族&category=民俗")
    assert "类别：民俗" in text and 'aria-label="去掉筛选：类别：民俗"' in text
    remove = re.search(r'<a href="([^"]+)" aria-label="去掉筛选', text)[1]
    assert "category" not in remove and "q=" in remove
    assert "名称拼音" in text and "/search/export?" in text
    nothing = page(client, "/search?q=鲸落蜃楼的节日")  # the words of a relaxed search find records
    assert "没有同时包含" in nothing and "没有找到相关记录" not in nothing
    nothing = page(client, "/search?q=鲸落蜃楼")
    assert "没有找到相关记录" in nothing and "/browse" in nothing


def test_export_gives_public_fields_of_public_records(client):
    response = client.get("/search/export?q=侗族大歌&format=csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    titles = {row["项目名称"] for row in rows}
    assert "有内部字段的侗族大歌" in titles and "未发布的侗族大歌" not in titles
    assert "讲述人" not in rows[0] and "字段访问级别" not in rows[0] and "调查人" not in rows[0]
    assert "<script>alert(1)</script>侗族大歌" in titles  # data, not markup: CSV keeps it as written
    data = client.get("/search/export?q=蜡染&format=json").get_json()
    assert data and all("informant" not in r and "field_access" not in r for r in data)
    assert {r["id"] for r in data} >= {"C134"}
    assert client.get("/search/export?q=蜡染&format=xml").status_code == 400
    everything = client.get("/search/export?format=json").get_json()
    assert len(everything) == client.get("/api/records?limit=1").get_json()["total"]
