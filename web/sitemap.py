"""The site map: a page for people (/sitemap), and for search engines an index of files of at most
20,000 addresses each (/sitemap.xml) with robots.txt."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for

from heritage import articles, exhibits, listings, store, vocab
from heritage.regions import divisions
from web.db import get_db

bp = Blueprint("sitemap", __name__)
PER_FILE = 20_000
_KINDS = {
    "records": (store.RECORD, "public.record_page", "record_id"),
    "inheritors": (store.INHERITOR, "browse.inheritor_page", "inheritor_id"),
}


def _xml(template: str, **context) -> Response:
    return Response(render_template(template, **context), mimetype="application/xml")


@bp.route("/robots.txt")
def robots():
    """Everything may be crawled but the curators' workspace; where the sitemap is."""
    text = f"User-agent: *\nDisallow: /curate/\nDisallow: /login\nSitemap: {url_for('sitemap.index', _external=True)}\n"
    return Response(text, mimetype="text/plain")


# The site's sections as the site map page lists them: (endpoint, name, what is there).
SECTIONS = (
    ("public.index", "首页", "检索框、专题展览、近期节日、节日与技艺"),
    ("showcase.exhibit_list", "专题展览", "策展的项目组与导言"),
    ("browse.browse", "分类浏览", "按类别、民族、省份、级别、批次"),
    ("festivals.calendar_now", "节日历", "按农历、节气与公历推算的月历与年历"),
    ("browse.inheritors", "传承人", "按民族、类别筛选"),
    ("showcase.article_list", "政策宣传", "法律、政策与动态"),
    ("public.search_page", "检索", "全部公开记录，可筛选与排序"),
    ("public.advanced", "高级检索", "填表组合出研究模式检索式"),
    ("clues.clue_form", "互动交流", "提交节日、技艺或传承人的线索"),
    ("apidocs.guide", "开放数据接口", "JSON 接口的说明与示例"),
)


@bp.route("/sitemap")
def overview():
    """The site map for people: sections, exhibits, articles, categories and provinces."""
    db = get_db()
    return render_template(
        "sitemap.html",
        sections=SECTIONS,
        categories=vocab.CATEGORIES,
        provinces=divisions().children(None),
        exhibits=exhibits.listing(db),
        articles=articles.listing(db),
    )


@bp.route("/sitemap.xml")
def index():
    """The sitemap index: the site's pages, then the records and inheritors in files."""
    db = get_db()
    files = [url_for("sitemap.pages", _external=True)]
    for name, (kind, _, _) in _KINDS.items():
        total = listings.visible_count(db, kind)
        files += [
            url_for("sitemap.part", kind=name, number=n + 1, _external=True)
            for n in range((total + PER_FILE - 1) // PER_FILE)
        ]
    return _xml("sitemap_index.xml", files=files)


@bp.route("/sitemaps/pages.xml")
def pages():
    """Home, browsing, exhibits, articles, the calendar and the province pages."""
    db = get_db()
    urls = [
        url_for(name, _external=True)
        for name in (
            "public.index",
            "browse.browse",
            "showcase.exhibit_list",
            "showcase.article_list",
            "festivals.calendar_now",
            "browse.inheritors",
            "public.advanced",
        )
    ]
    urls += [url_for("showcase.exhibit_page", exhibit_id=e["id"], _external=True) for e in exhibits.listing(db)]
    urls += [url_for("showcase.article_page", article_id=a["id"], _external=True) for a in articles.listing(db)]
    urls += [url_for("browse.region_page", code=r.code, _external=True) for r in divisions().children(None)]
    return _xml("sitemap.xml", urls=[(url, None) for url in urls])


@bp.route("/sitemaps/<kind>-<int:number>.xml")
def part(kind: str, number: int):
    """One file of record or inheritor pages."""
    if kind not in _KINDS or number < 1:
        abort(404)
    stored, endpoint, key = _KINDS[kind]
    rows = listings.visible_page(get_db(), stored, PER_FILE, (number - 1) * PER_FILE)
    if not rows:
        abort(404)
    urls = [(url_for(endpoint, **{key: row[0]}, _external=True), row[1][:10]) for row in rows]
    return _xml("sitemap.xml", urls=urls)
