"""Questions answered above the results: when a festival falls, where an item is found, who carries
it on, how a craft is done.

A question asks one of these by its words (什么时候, 哪里, 谁, 怎么做…); what it asks about is its
subject words (analysis.question_parts).  It is answered only when the subject names one item: the
top hit is named by it (title or alias) and every other hit so named is a record of the same item.
Every value comes from heritage.visibility.view and the inheritor listing, as the reader may see it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from heritage import calendar, listings, store
from heritage.visibility import view
from indexer import analysis
from indexer.hits import places

# What a question asks for, and the words that ask it (longest are looked for first).
ASKING = {
    "date": ("什么时候", "哪一天", "哪天", "几月", "何时", "几号", "什么日子"),
    "place": ("什么地方", "哪些地方", "哪些地区", "在哪里", "在哪儿", "在哪", "哪里", "哪儿"),
    "people": ("传承人", "谁会", "谁"),
    "process": (
        "怎么做",
        "怎样做",
        "如何做",
        "如何制作",
        "怎么制作",
        "怎样制作",
        "制作方法",
        "制作过程",
        "工序",
        "步骤",
    ),
}
LABELS = {"date": "时间", "place": "分布区域", "people": "传承人", "process": "制作工序"}
# Sentences of a 基本内容 that describe how the work is done.
_PROCESS = re.compile(r"工序|步骤|流程|首先|先将|先把|制作时|做法")
_SENTENCE = re.compile(r"[^。！？]*[。！？]?")
EXCERPT_CHARS = 160


@dataclass(frozen=True)
class Question:
    """What a question asks for (a key of ASKING), the words that ask it, its subject words joined,
    and whether those are all the subject words the whole query has (then its hits are the subject's)."""

    intent: str
    word: str
    subject: str
    whole: bool = False


def asked(query: str) -> Question | None:
    """The question a query asks, when it asks exactly one thing about a subject of two characters
    or more: 彝族火把节是什么时候 -> (date, 什么时候, 彝族火把节); None otherwise."""
    text = analysis.normalize(query)
    whole = "".join(analysis.question_parts(text)[0])
    found = []
    for intent, words in ASKING.items():
        word = next((w for w in words if w in text), None)
        if word:
            subject = "".join(analysis.question_parts(text.replace(word, " "))[0])
            found.append(Question(intent, word, subject, subject == whole))
    return found[0] if len(found) == 1 and len(found[0].subject) >= 2 else None


def answer(
    db: sqlite_utils.Database, question: Question, records: list[dict[str, Any]], reader: str, today: dt.date
) -> dict[str, Any] | None:
    """The direct answer to a question about one item's records (views, see :func:`one_item`), or None."""
    found = _ANSWERS[question.intent](db, records, reader, today) if records else None
    if not found:
        return None
    named = [{"id": r["id"], "title": r.get("title") or ""} for r in records]
    return {
        "intent": question.intent,
        "label": LABELS[question.intent],
        "asked": question.word,
        "item": named[0]["title"],
        "sources": named,
    } | found


def _names(record: dict[str, Any]) -> list[str]:
    title = analysis.normalize(record.get("title") or "")
    return [title, title.split("（")[0], *(analysis.normalize(a) for a in record.get("aliases", []))]


def one_item(db: sqlite_utils.Database, subject: str, results: Sequence[dict[str, Any]], reader: str) -> list[dict]:
    """Among a search's hits, the records of the one item the subject names, as the reader may see
    them, top hit first; [] when the top hit is not named by it, or it names several items (火把节
    for the Yi, Bai and Lisu festivals is not one item)."""
    if not results:
        return []
    seen = [view(store.get(db, store.RECORD, hit["id"]), store.RECORD.fields, reader) for hit in results]
    named = [r for r in seen if r and any(subject in name or (name and name in subject) for name in _names(r))]
    if not named or named[0]["id"] != results[0]["id"]:
        return []
    item = _names(named[0])[1]
    same = [r for r in named if _names(r)[1] == item]
    exact = subject in _names(named[0])
    return same if len(same) == len(named) or exact else []


def _dates(db, records, reader, today) -> dict[str, Any] | None:
    found = [
        {"record": r["id"], "date": o.date.isoformat(), "days": o.days, "rules": r["dates"], "text": _day_text(o)}
        for r in records
        if r.get("dates")
        for o in calendar.upcoming(r["dates"], today)
    ]
    return {"dates": found} if found else None


def _day_text(occurrence: calendar.Occurrence) -> str:
    """2027年7月27日起，共 3 天 (or the one day)."""
    day = occurrence.date
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text}起，共 {occurrence.days} 天" if occurrence.days > 1 else text


def _places(db, records, reader, today) -> dict[str, Any] | None:
    codes = list(dict.fromkeys(code for r in records for code in r.get("region_codes", [])))
    texts = [r["region_text"] for r in records if r.get("region_text") and not r.get("region_codes")]
    return {"places": places(codes), "place_texts": texts} if codes or texts else None


def _people(db, records, reader, today) -> dict[str, Any] | None:
    people = {p["id"]: p for r in records for p in listings.inheritors(db, reader, r["id"])}
    shown = [{k: p.get(k) for k in ("id", "name", "ethnic_group", "region_text")} for p in people.values()]
    return {"people": shown} if shown else None


def _process(db, records, reader, today) -> dict[str, Any] | None:
    for record in records:
        excerpt = process_excerpt(record.get("content") or "")
        if excerpt:
            return {"excerpt": {"record": record["id"], "text": excerpt}}
    return None


def process_excerpt(content: str) -> str:
    """From a 基本内容, the first sentence that tells how the work is done and what follows it, cut
    short: 工序一般是：一、备布…… ('' when no sentence tells it)."""
    sentences = [s for s in _SENTENCE.findall(content.replace("\n", "")) if s.strip()]
    start = next((i for i, s in enumerate(sentences) if _PROCESS.search(s)), None)
    if start is None:
        return ""
    text = "".join(sentences[start:]).strip()
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "……"


_ANSWERS = {"date": _dates, "place": _places, "people": _people, "process": _process}
