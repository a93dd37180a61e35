"""The census workflow: 线索 → 调查中 → 待审核 → 已发布, or 退回 with a reason; who may move a record."""
from __future__ import annotations

import sqlite_utils

from heritage import store

# The fields only the workflow sets: an edit or a restore keeps their stored values.
WORKFLOW_FIELDS = frozenset({"status", "status_reason", "reviewer"})
EDITORS = frozenset({"curator", "reviewer", "admin"})
REVIEWERS = frozenset({"reviewer", "admin"})
# (from, to): the roles that may make the move, and how the move reads on a button
TRANSITIONS = {
    ("线索", "调查中"): (EDITORS, "开始调查"),
    ("退回", "调查中"): (EDITORS, "重新调查"),
    ("调查中", "待审核"): (EDITORS, "提交审核"),
    ("退回", "待审核"): (EDITORS, "修改后再次提交"),
    ("待审核", "已发布"): (REVIEWERS, "审核通过并发布"),
    ("待审核", "退回"): (REVIEWERS, "退回"),
    ("线索", "退回"): (REVIEWERS, "退回"),
    ("已发布", "调查中"): (REVIEWERS, "撤回修改"),
}


class WorkflowError(ValueError):
    """A move the workflow does not allow; the message says why, in Chinese."""


def moves(status: str, role: str) -> list[tuple[str, str]]:
    """The moves a role may make from a status: (target status, button label)."""
    return [(to, label) for (start, to), (roles, label) in TRANSITIONS.items() if start == status and role in roles]


def move(db: sqlite_utils.Database, record_id: str, to: str, user: str, role: str, reason: str = "",
         version: int | None = None) -> dict:
    """Move a record to another status inside an open write transaction; returns the saved record.

    退回 needs a reason (kept in 退回原因); publishing records the reviewer.  ``version``, when
    given, must be the record's current version (the page the user acted on is not stale)."""
    record = store.get(db, store.RECORD, record_id)
    if record is None:
        raise WorkflowError(f"没有编号为 {record_id} 的记录")
    if version is not None and record["version"] != version:
        raise WorkflowError("这条记录在您打开之后已被他人修改，请刷新后再操作")
    allowed = TRANSITIONS.get((record["status"], to))
    if allowed is None:
        raise WorkflowError(f"不能从“{record['status']}”直接改为“{to}”")
    if role not in allowed[0]:
        raise WorkflowError(f"只有审核人可以{allowed[1]}" if allowed[0] == REVIEWERS else "您的角色不能修改记录")
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
