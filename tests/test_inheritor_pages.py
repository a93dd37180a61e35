"""The inheritor pages and the lineage graph through Flask's test client, on the shipped corpus."""

from __future__ import annotations

import sqlite3

from heritage import corpus, store
from heritage.db import write
from heritage.store import open_store
from tests.shipped import shipped_rows
from tests.test_site import page
from web import create_app

ROWS = shipped_rows(corpus.INHERITORS_FILE)
PEOPLE = len(ROWS)


def test_the_list_counts_filters_and_links_the_shipped_inheritors(client):
    listing = page(client, "/inheritors")
    assert f"共 {PEOPLE + 1} 位" in listing  # and the public test inheritor P1; P2 is internal
    li = sum(row["民族"] == "黎族" for row in ROWS)
    assert f"黎族（{li}）" in listing and "传统技艺（" in listing
    crafts = page(client, "/inheritors?category=传统技艺&page=2")  # more than one page of 50
    assert "第 2 /" in crafts and "查看全部" in crafts
    drama = page(client, "/inheritors?category=传统戏剧")
    assert "传统技艺" not in drama.split("<table")[1]
    tibetan = page(client, "/inheritors?ethnic=藏族")
    assert '<a href="/records/C124">藏医药</a>' in tibetan


def test_an_inheritor_page_has_facts_items_region_lineage_and_linked_sources(client):
    person = page(client, "/inheritors/I4013")  # 江努日·图日干巴依, 玛纳斯, a pupil of 居素甫·玛玛依
    for part in ('<a href="/records/C056">玛纳斯</a>', "省级代表性传承人", '<a href="/regions/650000">'):
        assert part in person, part
    lineage = person.split('id="h-lineage"')[1]
    assert '<a href="/inheritors/I4012">居素甫·玛玛依</a>' in lineage and "玉米塔力·耶提库" in lineage
    assert '<strong aria-current="page">江努日·图日干巴依</strong>' in lineage and "天山网" in lineage
    sources = person.split("<h2>参考资料</h2>")[1]
    assert (
        '<a class="source" href="https://freewechat.com/' in sources and 'rel="nofollow noopener noreferrer"' in sources
    )
    master = page(client, "/inheritors/I4012")
    assert "1918年" in master and "国家级代表性传承人（第1批）" in master


def test_an_item_page_shows_its_lineage_and_one_without_shows_none(client):
    manas = page(client, "/records/C056")  # 玛纳斯: 居素甫·玛玛依 -> 江努日·图日干巴依 -> 玉米塔力·耶提库
    lineage = manas.split('id="h-lineage"')[1]
    assert '<a href="/inheritors/I4012">居素甫·玛玛依</a>' in lineage and "玉米塔力·耶提库" in lineage
    assert 'id="h-lineage"' not in page(client, "/records/C002")


def test_a_source_is_escaped_and_only_web_addresses_become_links():
    from web.citations import cited

    assert str(cited('页"<b>，javascript:alert(1)')) == "页&#34;&lt;b&gt;，javascript:alert(1)"
    assert str(cited("甲，https://a.example/x?q=1&r=2；乙")) == (
        '甲，<a class="source" href="https://a.example/x?q=1&amp;r=2" rel="nofollow noopener noreferrer">'
        "https://a.example/x?q=1&amp;r=2</a>；乙"
    )
    assert str(cited("苗族百科，m.fx361.cc/news/1.html；版本 3.5")) == (
        '苗族百科，<a class="source" href="http://m.fx361.cc/news/1.html" rel="nofollow noopener noreferrer">'
        "m.fx361.cc/news/1.html</a>；版本 3.5"
    )


def test_an_empty_store_tells_the_public_calmly_and_shows_no_command(tmp_path):
    open_store(tmp_path / "empty").conn.close()
    app = create_app({"TESTING": True, "HERITAGE_HOME": str(tmp_path / "empty")})
    text = page(app.test_client(), "/inheritors")
    assert "目前还没有公开的传承人资料" in text
    assert "heritage" not in text.split("<main")[1].split("</main>")[0] and "<code>" not in text


def test_the_list_is_read_once_for_each_state_of_the_store(tmp_path, monkeypatch):
    home = tmp_path / "instance"
    db = open_store(home)
    with write(db):
        for n, name in enumerate(["王五", "李四"]):
            store.put(db, store.INHERITOR, {"id": f"P{n}", "name": name}, "test")
    ran: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(ran.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)
    client = create_app({"TESTING": True, "HERITAGE_HOME": str(home)}).test_client()
    listed = [page(client, "/inheritors") for _ in range(3)]
    assert sum(" FROM inheritors WHERE " in sql for sql in ran) == 1 and listed[0] == listed[2]
    assert listed[0].index("李四") < listed[0].index("王五")  # by pinyin: Li before Wang
    with write(db):
        store.put(db, store.INHERITOR, {"id": "P2", "name": "阿三"}, "test")
    assert "阿三" in page(client, "/inheritors") and sum(" FROM inheritors WHERE " in sql for sql in ran) == 2
