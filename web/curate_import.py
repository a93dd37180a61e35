"""Bulk import in the browser: upload a CSV or XLSX, read the dry-run report (row, column, reason),
then confirm — the same importer as `heritage import`, with the rights of the signed-in user's role."""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from heritage.importer import import_file
from heritage.store import INHERITOR, RECORD
from web.auth import current_user, requires
from web.curate_records import EDITORS
from web.db import get_store, home

bp = Blueprint("curate_import", __name__, url_prefix="/curate/import")
SUFFIXES = (".csv", ".xlsx", ".jsonl")
MAX_UPLOAD = 200 * 1024 * 1024  # a province's census sheet; larger files go through `heritage import`
KINDS = {"record": RECORD, "inheritor": INHERITOR}


def _uploads() -> Path:
    """The folder for files awaiting confirmation; ones left for a day are removed."""
    folder = home() / "uploads"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        if time.time() - old.stat().st_mtime > 86400:
            old.unlink(missing_ok=True)
    return folder


def _upload(token: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}\.(csv|xlsx|jsonl)", token):
        abort(404)
    path = _uploads() / token
    return path if path.exists() else abort(404)


@bp.route("/", methods=["GET", "POST"])
@requires(*EDITORS)
def start():
    """Upload a file; what comes back is the dry-run report."""
    if request.method == "GET":
        return render_template("curate/import.html", report=None)
    request.max_content_length = MAX_UPLOAD
    upload = request.files.get("file")
    suffix = Path(upload.filename or "").suffix.lower() if upload else ""
    if not upload or suffix not in SUFFIXES:
        flash("请选择 CSV、XLSX 或 JSON Lines 文件（.csv、.xlsx、.jsonl）")
        return redirect(url_for("curate_import.start"))
    kind = request.form.get("kind", "record")
    if kind not in KINDS:
        abort(400, description=f"参数 kind 应为 {' 或 '.join(KINDS)}")
    token = secrets.token_urlsafe(24) + suffix
    path = _uploads() / token
    upload.save(path)
    report = import_file(get_store(), path, kind=KINDS[kind], dry_run=True, user=current_user()["username"],
                         skip_invalid=bool(request.form.get("skip_invalid")), role=current_user()["role"])
    return render_template("curate/import.html", report=report, token=token, kind=kind,
                           name=upload.filename, skip=bool(request.form.get("skip_invalid")))


@bp.route("/<token>", methods=["POST"])
@requires(*EDITORS)
def confirm(token: str):
    """Import the checked file for real (all or nothing, or only valid rows when asked)."""
    path = _upload(token)
    kind = request.form.get("kind", "record")
    if kind not in KINDS:
        abort(400, description=f"参数 kind 应为 {' 或 '.join(KINDS)}")
    report = import_file(get_store(), path, kind=KINDS[kind], skip_invalid=bool(request.form.get("skip_invalid")),
                         user=current_user()["username"], role=current_user()["role"])
    if report.committed:
        path.unlink()
    return render_template("curate/import.html", report=report, token=None if report.committed else token, kind=kind,
                           name=request.form.get("name", ""), done=True)
