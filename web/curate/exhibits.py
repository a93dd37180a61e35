"""Curators create and order exhibits (专题展览) shown on the public site."""

from __future__ import annotations

import re
import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from heritage import exhibits
from heritage.db import write
from heritage.workflow import EDITORS
from web.db import get_store
from web.sessions import current_user, requires

bp = Blueprint("curate_exhibits", __name__, url_prefix="/curate/exhibits")


def _items_text(exhibit: dict) -> str:
    """One line per record: its id, then the note."""
    return "\n".join(f"{i['record_id']} {i['note'] or ''}".strip() for i in exhibit.get("items", []))


def _items(text: str) -> list[dict[str, str]]:
    items = []
    for line in text.splitlines():
        parts = re.split(r"\s+", line.strip(), maxsplit=1)
        if parts[0]:
            items.append({"record_id": parts[0], "note": parts[1] if len(parts) > 1 else ""})
    return items


@bp.route("/")
@requires(*EDITORS)
def listing():
    """Every exhibit, drafts too, in display order."""
    return render_template("curate/exhibits.html", exhibits=exhibits.listing(get_store(), published_only=False))


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<exhibit_id>", methods=["GET", "POST"])
@requires(*EDITORS)
def edit(exhibit_id: str | None = None):
    """Title, introduction, status, position, cover, and the records in order (one per line: id and note)."""
    db = get_store()
    exhibit = exhibits.get(db, exhibit_id) if exhibit_id else None
    if exhibit_id and exhibit is None:
        abort(404)
    form = {
        "id": exhibit_id or "",
        "title": "",
        "intro": "",
        "status": "草稿",
        "position": 0,
        "items": "",
        "cover_record": "",
    }
    if exhibit:
        form.update(exhibit, items=_items_text(exhibit), cover_record=exhibit["cover_record"] or "")
    error = None
    if request.method == "POST":
        form.update(
            {
                k: request.form.get(k, "")[:60_000]
                for k in ("title", "intro", "status", "position", "items", "cover_record")
            }
        )
        form["id"] = exhibit_id or request.form.get("id", "").strip() or "E" + secrets.token_hex(4).upper()
        try:
            with write(db):
                exhibits.put(db, {**form, "items": _items(form["items"])}, current_user()["username"])
        except (exhibits.ExhibitError, ValueError) as failure:
            error = str(failure)
        else:
            flash("已保存专题展览。")
            return redirect(url_for("curate_exhibits.edit", exhibit_id=form["id"]))
    return render_template(
        "curate/exhibit.html", form=form, error=error, new=exhibit_id is None, statuses=exhibits.STATUSES
    ), 422 if error else 200
