"""The curators' workspace: queues by status, editing records and inheritors, the workflow, history."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for

from heritage import calendar, clues, history, listings, media, store, vocab, workflow
from heritage.completeness import completeness
from heritage.db import write
from heritage.editing import Conflict, draft, editable, parse_form, save
from heritage.fields import ACCESS_LABELS, readable_value
from heritage.outbox import pending_count
from heritage.regions import divisions
from heritage.users import ROLE_NAMES
from heritage.visibility import RESEARCHER, view
from heritage.workflow import EDITORS
from web import forms
from web.db import get_store
from web.numbers import int_arg, int_form
from web.sessions import current_user, requires

bp = Blueprint("curate", __name__, url_prefix="/curate")

PER_PAGE = 50
KINDS = {"records": store.RECORD, "inheritors": store.INHERITOR}


def _kind(kinds: str) -> store.Kind:
    return KINDS.get(kinds) or abort(404)


def _entity(kind: store.Kind, entity_id: str) -> dict[str, Any]:
    return store.get(get_store(), kind, entity_id) or abort(404)


def index_lag() -> int:
    """How many saved changes search has not taken in yet: every workspace page says so."""
    return pending_count(get_store())


@bp.route("/")
@requires(*EDITORS)
def dashboard():
    """Counts per status with links to the queues, and the curator's own recent saves."""
    db = get_store()
    return render_template(
        "curate/dashboard.html",
        counts=listings.status_counts(db),
        statuses=vocab.STATUSES,
        recent=history.recent_records(db, current_user()["username"]),
        role_names=ROLE_NAMES,
    )


@bp.route("/queue/<status>")
@requires(*EDITORS)
def queue(status: str):
    """The records in one state, oldest change first (the longest waiting on top), with completeness."""
    if status not in vocab.STATUSES:
        abort(404)
    db = get_store()
    query = request.args.get("q", "").strip()[:100]
    total = listings.queue_count(db, status, query)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = int_arg("page", 1, 1, pages)
    rows = []
    for record_id in listings.queue_ids(db, status, query, PER_PAGE, (page - 1) * PER_PAGE):
        record = store.get(db, store.RECORD, record_id)
        score, missing = completeness(record, len(media.images(db, record_id)))
        rows.append({"record": record, "score": score, "missing": missing})
    return render_template(
        "curate/queue.html",
        status=status,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        query=query,
        statuses=vocab.STATUSES,
    )


def _form_page(
    kind: store.Kind,
    entity: dict[str, Any] | None,
    cells: dict[str, str],
    access: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
    links: list[str] | None = None,
    dates: list[str] | None = None,
):
    """The edit form; ``dates`` (the rules as typed, when they parsed) are previewed as coming days."""
    db = get_store()
    today = dt.date.today()
    rules = dates if dates is not None else (entity or {}).get("dates") or []
    context: dict[str, Any] = {
        "kind": kind,
        "entity": entity,
        "cells": cells,
        "access": access,
        "errors": errors,
        "forms": forms,
        "access_labels": ACCESS_LABELS,
        "upcoming": calendar.between(rules, today, today + dt.timedelta(days=730))[:4],
        "uncomputed": calendar.uncomputed(rules),
    }
    if kind is store.RECORD and entity:
        images = media.images(db, entity["id"])
        score, missing = completeness(entity, len(images))
        context.update(
            images=images,
            score=score,
            missing=missing,
            moves=workflow.moves(entity["status"], current_user()["role"]),
            locked=workflow.locked(entity, current_user()["role"]),
            on_site=view(entity, reader=RESEARCHER) is not None,
            inheritors=listings.inheritor_names(db, entity["id"]),
            contact=clues.contact(db, entity["id"]),
        )
    if kind is store.INHERITOR:
        context["links"] = "\n".join(links if links is not None else (entity or {}).get("items", []))
    return render_template("curate/edit.html", **context), status


@bp.route("/<any(records, inheritors):kinds>/new", methods=["GET", "POST"])
@requires(*EDITORS)
def new(kinds: str):
    """A new record (status 调查中) or inheritor."""
    kind = _kind(kinds)
    if request.method == "GET":
        cells = {name: request.args.get(name, "")[:200] for name in ("title", "category")}
        return _form_page(kind, None, cells, {}, {}, links=request.args.getlist("item"))
    return _save(kind, None)


@bp.route("/<any(records, inheritors):kinds>/<entity_id>", methods=["GET", "POST"])
@requires(*EDITORS)
def edit(kinds: str, entity_id: str):
    """Edit every field; a save based on an old version is refused and kept as a draft."""
    kind = _kind(kinds)
    entity = _entity(kind, entity_id)
    if request.method == "GET":
        return _form_page(
            kind,
            entity,
            forms.cells_of(kind, entity),
            {f.name: entity["field_access"].get(f.name, f.access) for f in editable(kind)},
            {},
        )
    return _save(kind, entity)


def _save(kind: store.Kind, entity: dict[str, Any] | None):
    db = get_store()
    cells, access = forms.read(kind)
    links = [line.strip() for line in request.form.get("links", "").splitlines() if line.strip()]
    parsed, errors = parse_form(db, kind, cells, access, links)
    if request.form.get("action") == "preview" or errors:
        return _form_page(
            kind,
            entity and entity | parsed,
            cells,
            access,
            errors,
            422 if errors else 200,
            links,
            dates=None if "dates" in errors else parsed.get("dates", []),
        )
    parsed["id"] = entity["id"] if entity else store.new_id(kind)
    if entity is None and kind is store.RECORD:
        parsed["status"] = workflow.NEW_RECORD
    refused: dict[str, str] = {}
    for name, reason in workflow.refusals(db, current_user()["role"], kind, parsed):
        refused[name] = f"{refused[name]}；{reason}" if name in refused else reason
    if refused:
        if "field_access" in refused:  # no input of its own: said above the form
            flash(refused["field_access"])
        return _form_page(kind, entity and entity | parsed, cells, access, refused, 422, links)
    base = int_form("version") if entity else None
    try:
        result = save(db, kind, parsed, base, current_user()["username"])
    except Conflict as conflict:
        flash(str(conflict))
        return redirect(url_for("curate.show_draft", draft_id=conflict.draft_id))
    flash({"新增": "已新建。", "更新": "已保存。", "未变": "没有改动。"}[result])
    return redirect(url_for("curate.edit", kinds=f"{kind.name}s", entity_id=parsed["id"]))


@bp.route("/records/<entity_id>/move", methods=["POST"])
@requires(*EDITORS)
def move(entity_id: str):
    """Move a record through the workflow (退回 with a reason; only reviewers publish)."""
    db = get_store()
    user = current_user()
    try:
        with write(db):
            workflow.move(
                db,
                entity_id,
                request.form.get("to", ""),
                user["username"],
                user["role"],
                request.form.get("reason", "")[:500],
                int_form("version"),
            )
    except workflow.WorkflowError as error:
        flash(str(error))
        return redirect(url_for("curate.edit", kinds="records", entity_id=entity_id))
    flash(f"已改为“{request.form.get('to')}”。")
    return redirect(url_for("curate.edit", kinds="records", entity_id=entity_id))


@bp.route("/<any(records, inheritors):kinds>/<entity_id>/history")
@requires(*EDITORS)
def revisions(kinds: str, entity_id: str):
    """Every save: who, when, what changed."""
    kind = _kind(kinds)
    entity = _entity(kind, entity_id)
    by_name = {f.name: f for f in kind.fields}
    shown = [
        r
        | {
            "diff": [
                (by_name[name].zh, [readable_value(by_name[name], v, kind.fields) for v in pair])
                for name, pair in r["diff"].items()
            ]
        }
        for r in history.revisions(get_store(), kind, entity_id)
    ]
    return render_template("curate/history.html", kind=kind, entity=entity, revisions=shown)


@bp.route("/<any(records, inheritors):kinds>/<entity_id>/history/<int:version>")
@requires(*EDITORS)
def revision(kinds: str, entity_id: str, version: int):
    """The entity as saved at one version."""
    kind = _kind(kinds)
    entity = _entity(kind, entity_id)
    old = history.at_version(get_store(), kind, entity_id, version) or abort(404)
    return render_template(
        "curate/revision.html",
        kind=kind,
        entity=entity,
        old=old,
        version=version,
        cells=forms.cells_of(kind, old),
        fields=editable(kind),
    )


@bp.route("/<any(records, inheritors):kinds>/<entity_id>/history/<int:version>/restore", methods=["POST"])
@requires(*EDITORS)
def restore(kinds: str, entity_id: str, version: int):
    """Save an earlier version again, as a new revision."""
    kind = _kind(kinds)
    _entity(kind, entity_id)
    db = get_store()
    user = current_user()
    try:
        with write(db):
            history.restore(db, kind, entity_id, version, user["username"], user["role"])
    except workflow.WorkflowError as error:
        flash(f"未恢复：{error}")
        return redirect(url_for("curate.edit", kinds=kinds, entity_id=entity_id))
    flash(f"已恢复到第 {version} 版（作为新的一版保存）。")
    return redirect(url_for("curate.edit", kinds=kinds, entity_id=entity_id))


@bp.route("/drafts/<int:draft_id>")
@requires(*EDITORS)
def show_draft(draft_id: int):
    """A kept edit that met a newer save: both versions side by side, nothing lost."""
    db = get_store()
    kept = draft(db, draft_id) or abort(404)
    kind = store.RECORD if kept["entity"] == "record" else store.INHERITOR
    current = store.get(db, kind, kept["entity_id"])
    mine = forms.cells_of(kind, kept["data"])
    theirs = forms.cells_of(kind, current)
    return render_template(
        "curate/draft.html",
        kept=kept,
        kind=kind,
        current=current,
        fields=editable(kind),
        mine=mine,
        theirs=theirs,
        access={f.name: kept["data"].get("field_access", {}).get(f.name, f.access) for f in editable(kind)},
    )


@bp.route("/regions")
@requires(*EDITORS)
def regions():
    """Region suggestions for a typed name: [{code, label}] (the form's region box uses them)."""
    tree = divisions()
    return jsonify(
        [{"code": r.code, "label": tree.label(r.code)} for r in tree.suggest(request.args.get("q", "")[:30])]
    )
