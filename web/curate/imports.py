"""Bulk import in the browser: upload a CSV, XLSX or JSON Lines file, read the dry-run report (row, column,
reason), then confirm — the same importer as `heritage import`, with the rights of the signed-in user's role,
run in a child process with bounded memory and CPU time (heritage.isolated), so that no file can exhaust the web server."""

from __future__ import annotations

import io
import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from heritage import columns
from heritage.isolated import import_isolated
from heritage.store import INHERITOR, RECORD
from heritage.workflow import EDITORS
from web.db import home
from web.sessions import current_user, requires

bp = Blueprint("curate_import", __name__, url_prefix="/curate/import")
SUFFIXES = (".csv", ".xlsx", ".jsonl")
KINDS = {"record": RECORD, "inheritor": INHERITOR}
TEMPLATE_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


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


def _kind() -> str:
    kind = request.values.get("kind", "record")
    return kind if kind in KINDS else abort(400, description=f"参数 kind 应为 {' 或 '.join(KINDS)}")


def _page(**context):
    return render_template(
        "curate/import.html", reference={k: columns.reference(v) for k, v in KINDS.items()}, **context
    )


@bp.route("/", methods=["GET", "POST"])
@requires(*EDITORS)
def start():
    """Upload a file; what comes back is the dry-run report."""
    if request.method == "GET":
        return _page(report=None)
    upload = request.files.get("file")
    suffix = Path(upload.filename or "").suffix.lower() if upload else ""
    if not upload or suffix not in SUFFIXES:
        flash("请选择 CSV、XLSX 或 JSON Lines 文件（.csv、.xlsx、.jsonl）")
        return redirect(url_for("curate_import.start"))
    kind, skip = _kind(), bool(request.form.get("skip_invalid"))
    token = secrets.token_urlsafe(24) + suffix
    path = _uploads() / token
    upload.save(path)
    report = import_isolated(
        home(),
        path,
        kind,
        dry_run=True,
        user=current_user()["username"],
        skip_invalid=skip,
        role=current_user()["role"],
    )
    confirmable = not report.fatal and (not report.problems or skip) and bool(report.created or report.updated)
    if not confirmable:
        path.unlink(missing_ok=True)  # nothing to confirm: keep no copy of the file
    return _page(report=report, token=token if confirmable else None, kind=kind, name=upload.filename, skip=skip)


@bp.route("/<token>", methods=["POST"])
@requires(*EDITORS)
def confirm(token: str):
    """Import the checked file for real (all or nothing, or only valid rows when asked)."""
    path = _upload(token)
    kind, skip = _kind(), bool(request.form.get("skip_invalid"))
    report = import_isolated(
        home(), path, kind, skip_invalid=skip, user=current_user()["username"], role=current_user()["role"]
    )
    if report.committed or report.fatal:
        path.unlink(missing_ok=True)
    return _page(
        report=report,
        token=None if report.committed or report.fatal else token,
        kind=kind,
        name=request.form.get("name", ""),
        skip=skip,
        done=True,
    )


@bp.route("/template.<fmt>")
@requires(*EDITORS)
def template(fmt: str):
    """A template sheet: every column's Chinese header and one example row."""
    if fmt not in TEMPLATE_TYPES:
        abort(404)
    kind = _kind()
    out = io.BytesIO()
    columns.write_template(KINDS[kind], fmt, out)
    out.seek(0)
    name = f"{'普查记录' if kind == 'record' else '传承人'}导入模板.{fmt}"
    return send_file(out, mimetype=TEMPLATE_TYPES[fmt], as_attachment=True, download_name=name)
