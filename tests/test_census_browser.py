"""The census dashboard, the map and /browse's summary in a real browser (Debian's Chromium against
`heritage serve` on the shipped corpus, the deployment's area set to 贵州 in site.cfg), at desktop and
375 px width: no failed request or console error, nothing wider than the phone, a click on the map
searches that place.  Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import pytest

from heritage import census, users
from heritage.regions import divisions, positions
from tests.live import start_server
from tests.test_browser import CHROMIUM, Watched, browser  # noqa: F401 (the browser fixture)
from web.census_view import ASCENT, DESCENT

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="未安装 Debian 的 chromium（scripts/test 以 root 运行时会安装）"
)
DRAWN_LABELS = """() => [...document.querySelectorAll('figure.map svg text')].map(t => {
  const b = t.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom, b.height]; })"""
SIZES = {"desktop": {"width": 1280, "height": 900}, "375": {"width": 375, "height": 812}}


@pytest.fixture(scope="module")
def server(corpus_index):
    home, db = corpus_index
    (home / "site.cfg").write_text('REGION = "520000"\n', "utf-8")
    users.add_user(db, "census-reviewer", "reviewer-pass-7", "reviewer")
    process, address = start_server(home, home.parent / "serve.log")
    yield address
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_map_and_browse_summary_render_cleanly(server, browser, size):  # noqa: F811
    watched = Watched(browser, viewport=SIZES[size])
    page = watched.page

    def fits() -> bool:
        return page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]

    page.goto(server + "/browse")
    assert "普查概况：贵州省" in page.locator("#h-census").inner_text()
    assert page.locator("section.census-summary svg").count() >= 2 and fits()
    watched.shot(f"30-browse-summary-{size}")

    page.locator("nav.site a", has_text="分布图").click()
    page.wait_for_url("**/map")
    seated = [u for u in census.units(divisions().get("520000")) if u.code in positions()]
    assert page.locator("figure.map svg circle").count() == len(seated) > 80 and fits()  # 贵州's counties
    watched.shot(f"31-map-{size}")
    page.goto(server + "/map?region=全国&level=province")
    assert page.locator("figure.map svg text", has_text="贵州").count() == 1
    boxes = page.evaluate(DRAWN_LABELS)
    shortest = min(b[4] for b in boxes) / (ASCENT + DESCENT)  # a line is ascent + descent font sizes high
    assert len(boxes) >= 10 and shortest >= 10.5, boxes  # readable: letters at least 10.5 px on the phone
    for i, a in enumerate(boxes):
        assert all(a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1] for b in boxes[i + 1 :]), a
    field, button = (page.locator(s).bounding_box() for s in ("#m-region", "form.scope button"))
    assert abs(field["y"] + field["height"] / 2 - button["y"] - button["height"] / 2) < 4  # 显示 stays on the line
    watched.shot(f"32-map-country-{size}")
    page.locator("figure.map a:has(circle)").first.dispatch_event("click")
    page.wait_for_url("**/search?region=*")
    assert page.locator("ol.results li").count() > 0

    page.goto(server + "/login")
    page.fill("#username", "census-reviewer")
    page.fill("#password", "reviewer-pass-7")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/curate/")
    page.locator("nav.curate a", has_text="普查统计").click()
    page.wait_for_url("**/curate/dashboard")
    assert "范围：贵州省" in page.locator("main").inner_text() and fits()
    assert page.locator("main svg").count() >= 8
    watched.shot(f"33-dashboard-{size}")
    page.locator("table#t-vitality a").first.click()
    page.wait_for_url("**/curate/dashboard/records?figure=vitality*")
    assert page.locator("ol.counted li").count() == int(page.locator("strong.total").inner_text())
    with page.expect_download() as download_info:
        page.goto(server + "/curate/dashboard")
        page.locator("a.button", has_text="下载 XLSX 报告").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    assert watched.problems == []
    watched.context.close()
