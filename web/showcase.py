"""Exhibits (专题展览) and articles (政策宣传) as the public sees them."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, render_template, send_file, url_for

from heritage import articles, covers
from web.db import get_db, home
from web.displayed import public_article, public_exhibit, public_exhibits
from web.exhibit_story import coming_festivals, places
from web.linked_data import json_ld

bp = Blueprint("showcase", __name__)


@bp.route("/exhibits")
def exhibit_list():
    """All exhibits, each with its picture."""
    return render_template("exhibits.html", exhibits=public_exhibits())


@bp.route("/exhibits/<exhibit_id>")
def exhibit_page(exhibit_id: str):
    """One exhibit as a story: introduction, sections with their records and notes, places, coming
    festivals and sources."""
    exhibit = public_exhibit(exhibit_id) or abort(404)
    url = url_for("showcase.exhibit_page", exhibit_id=exhibit_id, _external=True)
    ld = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": exhibit["title"],
        "url": url,
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": n + 1,
                "name": item["record"]["title"],
                "url": url_for("public.record_page", record_id=item["record"]["id"], _external=True),
            }
            for n, item in enumerate(exhibit["items"])
        ],
    }
    records = [item["record"] for item in exhibit["items"]]
    return render_template(
        "exhibit.html",
        exhibit=exhibit,
        places=places(records),
        festivals=coming_festivals(records, dt.date.today()),
        ld=json_ld(ld),
    )


@bp.route("/exhibits/<exhibit_id>/cover.png")
def exhibit_cover(exhibit_id: str):
    """A published exhibit's own drawn cover (used when none of its records has a photograph)."""
    exhibit = public_exhibit(exhibit_id) or abort(404)
    path = covers.current(
        covers.exhibit_cover_file(home(), exhibit_id),
        exhibit["updated_at"],
        lambda: covers.render_exhibit_cover(exhibit),
    )
    return send_file(path, mimetype="image/png", max_age=3600)


@bp.route("/articles")
def article_list():
    """Policy and news, newest first."""
    return render_template("articles.html", articles=articles.listing(get_db()))


@bp.route("/articles/<article_id>")
def article_page(article_id: str):
    """One article."""
    article = public_article(article_id)
    ld = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article["title"],
        "datePublished": article["published_on"],
        "inLanguage": "zh-CN",
        "publisher": {"@type": "Organization", "name": article["source"]},
        "url": url_for("showcase.article_page", article_id=article_id, _external=True),
    }
    return render_template("article.html", article=article, ld=json_ld(ld))
