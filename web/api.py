"""The JSON API: search and records, with the same rules as the pages and errors as JSON."""
from __future__ import annotations

from flask import Blueprint, jsonify

from web.public import published, run_search

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/search")
def api_search():
    """Search: the same parameters as /search; plain JSON out."""
    answer = run_search()
    del answer["args"]
    if answer["error"]:
        return jsonify(answer), 503 if answer["error"].startswith("检索暂不可用") else 400
    return jsonify(answer)


@bp.route("/records/<record_id>")
def api_record(record_id: str):
    """One published record's public fields."""
    return jsonify(published(record_id))
