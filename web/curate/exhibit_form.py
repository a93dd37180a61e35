"""The exhibit editor's form: its fields read back into an exhibit (sections and items in order), and
the item buttons (加入, 上移, 下移, 移除) applied to it before it is saved."""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from werkzeug.datastructures import MultiDict

LIMIT = 60_000  # characters kept of any one field
BASICS = ("title", "intro", "status", "position", "cover_record", "sources")


def _text(form: MultiDict, name: str) -> str:
    return form.get(name, "")[:LIMIT]


def _section(value: str, kept: dict[int, int]) -> int | None:
    return kept.get(int(value)) if value.isdigit() else None


def read(form: MultiDict) -> dict[str, Any]:
    """The exhibit the form describes: a section left with neither heading nor text is dropped, and
    its items are left in no section."""
    sections, kept = [], {}
    for n, (heading, body) in enumerate(
        zip_longest(form.getlist("section_heading"), form.getlist("section_body"), fillvalue="")
    ):
        if heading.strip() or body.strip():
            kept[n] = len(sections)
            sections.append({"heading": heading[:LIMIT], "body": body[:LIMIT]})
    items = [
        {"record_id": record_id.strip(), "section": _section(section, kept), "note": note[:LIMIT]}
        for record_id, section, note in zip_longest(
            form.getlist("item_record"), form.getlist("item_section"), form.getlist("item_note"), fillvalue=""
        )
        if record_id.strip()
    ]
    return {name: _text(form, name) for name in BASICS} | {"sections": sections, "items": items}


def apply_buttons(exhibit: dict[str, Any], form: MultiDict) -> bool:
    """Apply the item button that was pressed, if any (加入 appends to the chosen section); whether one was."""
    items = exhibit["items"]
    if form.get("add"):
        chosen = form.get("add_section", "")
        section = int(chosen) if chosen.isdigit() and int(chosen) < len(exhibit["sections"]) else None
        if form["add"] not in {i["record_id"] for i in items}:
            items.append({"record_id": form["add"][:64], "section": section, "note": ""})
        return True
    for button, step in (("up", -1), ("down", 1)):
        if form.get(button, "").isdigit():
            n = int(form[button])
            if 0 <= n < len(items) and 0 <= n + step < len(items):
                items[n], items[n + step] = items[n + step], items[n]
            return True
    if form.get("remove", "").isdigit():
        n = int(form["remove"])
        if n < len(items):
            del items[n]
        return True
    return False
