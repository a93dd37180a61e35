"""Lineage (传承谱系): who learned an item from whom, as links from a master to an apprentice.

Each link belongs to an item (a record) and names its public source.  Either end is a stored
inheritor (by id) or a person the source names who is not on any list (by name alone); the
links are shipped facts (``corpus/lineage.csv``), loaded by ``heritage init``.  What a reader
sees of a link's inheritors is heritage.visibility's rule: a link to an inheritor the reader may
not see is left out."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from heritage import store
from heritage.db import write
from heritage.fields import INHERITOR_FIELDS
from heritage.visibility import PUBLIC, view

# How an apprentice learned from the master (其), by the master's relation to them as the source gives it.
_TEACHERS = {"老师": "从师学艺", "师傅": "从师学艺", "受教": "受其教诲", "指导": "受其指导", "传授": "得其传授"}


@dataclass(frozen=True)
class Person:
    """One end of a link: a stored inheritor (``id``) or a person named by the source only."""

    name: str
    id: str | None = None


@dataclass(frozen=True)
class Link:
    """A master -> apprentice link of an item, with its source."""

    record_id: str
    master: Person
    apprentice: Person
    relation: str
    source: str

    @property
    def how(self) -> str:
        """How the apprentice learned from the master, in words: 从父亲学艺, 从师学艺, 受其指导."""
        return _TEACHERS.get(self.relation) or f"从{self.relation}学艺"


@dataclass
class Node:
    """A person in a lineage tree with the apprentices who learned from them."""

    person: Person
    how: str = ""
    apprentices: list[Node] = field(default_factory=list)


def load(db: sqlite_utils.Database, path: Path) -> int:
    """Store the links of a lineage file (项目, 师傅, 徒弟, 关系, 参考资料; 师傅 and 徒弟 are an
    inheritor's 编号 or a name); re-running updates, never duplicates.  Returns how many links."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with write(db):
        for row in rows:
            master, apprentice = _person(db, row["师傅"]), _person(db, row["徒弟"])
            db.execute(
                "INSERT INTO lineage (record_id, master_id, master_name, apprentice_id, apprentice_name, relation,"
                " source) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id, master_name, apprentice_name)"
                " DO UPDATE SET master_id = excluded.master_id, apprentice_id = excluded.apprentice_id,"
                " relation = excluded.relation, source = excluded.source",
                [row["项目"], master.id, master.name, apprentice.id, apprentice.name, row["关系"], row["参考资料"]],
            )
    return len(rows)


def _person(db: sqlite_utils.Database, text: str) -> Person:
    person = store.get(db, store.INHERITOR, text.strip())
    return Person(person["name"], person["id"]) if person else Person(text.strip())


def count(db: sqlite_utils.Database) -> int:
    """How many lineage links the store holds."""
    return db.execute("SELECT count(*) FROM lineage").fetchone()[0]


def of_inheritor(db: sqlite_utils.Database, inheritor_id: str, reader: str = PUBLIC) -> list[Link]:
    """The links an inheritor is an end of, as ``reader`` may see them."""
    return _links(db, "master_id = ? OR apprentice_id = ?", [inheritor_id, inheritor_id], reader)


def of_record(db: sqlite_utils.Database, record_id: str, reader: str = PUBLIC) -> list[Link]:
    """The links of an item, and those of its inheritors, as ``reader`` may see them."""
    mine = "SELECT inheritor_id FROM inheritor_items WHERE record_id = ?"
    return _links(db, f"record_id = ? OR master_id IN ({mine}) OR apprentice_id IN ({mine})", [record_id] * 3, reader)


def _links(db: sqlite_utils.Database, where: str, params: list[str], reader: str) -> list[Link]:
    links = []
    for row in db.query(f"SELECT * FROM lineage WHERE {where} ORDER BY id", params):
        master = _seen(db, row["master_id"], row["master_name"], reader)
        apprentice = _seen(db, row["apprentice_id"], row["apprentice_name"], reader)
        if master and apprentice:
            links.append(Link(row["record_id"], master, apprentice, row["relation"] or "", row["source"]))
    return links


def _seen(db: sqlite_utils.Database, inheritor_id: str | None, name: str, reader: str) -> Person | None:
    """A link's end as the reader may see it; None for an inheritor they may not see."""
    if inheritor_id is None:
        return Person(name)
    person = view(store.get(db, store.INHERITOR, inheritor_id), INHERITOR_FIELDS, reader)
    return Person(person["name"], inheritor_id) if person else None


def trees(links: list[Link]) -> list[Node]:
    """The links as trees, masters above apprentices: one tree per person who learned from no one
    here, in the order the links came; a person who learned from several masters appears under each."""
    taught: dict[Person, list[Link]] = {}
    for link in links:
        taught.setdefault(link.master, []).append(link)
    learned = {link.apprentice for link in links}

    def grow(person: Person, how: str, above: frozenset[Person]) -> Node:
        below = [link for link in taught.get(person, []) if link.apprentice not in above]
        return Node(person, how, [grow(link.apprentice, link.how, above | {person}) for link in below])

    roots = [person for person in taught if person not in learned] or list(taught)[:1]
    return [grow(person, "", frozenset()) for person in roots]


def sources(links: list[Link]) -> list[str]:
    """The distinct sources of some links, in order."""
    return list(dict.fromkeys(link.source for link in links))
