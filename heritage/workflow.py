"""The census workflow: 线索 → 调查中 → 待审核 → 已发布, or 退回 with a reason; who may move a record,
and the one rule for every write (form, import in the browser or on the command line, restore)."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from heritage import store
from heritage.fields import ACCESS_LABELS
from heritage.visibility import PUBLISHED

# The fields only the workflow sets: an edit or a restore keeps their stored values.
WORKFLOW_FIELDS = frozenset({"status", "status_reason", "reviewer"})
EDITORS = frozenset({"curator", "reviewer", "admin"})
REVIEWERS = frozenset({"reviewer", "admin"})
OPERATOR = "operator"  # whoever runs the command line: every right (recorded under its --user)
STARTS = ("线索", "调查中", "待审核")  # a new record starts here; it is published only through review
NEW_RECORD = "调查中"  # the status of a record begun in the workspace
OPENNESS = {"internal": 0, "researcher": 1, "public": 2}
# (from, to): the roles that may make the move, and how the move reads on a button
TRANSITIONS = {
    ("线索", "调查中"): (EDITORS, "开始调查"),
    ("退回", "调查中"): (EDITORS, "重新调查"),
    ("调查中", "待审核"): (EDITORS, "提交审核"),
    ("退回", "待审核"): (EDITORS, "修改后再次提交"),
    ("待审核", "已发布"): (REVIEWERS, "审核通过并发布"),
    ("待审核", "退回"): (REVIEWERS, "退回"),
    ("线索", "退回"): (REVIEWERS, "退回"),
    ("已发布", "调查中"): (REVIEWERS, "撤回发布，改为调查中"),
}
LOCKED = "已发布的记录只有审核人能修改：请审核人先“撤回发布，改为调查中”，改好后再提交审核"


class WorkflowError(ValueError):
    """A move the workflow does not allow; the message says why, in Chinese."""


def moves(status: str, role: str) -> list[tuple[str, str]]:
    """The moves a role may make from a status: (target status, button label)."""
    return [(to, label) for (start, to), (roles, label) in TRANSITIONS.items() if start == status and role in roles]


def locked(record: dict[str, Any] | None, role: str) -> str | None:
    """Why a role may not change a record (its fields or its media) as it stands, or None when it may: a
    published record changes only by a reviewer, so nothing reaches the public without review."""
    if record and record["status"] == PUBLISHED and role not in REVIEWERS | {OPERATOR}:
        return LOCKED
    return None


def _transition_refusal(start: str, to: str, role: str) -> str | None:
    """Why a role may not move a record from one status to another, or None when it may."""
    allowed = TRANSITIONS.get((start, to))
    if allowed is None:
        return f"不能从“{start}”直接改为“{to}”"
    if role not in allowed[0]:
        return f"只有审核人可以{allowed[1]}" if allowed[0] == REVIEWERS else "您的角色不能修改记录"
    return None


def _effective(stored: dict[str, Any] | None, entity: dict[str, Any], name: str) -> Any:
    """A workflow or access value as store.put will save it: a blank keeps the stored (or default) one."""
    value = entity.get(name)
    if value in (None, {}, ""):
        return stored[name] if stored else store.DEFAULTS[name]
    return value


def refusals(db: sqlite_utils.Database, role: str, kind: store.Kind, entity: dict[str, Any]) -> list[tuple[str, str]]:
    """What of this write the role may not do, as (field name, reason in Chinese); empty when all is allowed.

    The one rule every path that writes a record or an inheritor goes through.  The operator (the
    command line) may do anything.  Otherwise: only curators, reviewers and admins write, and a published
    record only reviewers and admins (``locked``); a record's status changes only by a move the role may
    make (a new record starts as 线索, 调查中 or 待审核;
    退回 needs a reason); 审核人 is recorded by publishing, never written; and a curator never opens
    anything wider — neither the entity's 访问级别 nor any field's — than it is stored (a new inheritor:
    than the defaults; a new record is unpublished, and a reviewer sees its levels before publishing)."""
    if role == OPERATOR:
        return []
    if role not in EDITORS:
        return [("id", "您的角色不能修改记录")]
    stored = store.get(db, kind, entity["id"])
    found = []
    if kind is store.RECORD:
        to = _effective(stored, entity, "status")
        if reason := locked(stored, role):
            found.append(("status", reason))
        elif stored is None and to not in STARTS:
            found.append(("status", f"新记录的状态应为 {'、'.join(STARTS)} 之一：发布须经审核"))
        elif stored is not None and to != stored["status"]:
            reason = _transition_refusal(stored["status"], to, role)
            if reason is None and to == "退回" and not (entity.get("status_reason") or "").strip():
                reason = "退回时必须写明原因"
            if reason:
                found.append(("status", reason))
        if entity.get("reviewer") and entity["reviewer"] != (stored or {}).get("reviewer"):
            found.append(("reviewer", "审核人在发布时自动记录，不能填写"))
    if role not in REVIEWERS:
        found += _widened(kind, stored, entity)
    return found


def _widened(kind: store.Kind, stored: dict[str, Any] | None, entity: dict[str, Any]) -> list[tuple[str, str]]:
    """Where a write opens the entity, or one of its fields, wider than it is: only reviewers may."""
    found: list[tuple[str, str]] = []
    if stored is None and kind is store.RECORD:
        return found
    before, after = _effective(stored, {}, "access"), _effective(stored, entity, "access")
    if OPENNESS[after] > OPENNESS[before]:
        found.append(
            (
                "access",
                f"普查员不能放宽访问级别（“{ACCESS_LABELS[before]}”改为“{ACCESS_LABELS[after]}”），请交审核人修改",
            )
        )
    old_levels, new_levels = (stored or {}).get("field_access") or {}, _effective(stored, entity, "field_access")
    for field in kind.fields:
        was, now = old_levels.get(field.name, field.access), new_levels.get(field.name, field.access)
        if OPENNESS[now] > OPENNESS[was]:
            found.append(
                (
                    "field_access",
                    f"普查员不能放宽“{field.zh}”的可见范围（“{ACCESS_LABELS[was]}”改为"
                    f"“{ACCESS_LABELS[now]}”），请交审核人修改",
                )
            )
    return found


def move(
    db: sqlite_utils.Database,
    record_id: str,
    to: str,
    user: str,
    role: str,
    reason: str = "",
    version: int | None = None,
) -> dict:
    """Move a record to another status inside an open write transaction; returns the saved record.

    退回 needs a reason (kept in 退回原因); publishing records the reviewer.  ``version``, when
    given, must be the record's current version (the page the user acted on is not stale)."""
    record = store.get(db, store.RECORD, record_id)
    if record is None:
        raise WorkflowError(f"没有编号为 {record_id} 的记录")
    if version is not None and record["version"] != version:
        raise WorkflowError("这条记录在您打开之后已被他人修改，请刷新后再操作")
    refusal = _transition_refusal(record["status"], to, role)
    if refusal:
        raise WorkflowError(refusal)
    reason = (reason or "").strip()
    if to == "退回" and not reason:
        raise WorkflowError("退回时必须写明原因")
    start = record["status"]
    record.update(status=to, status_reason=reason if to == "退回" else record["status_reason"])
    if to == "已发布":
        record["reviewer"] = user
    note = f"{start} → {to}" + (f"：{reason}" if reason else "")
    store.put(db, store.RECORD, record, user, note=note)
    return record
