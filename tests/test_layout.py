"""Layout a person sees, in Debian's Chromium against the real server: one column for header, main and
footer; nothing wider than a phone (the curators' queue too); Tibetan, Uyghur, Mongolian, Yi, Manchu, Korean
and Kazakh names drawn with fonts that have their letters. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import pytest

from tests.live import start_server
from tests.test_browser import CHROMIUM, Watched, browser, loaded_width  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="未安装 Debian 的 chromium（scripts/test 以 root 运行时会安装）"
)
PASSWORD = "layout-pass-1"
# Real names: 藏戏 (ཨ་ལྕེ་ལྷ་མོ), 维吾尔 (ئۇيغۇر), 蒙古 (ᠮᠣᠩᠭᠣᠯ), 彝 (ꆈꌠ, Nuosu); and from the shipped records
# 满族说部 (ᡠᠯᠠᠪᡠᠨ), 朝鲜族农乐舞 (농악무), 哈萨克族冬布拉艺术 (دومبىرا).
NATIVE = [
    ("ཨ་ལྕེ་ལྷ་མོ", "藏文", "a lce lha mo", "bo", "Noto Serif Tibetan"),
    ("ئۇيغۇر", "维吾尔文", "Uyghur", "ug", "Noto Naskh Arabic"),
    ("ᠮᠣᠩᠭᠣᠯ", "蒙古文", "Mongγol", "mn-Mong", "Noto Sans Mongolian"),
    ("ꆈꌠ", "彝文", "Nuosu", "ii", "Noto Sans Yi"),
    ("ᡠᠯᠠᠪᡠᠨ", "满文", "ulabun", "mnc-Mong", "Noto Sans Mongolian"),
    ("농악무", "朝鲜文", "", "ko", "Noto Sans CJK KR"),
    ("دومبىرا", "哈萨克文", "", "kk-Arab", "Noto Naskh Arabic"),
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
    """The site with a curator account and a record whose native names are in seven scripts."""
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


def screen(width: int) -> dict:
    """A desktop window, or a phone (touch, twice the pixels) when narrower than 400 px."""
    options: dict = {"viewport": {"width": width, "height": 900 if width > 400 else 740}}
    if width < 400:
        options |= {"device_scale_factor": 2, "is_mobile": True, "has_touch": True}
    return options


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
    watched = signed_in(browser, server, **screen(width))
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


FLAGSHIPS = (("fire", "/records/C001"), ("suoga", "/records/C003"), ("tiaohua", "/records/C002"))
STORY = """() => { const p = document.querySelector('.story p'), style = getComputedStyle(p);
  return [p.getBoundingClientRect().width, parseFloat(style.fontSize),
          parseFloat(style.lineHeight) / parseFloat(style.fontSize)]; }"""
# WCAG contrast of an element's text against the first opaque background behind it
CONTRAST = """(selector) => [...document.querySelectorAll(selector)].filter(e => e.getClientRects().length).map(e => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= .03928 ? v / 12.92 : ((v + .055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [.2126, .7152, .0722][i], 0);
  let back = e; while (back && (rgb(getComputedStyle(back).backgroundColor)[3] === 0)) back = back.parentElement;
  const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(rgb(getComputedStyle(back || document.body).backgroundColor))];
  return [e.textContent.trim().slice(0, 12), (Math.max(a, b) + .05) / (Math.min(a, b) + .05)]; })"""


@pytest.mark.parametrize("width", [1280, 375])
def test_home_opens_with_exhibits_then_festivals_with_one_search_box(server, browser, width):  # noqa: F811
    watched = Watched(browser, **screen(width))
    page = watched.page
    page.goto(server + "/")
    assert page.locator('input[type="search"]').count() == 1 and page.locator("header.site #q").count() == 1
    order = page.evaluate("[...document.querySelectorAll('main h2')].map(h => h.id)")
    assert order[:3] == ["h-exhibits", "h-coming", "h-browse"], order
    assert page.locator(".home-exhibits .exhibits li").count() >= 4
    assert page.locator(".home-exhibits .line").count() >= 4  # each exhibit with its one line
    assert page.locator(".home-season .coming time").count() >= 1
    for link in ("政策宣传", "互动交流"):
        assert page.locator("main h2", has_text=link).count() == 1
    for image in page.locator(".home-exhibits img, .cards img").all():
        assert loaded_width(image) > 0
    assert page.evaluate(WIDEST) <= width
    watched.shot(f"look-{width}-home")
    assert watched.problems == []
    watched.context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_record_pages_read_picture_facts_story_with_a_measured_column(server, browser, width):  # noqa: F811
    watched = Watched(browser, **screen(width))
    page = watched.page
    for name, path in (("record", "/records/C134"), *FLAGSHIPS):
        page.goto(server + path)
        tops = [page.locator(s).first.bounding_box() for s in ("figure.cover", "dl.facts", ".story")]
        if width < 400:  # one column: the picture, then the facts, then the story
            assert tops[0]["y"] < tops[1]["y"] < tops[2]["y"], path
        else:  # the facts beside the picture, the story under both
            assert tops[0]["x"] < tops[1]["x"] and tops[2]["y"] >= max(t["y"] + t["height"] for t in tops[:2])
        assert "示意图案" in page.locator("figure.cover figcaption").inner_text()
        assert loaded_width(page.locator("figure.cover img")) > 0
        line, size, leading = page.evaluate(STORY)
        if width > 400:
            assert 34 <= line / size <= 40, (path, line / size)  # characters a line
        assert 1.7 <= leading <= 2.1
        assert page.evaluate(WIDEST) <= width, path
        watched.shot(f"look-{width}-{name}")
    assert watched.problems == []
    watched.context.close()


def test_links_underline_only_in_running_text_and_on_focus_with_aa_contrast(server, browser):  # noqa: F811
    watched = Watched(browser, viewport={"width": 1280, "height": 900})
    page = watched.page
    page.goto(server + "/")
    decoration = "e => getComputedStyle(e).textDecorationLine"
    assert page.locator("nav.site a").first.evaluate(decoration) == "none"
    assert page.locator(".cards a").first.evaluate(decoration) == "none"
    assert page.locator("p.entries a").first.evaluate(decoration) == "underline"
    page.locator("nav.site a").first.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); "
        "return [s.outlineStyle, parseFloat(s.outlineWidth), s.textDecorationLine]; })()"
    )
    assert focused[0] == "solid" and focused[1] >= 2 and focused[2] == "underline"
    for path in ("/", "/records/C001"):
        page.goto(server + path)
        for selector in ("nav.site a", "main a", ".meta", "figcaption", ".story p", ".drawn", "footer.site a"):
            for text, ratio in page.evaluate(CONTRAST, selector):
                assert ratio >= 4.5, (path, selector, text, ratio)
    assert watched.problems == []
    watched.context.close()


LAST_TWO_ON_ONE_LINE = """h => { const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT); let last, node;
  while ((node = walker.nextNode())) if (node.textContent.trim()) last = node;
  const text = last.textContent.trimEnd(), range = document.createRange();
  range.setStart(last, text.length - 1); range.setEnd(last, text.length);
  const end = range.getBoundingClientRect().top;
  range.setStart(last, text.length - 2); range.setEnd(last, text.length - 1);
  return Math.abs(range.getBoundingClientRect().top - end) < 2; }"""


@pytest.mark.parametrize("width", [1280, 375])
def test_the_calendar_shows_each_date_once_and_leaves_no_character_alone(server, browser, width):  # noqa: F811
    watched = Watched(browser, **screen(width))
    page = watched.page
    for path in ("/calendar/2026/12", "/calendar/2026/4", "/calendar/2027/7", "/calendar/2027"):
        page.goto(server + path)
        assert page.locator("main h1").evaluate(LAST_TWO_ON_ONE_LINE), path  # no 日 or 历 alone on a line
        assert page.evaluate(WIDEST) <= width, path
    page.goto(server + "/calendar/2026/12")
    assert page.locator("#h-list + ul li", has_text="阔时节").inner_text() == "12月20日 阔时节"
    watched.shot(f"calendar-{width}")
    page.goto(server + "/calendar/2026/4")  # a span of fixed days: the length, not the rule
    assert page.locator("#h-list + ul li", has_text="泼水节").first.inner_text().endswith("泼水节（3 天）")
    page.goto(server + "/calendar/2027/7")  # a lunar day keeps its rule
    assert page.locator("#h-list + ul li", has_text="火把节").first.inner_text().endswith("农历六月二十四至二十六")
    assert watched.problems == []
    watched.context.close()


PLACEHOLDER_FITS = """i => { const style = getComputedStyle(i), pen = document.createElement('canvas').getContext('2d');
  pen.font = `${style.fontSize} ${style.fontFamily}`;
  const room = i.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [pen.measureText(i.placeholder).width, room]; }"""


@pytest.mark.parametrize("width", [1280, 375, 320])
def test_the_header_search_box_shows_its_whole_example(server, browser, width):  # noqa: F811
    watched = Watched(browser, **screen(width))
    watched.page.goto(server + "/")
    text, room = watched.page.locator("header.site #q").evaluate(PLACEHOLDER_FITS)
    assert 0 < text <= room, (text, room)
    watched.context.close()


def test_a_phone_finds_an_inheritor_by_name_and_jumps_to_a_page(server, browser):  # noqa: F811
    watched = Watched(browser, **screen(375))
    page = watched.page
    page.goto(server + "/inheritors")
    last = page.locator("nav.pages a[aria-label^='第']").last
    pages = last.inner_text()
    assert int(pages) >= 5 and page.evaluate(WIDEST) <= 375
    last.click()
    page.wait_for_url(f"**/inheritors?page={pages}")
    assert page.locator("nav.pages [aria-current=page]").inner_text() == pages
    name = page.locator("table.inheritor-list td a").first.inner_text()
    page.fill("#i-name", name[:2])
    page.locator("form.filters button").click()
    page.wait_for_url("**/inheritors?name=*")
    shown = page.locator("table.inheritor-list td:first-child a").all_inner_texts()
    assert name in shown and all(name[:2] in n for n in shown)
    assert page.evaluate(WIDEST) <= 375
    watched.shot("look-375-inheritors-by-name")
    assert watched.problems == []
    watched.context.close()
