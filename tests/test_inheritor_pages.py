"""The inheritor pages and the lineage graph through Flask's test client, on the shipped corpus."""

from __future__ import annotations

from heritage import corpus
from heritage.store import open_store
from tests.shipped import shipped_rows
from tests.test_site import page
from web import create_app

PEOPLE = len(shipped_rows(corpus.INHERITORS_FILE))


def test_the_list_counts_filters_and_links_the_shipped_inheritors(client):
    listing = page(client, "/inheritors")
    assert f"共 {PEOPLE + 1} 位" in listing  # and the public test inheritor P1; P2 is internal
    assert "苗族（38）" in listing and "传统戏剧（" in listing
    drama = page(client, "/inheritors?category=传统戏剧&page=2")
    assert "第 2 /" in drama and "查看全部" in drama
    kunqu = page(client, "/inheritors?ethnic=汉族&category=传统戏剧")
    assert "传统技艺" not in kunqu.split("<table")[1]
    tibetan = page(client, "/inheritors?ethnic=藏族")
    assert '<a href="/records/C097">藏戏</a>' in tibetan


def test_an_inheritor_page_has_facts_items_region_lineage_and_source(client):
    person = page(client, "/inheritors/I01822")  # 黄小午, 昆曲
    for part in ("1948年", '<a href="/records/C103">昆曲</a>', "第3批，2009年认定", '<a href="/regions/320000">'):
        assert part in person, part
    lineage = person.split('id="h-lineage"')[1]
    assert '<a href="/inheritors/I01524">倪传钺</a>' in lineage and "郑传鉴" in lineage
    assert '<strong aria-current="page">黄小午</strong>' in lineage and "黄小午条" in lineage
    assert "中国非物质文化遗产网·国家级非物质文化遗产代表性传承人名录" in person.split("参考资料")[1]


def test_an_item_page_shows_its_lineage_and_one_without_shows_none(client):
    fire = page(client, "/records/C001")  # 彝族火把节: 普顺发 learned from 普茂清 and 普茂生
    lineage = fire.split('id="h-lineage"')[1]
    assert "普茂清" in lineage and '<a href="/inheritors/I03656">普顺发</a>' in lineage
    assert 'id="h-lineage"' not in page(client, "/records/C002")


def test_an_empty_store_tells_the_public_calmly_and_shows_no_command(tmp_path):
    open_store(tmp_path / "empty").conn.close()
    app = create_app({"TESTING": True, "HERITAGE_HOME": str(tmp_path / "empty")})
    text = page(app.test_client(), "/inheritors")
    assert "目前还没有公开的传承人资料" in text
    assert "heritage" not in text.split("<main")[1].split("</main>")[0] and "<code>" not in text
