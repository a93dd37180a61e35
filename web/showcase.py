"""Exhibits (专题展览) and articles (政策宣传) as the public sees them."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, send_file, url_for

from heritage import articles, covers, exhibits
from web.db import get_db, home
from web.pictures import exhibit_picture
from web.visible import json_ld, record_or_none

bp = Blueprint("showcase", __name__)


def public_exhibit(exhibit_id: str) -> dict[str, Any] | None:
    """A published exhibit with its public records in order (each with the curator's note), or None."""
    exhibit = exhibits.get(get_db(), exhibit_id)
    if exhibit is None or exhibit["status"] != "已发布":
        return None
    items = []
    for item in exhibit["items"]:
        record = record_or_none(item["record_id"])
        if record:
            items.append({"record": record, "note": item["note"]})
    chosen = [exhibit["cover_record"]] if exhibit["cover_record"] and record_or_none(exhibit["cover_record"]) else []
    picture = exhibit_picture(exhibit_id, chosen + [item["record"]["id"] for item in items])
    return {key: exhibit[key] for key in ("id", "title", "intro", "updated_at")} | {"items": items, "picture": picture}


# The home page's 节日与技艺: how many shipped records of each category it shows.
FEATURED = {"民俗": 4, "传统技艺": 2, "传统美术": 2}


def featured_records() -> list[dict[str, Any]]:
    """Festivals and crafts for the home page: the first public records of the corpus in each category."""
    db = get_db()
    ids = [row[0] for category, count in FEATURED.items() for row in db.execute(
        "SELECT id FROM records WHERE status = '已发布' AND access = 'public' AND ref IS NULL AND category = ?"
        " ORDER BY id LIMIT ?", [category, count])]
    return [r for r in map(record_or_none, ids) if r]


def public_exhibits() -> list[dict[str, Any]]:
    """Every published exhibit, in the curators' order."""
    return [e for e in (public_exhibit(row["id"]) for row in exhibits.listing(get_db())) if e]


@bp.route("/exhibits")
def exhibit_list():
    """All exhibits, each with its picture."""
    return render_template("exhibits.html", exhibits=public_exhibits())


@bp.route("/exhibits/<exhibit_id>")
def exhibit_page(exhibit_id: str):
    """One exhibit: its introduction and its records in order."""
    exhibit = public_exhibit(exhibit_id) or abort(404)
    url = url_for("showcase.exhibit_page", exhibit_id=exhibit_id, _external=True)
    ld = {"@context": "https://schema.org", "@type": "ItemList", "name": exhibit["title"], "url": url,
          "itemListElement": [
              {"@type": "ListItem", "position": n + 1, "name": item["record"]["title"],
               "url": url_for("public.record_page", record_id=item["record"]["id"], _external=True)}
              for n, item in enumerate(exhibit["items"])]}
    return render_template("exhibit.html", exhibit=exhibit, ld=json_ld(ld))


@bp.route("/exhibits/<exhibit_id>/cover.png")
def exhibit_cover(exhibit_id: str):
    """A published exhibit's own drawn cover (used when none of its records has a photograph)."""
    exhibit = public_exhibit(exhibit_id) or abort(404)
    path = covers.current(covers.exhibit_cover_file(home(), exhibit_id), exhibit["updated_at"],
                          lambda: covers.render_exhibit_cover(exhibit))
    return send_file(path, mimetype="image/png", max_age=3600)


def public_article(article_id: str) -> dict[str, Any]:
    """A published article; else 404."""
    article = articles.get(get_db(), article_id)
    if article is None or article["status"] != "已发布":
        abort(404)
    return article


@bp.route("/articles")
def article_list():
    """Policy and news, newest first."""
    return render_template("articles.html", articles=articles.listing(get_db()))


@bp.route("/articles/<article_id>")
def article_page(article_id: str):
    """One article."""
    article = public_article(article_id)
    ld = {"@context": "https://schema.org", "@type": "Article", "headline": article["title"],
          "datePublished": article["published_on"], "inLanguage": "zh-CN",
          "publisher": {"@type": "Organization", "name": article["source"]},
          "url": url_for("showcase.article_page", article_id=article_id, _external=True)}
    return render_template("article.html", article=article, ld=json_ld(ld))
