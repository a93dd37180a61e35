"""Lineage (传承谱系) on the shipped corpus: links load once, read as trees, and hide what a reader may not see."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from heritage import corpus, lineage, store
from heritage.cli import main
from heritage.db import write
from heritage.importer import import_file
from heritage.lineage import Link, Person
from heritage.store import open_store
from heritage.visibility import PUBLIC, RESEARCHER
from tests.shipped import shipped_rows

PEOPLE = len(shipped_rows(corpus.INHERITORS_FILE))
LINKS = len(shipped_rows(corpus.LINEAGE_FILE))


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """A store with the shipped records, inheritors and lineage (no covers: they are not the point here)."""
    home = tmp_path_factory.mktemp("lineage") / "instance"
    db = open_store(home)
    assert import_file(db, corpus.RECORDS_FILE, user="corpus").committed
    corpus.load_inheritors(db)
    yield home, db
    db.conn.close()


def test_loading_again_updates_and_never_duplicates(shipped):
    _, db = shipped
    assert store.count(db, store.INHERITOR) == PEOPLE and lineage.count(db) == LINKS
    corpus.load_inheritors(db)
    assert store.count(db, store.INHERITOR) == PEOPLE and lineage.count(db) == LINKS
    assert db.execute("SELECT count(*) FROM revisions WHERE entity = 'inheritor'").fetchone()[0] == PEOPLE


def test_an_inheritor_has_masters_listed_and_named(shipped):
    _, db = shipped
    links = lineage.of_inheritor(db, "I01822")  # 黄小午, 昆曲
    masters = {link.master for link in links}
    assert Person("倪传钺", "I01524") in masters and Person("郑传鉴") in masters
    assert {link.apprentice for link in links} == {Person("黄小午", "I01822")}
    assert all("黄小午条" in link.source for link in links)
    assert {link.how for link in links} == {"从师学艺", "得其传授"}


def test_an_item_reads_as_trees_masters_above_apprentices(shipped):
    _, db = shipped
    trees = lineage.trees(lineage.of_record(db, "C108"))  # 赫哲族伊玛堪: 吴连贵 -> his son 吴明新 -> 吴宝臣
    (root,) = trees
    assert root.person == Person("吴连贵")
    son = next(node for node in root.apprentices if node.person.name == "吴明新")
    assert son.how == "从父亲学艺" and [n.person.name for n in son.apprentices] == ["吴宝臣"]
    assert son.apprentices[0].how == "从叔叔学艺"
    assert lineage.of_record(db, "C001")  # a flagship: 彝族火把节's 普顺发 and his teachers


def test_a_hidden_inheritor_takes_their_links_out_of_sight(shipped):
    _, db = shipped
    teacher = store.get(db, store.INHERITOR, "I01524")  # 倪传钺
    with write(db):
        store.put(db, store.INHERITOR, teacher | {"access": "internal"}, user="test")
    try:
        for reader in (PUBLIC, RESEARCHER):
            masters = {link.master.name for link in lineage.of_inheritor(db, "I01822", reader)}
            assert "倪传钺" not in masters and "郑传鉴" in masters
            assert not lineage.of_inheritor(db, "I01524", reader)
    finally:
        with write(db):
            store.put(db, store.INHERITOR, teacher, user="test")
    assert "倪传钺" in {link.master.name for link in lineage.of_inheritor(db, "I01822")}


def test_a_cycle_still_makes_a_finite_tree():
    a, b = Person("甲"), Person("乙")
    links = [Link("C1", a, b, "老师", "某"), Link("C1", b, a, "老师", "某")]
    (root,) = lineage.trees(links)
    assert root.person == a and root.apprentices[0].person == b and root.apprentices[0].apprentices == []


def test_stats_report_the_shipped_inheritors(shipped):
    home, _ = shipped
    answer = CliRunner().invoke(main, ["--home", str(home), "stats", "--json"], catch_exceptions=False)
    assert json.loads(answer.output)["inheritors"] == PEOPLE


def test_sources_name_each_work_once_with_its_entries():
    a, b = Person("甲"), Person("乙")
    links = [Link("C1", a, b, "老师", s) for s in ("名录：甲条（1）", "名录：乙条（2）", "某志", "名录：甲条（1）")]
    assert lineage.sources(links) == ["名录：甲条（1）、乙条（2）", "某志"]
