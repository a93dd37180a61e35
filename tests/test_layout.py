"""Layout a person sees, in Debian's Chromium against the real server: one column for header, main and
footer; nothing wider than a phone (the curators' queue too); Tibetan, Uyghur, Mongolian and Yi names
drawn with fonts that have their letters. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import pytest

from tests.live import start_server
from tests.test_browser import CHROMIUM, Watched, browser  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="未安装 Debian 的 chromium（scripts/test 以 root 运行时会安装）"
)
PASSWORD = "layout-pass-1"
# Real names: 藏戏 (ཨ་ལྕེ་ལྷ་མོ), 维吾尔 (ئۇيغۇر), 蒙古 (ᠮᠣᠩᠭᠣᠯ), 彝 (ꆈꌠ, Nuosu).
NATIVE = [
    ("ཨ་ལྕེ་ལྷ་མོ", "藏文", "a lce lha mo", "bo", "Noto Serif Tibetan"),
    ("ئۇيغۇر", "维吾尔文", "Uyghur", "ug", "Noto Naskh Arabic"),
    ("ᠮᠣᠩᠭᠣᠯ", "蒙古文", "Mongγol", "mn-Mong", "Noto Sans Mongolian"),
    ("ꆈꌠ", "彝文", "Nuosu", "ii", "Noto Sans Yi"),
]
PAGES = (
    ("home", "/"),
    ("calendar", "/calendar"),
    ("record", "/records/C134"),
    ("native", "/records/N1"),
    ("queue", "/curate/queue/已发布"),
    ("api", "/api/"),
    ("sitemap", "/sitemap"),
)


@pytest.fixture(scope="module")
def server(corpus_index):
    """The site with a curator account and a record whose native names are in four scripts."""
    from heritage import store, users
    from heritage.db import write

    home, db = corpus_index
    users.add_user(db, "layout", PASSWORD, "curator", "版式测试员")
    with write(db):
        store.put(
            db,
            store.RECORD,
            {
                "id": "N1",
                "title": "民族文字名称",
                "category": "民间文学",
                "status": "已发布",
                "native_names": [{"name": n, "script": s, "transliteration": t} for n, s, t, _, _ in NATIVE],
            },
            "test",
        )
    process, address = start_server(home, home.parent / "serve-layout.log")
    yield address
    process.terminate()
    process.wait(timeout=30)


def signed_in(browser, server, **options) -> Watched:  # noqa: F811
    watched = Watched(browser, **options)
    watched.page.goto(server + "/login")
    watched.page.fill("#username", "layout")
    watched.page.fill("#password", PASSWORD)
    watched.page.click("form.stacked button")
    watched.page.wait_for_url("**/curate/")
    return watched


WIDEST = """() => Math.max(document.documentElement.scrollWidth, ...[...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.hidden, .skip, .trap') && e.getClientRects().length)
  .map(e => Math.ceil(e.getBoundingClientRect().right)))"""
EDGES = """() => { const main = document.querySelector('main'), box = main.getBoundingClientRect(),
  pad = parseFloat(getComputedStyle(main).paddingLeft), brand = document.querySelector('header.site .brand'),
  footer = document.querySelector('footer.site p').getBoundingClientRect();
  return [brand.getBoundingClientRect().left, box.left + pad, box.right - pad, footer.left, footer.right]; }"""


@pytest.mark.parametrize("width", [1280, 375])
def test_pages_fit_the_screen_and_share_one_column(server, browser, width):  # noqa: F811
    options = {"viewport": {"width": width, "height": 900 if width > 400 else 740}}
    if width < 400:
        options |= {"device_scale_factor": 2, "is_mobile": True, "has_touch": True}
    watched = signed_in(browser, server, **options)
    for name, path in PAGES:
        watched.page.goto(server + path)
        widest = watched.page.evaluate(WIDEST)
        assert widest <= width, f"{path}：最宽的元素到 {widest}px，屏幕 {width}px"
        brand, left, right, footer_left, footer_right = watched.page.evaluate(EDGES)
        assert abs(brand - left) <= 1 and abs(footer_left - left) <= 1 and abs(footer_right - right) <= 1, (
            path,
            brand,
            left,
            right,
            footer_left,
            footer_right,
        )
        line = watched.page.evaluate(
            "[...document.querySelectorAll('footer.site .signed-in, footer.site button')]"
            ".map(e => e.getBoundingClientRect().top)"
        )
        assert len(line) == 2 and (width < 400 or abs(line[0] - line[1]) <= 2), (path, line)  # 退出 beside the name
        watched.shot(f"layout-{width}-{name}")
    assert watched.problems == []
    watched.context.close()


def test_native_names_are_drawn_with_fonts_for_their_scripts(server, browser):  # noqa: F811
    watched = Watched(browser, viewport={"width": 1280, "height": 900})
    page = watched.page
    page.goto(server + "/records/N1")
    cdp = watched.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    for name, _, _, lang, font in NATIVE:
        selector = f'span.native-name[lang="{lang}"]'
        assert page.locator(selector).inner_text() == name
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert [f["familyName"] for f in used] == [font], (lang, used)
    page.locator("p.native").screenshot(path=str(watched.shot("native-scripts").with_name("native-scripts-line.png")))
    watched.context.close()
