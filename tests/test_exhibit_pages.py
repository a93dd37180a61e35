"""Every shipped exhibit in a real browser (Chromium against `heritage serve`), on a desktop and at
375 px: a story in sections, each item's note beside its card, nothing overflowing, no failed request;
and a signed-in curator building an exhibit by searching, which a reviewer publishes. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import pytest

from tests.shipped import shipped_exhibits
from tests.test_browser import CHROMIUM, PHONE, Watched, browser, loaded_width, server, signed_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="未安装 Debian 的 chromium")
EXHIBITS = shipped_exhibits()
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "375": PHONE,
}


@pytest.mark.parametrize("screen", SCREENS)
def test_every_exhibit_reads_as_a_story(server, browser, screen):  # noqa: F811
    watched = Watched(browser, **SCREENS[screen])
    page = watched.page
    for exhibit in EXHIBITS:
        page.goto(f"{server}/exhibits/{exhibit['id']}")
        assert page.locator("h1").inner_text() == exhibit["title"]
        headings = page.locator("section.chapter h2").all_inner_texts()
        assert [h.split("\n")[-1] for h in headings] == [s["heading"] for s in exhibit["section"]]
        items = page.locator(".exhibit-item")
        assert items.count() == sum(len(s["items"]) for s in exhibit["section"])
        for n in range(items.count()):
            card, note = items.nth(n).locator(".item-card").bounding_box(), items.nth(n).locator(".why").bounding_box()
            assert note["x"] >= card["x"] + card["width"], (exhibit["id"], n)  # beside its card, not under it
            assert loaded_width(items.nth(n).locator("img")) > 0
        assert page.locator(".story-places a.province").count() >= 1
        assert page.locator(".story-sources li").count() == len(exhibit["sources"])
        paragraph = page.locator(".chapter .prose p").first
        per_line = paragraph.evaluate("p => p.clientWidth / parseFloat(getComputedStyle(p).fontSize)")
        assert 15 <= per_line <= 40, per_line  # characters a line: a readable measure
        assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["viewport"]["width"]
        watched.shot(f"exhibit-{exhibit['id']}-{screen}")
    assert watched.problems == []
    watched.context.close()


def test_the_exhibit_list_shows_every_exhibit(server, browser):  # noqa: F811
    watched = Watched(browser, **SCREENS["375"])
    watched.page.goto(server + "/exhibits")
    titles = watched.page.locator(".exhibit-list .title").all_inner_texts()
    assert titles == [e["title"] for e in EXHIBITS]
    assert watched.page.evaluate("document.documentElement.scrollWidth") <= 375
    watched.shot("exhibits-list-375")
    assert watched.problems == []
    watched.context.close()


def test_a_curator_builds_an_exhibit_by_searching(server, browser, corpus_index):  # noqa: F811
    from heritage import users

    users.add_user(corpus_index[1], "exhibit-curator", "curator-pass-7", "curator")
    users.add_user(corpus_index[1], "exhibit-reviewer", "reviewer-pass-7", "reviewer")
    watched = Watched(browser, viewport={"width": 1280, "height": 900})
    page = watched.page

    signed_in(page, server, "exhibit-curator", "curator-pass-7")
    page.locator("nav.curate a", has_text="专题展览").click()
    page.locator("a", has_text="新建专题展览").click()
    page.fill("#x-id", "needle-and-loom")
    page.fill("#x-title", "针与线")
    page.fill("#x-intro", "两种绣法。")
    page.fill("#s-heading-1", "盘与缠")
    page.fill("#s-body-1", "马尾缠线与一针两线。")
    page.fill("#x-q", "马尾绣")
    page.click("button[value=search]")
    assert "水族马尾绣" in page.locator(".editor-found").inner_text()
    assert page.locator(".editor-items li").count() == 0  # searching saved nothing
    watched.shot("exhibit-editor-search")
    page.locator(".editor-found li", has_text="水族马尾绣").locator("button", has_text="加入").click()
    page.wait_for_url("**/curate/exhibits/needle-and-loom?q=*")
    assert "已保存专题展览" in page.locator(".flashes").inner_text()
    assert page.locator(".editor-found li", has_text="水族马尾绣").inner_text().endswith("已在本展")
    page.fill("#x-q", "土族盘绣")
    page.click("button[value=search]")
    page.locator(".editor-found li", has_text="土族盘绣").locator("button", has_text="加入").click()
    page.wait_for_url("**/curate/exhibits/needle-and-loom?q=*")
    assert page.locator(".editor-items .item-name strong").all_inner_texts() == ["水族马尾绣", "土族盘绣"]
    assert page.input_value("#i-section-1") == "0"  # added to the chosen section
    page.fill("#i-note-0", "马尾为芯，凸起如浮雕。")
    page.fill("#i-note-1", "一针两线，盘满绣面。")
    page.locator(".editor-items li").nth(1).locator("button", has_text="上移").click()
    page.wait_for_url("**/curate/exhibits/needle-and-loom*")
    assert page.locator(".editor-items .item-name strong").all_inner_texts() == ["土族盘绣", "水族马尾绣"]
    assert page.input_value("#i-note-0") == "一针两线，盘满绣面。"
    assert page.locator("#x-status option").all_inner_texts() == ["草稿"]  # a curator does not publish
    page.locator("p.editor-actions button[value=save]").click()
    page.wait_for_url("**/curate/exhibits/needle-and-loom*")
    watched.shot("exhibit-editor-saved")

    page.click("button.link")  # 退出
    signed_in(page, server, "exhibit-reviewer", "reviewer-pass-7")
    page.goto(server + "/curate/exhibits/needle-and-loom")
    page.select_option("#x-status", "已发布")
    page.locator("p.editor-actions button[value=save]").click()
    page.wait_for_url("**/curate/exhibits/needle-and-loom*")
    assert "已保存专题展览" in page.locator(".flashes").inner_text()

    page.goto(server + "/exhibits/needle-and-loom")
    notes = page.locator(".exhibit-item .why").all_inner_texts()
    assert notes == ["一针两线，盘满绣面。", "马尾为芯，凸起如浮雕。"]
    assert page.locator(".exhibit-item .title").all_inner_texts() == ["土族盘绣", "水族马尾绣"]
    watched.shot("exhibit-curated-public")

    page.goto(server + "/curate/exhibits/needle-and-loom")
    page.locator(".editor-items li", has_text="水族马尾绣").locator("button", has_text="移除").click()
    page.wait_for_url("**/curate/exhibits/needle-and-loom*")
    page.goto(server + "/exhibits/needle-and-loom")
    assert page.locator(".exhibit-item .title").all_inner_texts() == ["土族盘绣"]
    assert watched.problems == []
    watched.context.close()
