"""The site in a real browser: Debian's Chromium (headless, driven by Playwright) against the real
server (`heritage serve`, waitress) on the shipped corpus. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.live import start_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = (
    Path(os.environ.get("HERITAGE_ARTIFACTS", Path(__file__).resolve().parents[1] / "test-artifacts")) / "browser"
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="未安装 Debian 的 chromium（scripts/test 以 root 运行时会安装）"
)


@pytest.fixture(scope="module")
def server(corpus_index):
    """`heritage serve --dev` in its own process on a free port; its address."""
    home, _ = corpus_index
    process, address = start_server(home, home.parent / "serve.log")
    yield address
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def loaded_width(image) -> int:
    """An image's natural width once it has loaded (0 if it cannot): asked right after a page opens,
    naturalWidth is 0 for an image still on its way, and lazy images load only once in view."""
    image.scroll_into_view_if_needed()
    return image.evaluate("img => img.decode().then(() => img.naturalWidth, () => 0)")


def signed_in(page, server: str, name: str, password: str) -> None:
    """Sign in through the login form and wait for the workspace."""
    page.goto(server + "/login")
    page.fill("#username", name)
    page.fill("#password", password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/curate/")


PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


class Watched:
    """A page whose console errors, page errors and failed responses are collected."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(accept_downloads=True, locale="zh-CN", **options)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status} {r.url}"))

    def search(self, query: str) -> None:
        """Type a query into the header's search box (the only one) and wait for the results page."""
        self.page.fill("#q", query)
        self.page.press("#q", "Enter")
        self.page.wait_for_url("**/search?q=*")

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def test_home_search_facet_record_calendar_ical(server, browser):
    watched = Watched(browser, viewport={"width": 1280, "height": 900})
    page = watched.page
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "中国民族文化遗产普查资源库"
    watched.shot("01-home")

    watched.search("蠟染技藝")  # traditional characters
    assert "苗族蜡染技艺" in page.locator("ol.results").inner_text()
    watched.shot("02-search-traditional")

    page.locator("aside.facets a", has_text="苗族").first.click()
    page.wait_for_url("**ethnic=*")
    assert "民族：苗族" in page.locator("ul.chosen").inner_text()
    watched.shot("03-facet")

    page.locator("ol.results a.title", has_text="苗族蜡染技艺").click()
    page.wait_for_url("**/records/C134")
    assert page.locator("h1").inner_text() == "苗族蜡染技艺"
    assert loaded_width(page.locator("img.cover, figure.cover img").first) > 0
    watched.shot("04-record")

    page.locator("nav.site a", has_text="节日历").click()
    page.wait_for_url("**/calendar/*/*")
    page.goto(server + "/calendar/2027/7")
    assert "彝族火把节" in page.locator("table.month").inner_text()
    watched.shot("05-calendar")

    with page.expect_download() as download_info:
        page.locator("a", has_text="下载今明两年日历").click()
    download = download_info.value
    saved = ARTIFACTS / "06-festivals.ics"
    download.save_as(saved)
    text = saved.read_text("utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and "SUMMARY:彝族火把节" in text
    assert watched.problems == []
    watched.context.close()


def test_every_kind_of_page_loads_cleanly(server, browser):
    watched = Watched(browser, viewport={"width": 1280, "height": 900})
    for name, path in (
        ("07-exhibits", "/exhibits"),
        ("08-exhibit", "/exhibits/embroidery-and-brocade"),
        ("09-browse", "/browse"),
        ("10-region", "/regions/520000"),
        ("11-year", "/calendar/2027"),
        ("12-articles", "/articles/ich-law-2011"),
        ("13-advanced", "/search/advanced"),
        ("14-not-found", "/records/nope"),
    ):
        watched.page.goto(server + path)
        if name != "14-not-found":
            assert watched.page.locator("h1").count() >= 1, path
        watched.shot(name)
    assert watched.problems == [
        f"404 {server}/records/nope",  # the one expected: the 404 page, and Chromium's note of it
        "console: Failed to load resource: the server responded with a status of 404 (NOT FOUND)",
    ]
    watched.context.close()


def test_on_a_phone_nothing_overflows(server, browser):
    watched = Watched(browser, **PHONE)
    for name, path in (
        ("15-phone-home", "/"),
        ("16-phone-search", "/search?q=刺绣"),
        ("17-phone-record", "/records/C001"),
        ("18-phone-calendar", "/calendar/2027/7"),
    ):
        watched.page.goto(server + path)
        width = watched.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} 宽 {width}px"
        watched.shot(name)
    assert watched.problems == []
    watched.context.close()


def test_keyboard_reaches_the_content_and_the_search_box(server, browser):
    watched = Watched(browser, viewport={"width": 1280, "height": 900})
    page = watched.page
    page.goto(server + "/search?q=刺绣")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("火把节")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=%E7%81%AB%E6%8A%8A%E8%8A%82*")
    assert "彝族火把节" in page.locator("ol.results").inner_text()
    images = page.evaluate("[...document.images].filter(i => !i.hasAttribute('alt')).length")
    labels = page.evaluate(
        "[...document.querySelectorAll('input:not([type=hidden]), select')].filter(e => !e.labels.length).length"
    )
    assert images == 0 and labels == 0
    watched.context.close()


def test_curator_login_new_record_image_review_publish_found(server, browser, corpus_index):
    import io

    from PIL import Image

    from heritage import users

    db = corpus_index[1]
    users.add_user(db, "browser-curator", "curator-pass-9", "curator")
    users.add_user(db, "browser-reviewer", "reviewer-pass-9", "reviewer")
    watched = Watched(browser, viewport={"width": 1280, "height": 900})
    page = watched.page

    signed_in(page, server, "browser-curator", "curator-pass-9")
    watched.shot("20-curate-dashboard")
    page.locator("nav.curate a", has_text="新建记录").click()
    page.fill("#f-title", "浏览器里新建的水族剪纸")
    page.select_option("#f-category", "传统美术")
    page.fill("#f-ethnic_groups", "水族")
    page.fill("#find-region_codes", "三都")
    page.locator("#list-region_codes option").first.wait_for(state="attached")
    option = page.locator("#list-region_codes option").first.get_attribute("value")
    assert option.startswith("522732 ")
    page.fill("#find-region_codes", option)  # picking a suggestion adds it as a line
    assert page.input_value("#f-region_codes").startswith("522732 ")
    page.fill("#f-content", "三都水族自治县的剪纸，用于马尾绣的底样。")
    page.fill("#f-dates", "农历八月初一")
    watched.shot("21-curate-new-record")
    page.click("button[value=save]")
    page.wait_for_url("**/curate/records/R*")
    assert "已新建" in page.locator(".flashes").inner_text()

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 90, 160)).save(out, "JPEG")
    page.set_input_files(
        "#m-image", files=[{"name": "水族剪纸.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}]
    )
    page.fill("#m-caption", "剪纸底样")
    page.click("#images form.stacked button[type=submit]")
    assert "已保存图片" in page.locator(".flashes").inner_text()
    assert loaded_width(page.locator("#images .gallery img").first) > 0
    page.click("button[value=待审核]")
    assert "待审核" in page.locator("section.workflow h2").inner_text()
    watched.shot("22-curate-submitted")
    record_url = page.url

    page.click("button.link")  # 退出
    signed_in(page, server, "browser-reviewer", "reviewer-pass-9")
    page.locator("nav.curate a", has_text="待审核").click()
    page.locator("a", has_text="浏览器里新建的水族剪纸").click()
    assert page.url == record_url
    page.click("button[value=已发布]")
    assert "已发布" in page.locator("section.workflow h2").inner_text()
    watched.shot("23-curate-published")

    for _ in range(60):  # the server's index worker takes the change in within seconds
        page.goto(server + "/search?q=水族剪纸")
        if "浏览器里新建的水族剪纸" in page.locator("main").inner_text():
            break
        page.wait_for_timeout(500)
    page.locator("ol.results a.title", has_text="浏览器里新建的水族剪纸").click()
    assert loaded_width(page.locator(".gallery img").first) > 0
    watched.shot("24-public-record-with-image")
    assert watched.problems == []
    watched.context.close()


def test_inheritors_an_inheritor_and_a_flagship_lineage_on_desktop_and_phone(server, browser):
    pages = (
        ("inheritors", "/inheritors"),
        ("inheritor", "/inheritors/I4013"),  # 江努日·图日干巴依 of 玛纳斯, his master and his pupil
        ("record-lineage", "/records/C056"),  # 玛纳斯: three generations
        ("record-lineage-zangxi", "/records/C097"),  # 藏戏: two masters and their pupils
    )
    for label, options in (
        ("desktop", {"viewport": {"width": 1280, "height": 900}}),
        ("phone", PHONE),
    ):
        watched = Watched(browser, **options)
        for name, path in pages:
            watched.page.goto(server + path)
            assert watched.page.locator("h1").count() == 1, path
            if name != "inheritors":
                assert watched.page.locator(".lineage-tree li").count() >= 2, path
            width = watched.page.evaluate("document.documentElement.scrollWidth")
            assert width <= options["viewport"]["width"], f"{path} 宽 {width}px"
            watched.shot(f"30-{label}-{name}")
        watched.page.goto(server + "/inheritors")
        watched.page.select_option("#i-category", "传统戏剧")
        watched.page.locator("form.filters button").click()
        watched.page.wait_for_url("**category=*")
        table = watched.page.locator("table.inheritor-list").inner_text()
        assert table.index("班典旺久") < table.index("杜近芳") and "玛纳斯" not in table  # by pinyin, drama only
        assert watched.problems == []
        watched.context.close()
