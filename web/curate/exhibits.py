"""Curators create exhibits (专题展览) as stories: introduction, sections, and records picked by
searching, each with a note, ordered and placed in a section; saved through the versioned save."""

from __future__ import annotations

import secrets
from typing import Any

import sqlite_utils
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from heritage import exhibits
from heritage.db import write
from heritage.visibility import PUBLIC, RESEARCHER
from heritage.workflow import EDITORS
from indexer.search import search
from web.curate.exhibit_form import apply_buttons, read
from web.db import get_store, home
from web.numbers import whole
from web.sessions import current_user, requires
from web.visible import record_or_none

bp = Blueprint("curate_exhibits", __name__, url_prefix="/curate/exhibits")
FOUND = 12  # search results listed in the editor, a page at a time
MOST_PAGES = 10_000  # a page number past any search is read as no page


@bp.route("/")
@requires(*EDITORS)
def listing():
    """Every exhibit, drafts too, in display order."""
    return render_template("curate/exhibits.html", exhibits=exhibits.listing(get_store(), published_only=False))


def _blank() -> dict[str, Any]:
    draft = exhibits.STATUSES[0]
    return {"id": "", "title": "", "intro": "", "status": draft, "position": 0, "cover_record": "", "sources": ""}


def _stored(exhibit: dict[str, Any]) -> dict[str, Any]:
    """A stored exhibit as the form shows it."""
    return exhibit | {"sources": "\n".join(exhibit["sources"]), "cover_record": exhibit["cover_record"] or ""}


def _found(query: str, chosen: set[str], page: int) -> dict[str, Any] | None:
    """One page of the published records matching the curator's search (what the public would see; a
    page past the last is the last), each marked when it is in the exhibit already; None when nothing
    was asked."""
    if not query.strip():
        return None
    answer = search(home(), get_store(), query[:200], limit=FOUND, page=page, audience=PUBLIC, with_facets=False)
    if answer["total"] and not answer["results"]:
        return _found(query, chosen, answer["pages"])
    answer["results"] = [hit | {"chosen": hit["id"] in chosen} for hit in answer["results"]]
    return answer


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<exhibit_id>", methods=["GET", "POST"])
@requires(*EDITORS)
def edit(exhibit_id: str | None = None):
    """The editor: a search box lists matching records with 加入; the items can be given a section and
    a note, moved up or down, removed. 搜索 only searches; every other button saves the whole form."""
    db = get_store()
    stored = exhibits.get(db, exhibit_id) if exhibit_id else None
    if exhibit_id and stored is None:
        abort(404)
    form = _stored(stored) if stored else _blank() | {"sections": [], "items": []}
    query, error = request.values.get("q", "")[:200], None
    found_page = whole(request.values.get("found_page", ""), 1, MOST_PAGES) or 1
    if request.method == "POST":
        chosen_id = exhibit_id or request.form.get("id", "").strip()[:64]
        form = {"id": chosen_id, "version": request.form.get("version", "")} | read(request.form)
        form["status"] = form["status"] or (stored["status"] if stored else exhibits.STATUSES[0])
        pressed = apply_buttons(form, request.form)
        searching = request.form.get("action") == "search" or "found_page" in request.form  # 上一页, 下一页
        if not searching or pressed:
            form["id"] = form["id"] or "E" + secrets.token_hex(4).upper()
            error = _save(db, form, stored)
            if error is None:
                flash("已保存专题展览。")
                return redirect(
                    url_for("curate_exhibits.edit", exhibit_id=form["id"], q=query or None, found_page=_shown_page())
                )
    return render_template(
        "curate/exhibit.html",
        form=form,
        error=error,
        new=exhibit_id is None,
        published_status=exhibits.STATUSES[-1],
        statuses=exhibits.statuses_for(current_user()["role"], stored["status"] if stored else None),
        titles={i["record_id"]: _title(i["record_id"]) for i in form["items"]},
        query=query,
        found=_found(query, {i["record_id"] for i in form["items"]}, found_page),
    ), 422 if error else 200


def _shown_page() -> int | None:
    """The page of search results the saved form was showing, to show it again (None for the first)."""
    page = whole(request.form.get("shown_page", ""), 1, MOST_PAGES)
    return page if page and page > 1 else None


def _title(record_id: str) -> str | None:
    record = record_or_none(record_id, RESEARCHER)
    return record.get("title") if record else None


def _save(db: sqlite_utils.Database, form: dict[str, Any], stored: dict[str, Any] | None) -> str | None:
    """Save through the versioned save; the error in Chinese, or None. A form opened on an older
    version than the stored one is refused (checked in the same transaction as the save), so one
    curator's save never silently undoes another's."""
    try:
        with write(db):
            current = exhibits.get(db, form["id"])
            if stored and (current is None or request.form.get("version", "") != str(current["version"])):
                return "保存前这个展览已被他人修改：请重新打开编辑页面，再把你的修改做一遍。"
            if not stored and current:
                return f"编号“{form['id']}”已被另一个专题展览使用，请换一个。"
            exhibits.put(db, form, current_user()["username"], current_user()["role"])
    except (exhibits.ExhibitError, ValueError) as failure:
        return str(failure)
    return None
