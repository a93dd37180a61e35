"""互动交流: the public form where anyone reports a festival, craft or inheritor they know."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from heritage import clues, vocab
from web.db import get_store

bp = Blueprint("clues", __name__)
FORM_FIELDS = ("title", "category", "ethnic_groups", "region_text", "content", "contact")
HONEYPOT = "website"


@bp.route("/clues", methods=["GET", "POST"])
def clue_form():
    """The form; a filled honeypot is thanked and dropped; a clue lands as 线索 for the curators."""
    form = {name: request.form.get(name, "")[:5000] for name in FORM_FIELDS}
    error = field = None
    if request.method == "POST":
        if request.form.get(HONEYPOT):
            return render_template("clue_thanks.html")
        client = clues.client_key(request.remote_addr or "", current_app.config["SECRET_KEY"])
        try:
            clues.submit(get_store(), form, client)
        except clues.ClueError as failure:
            error, field = str(failure), failure.field
        else:
            return render_template("clue_thanks.html")
    status = 429 if error and not field else 422 if error else 200
    return render_template(
        "clues.html", form=form, error=error, field=field, categories=vocab.CATEGORIES, honeypot=HONEYPOT
    ), status
