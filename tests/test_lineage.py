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


def test_an_inheritor_has_masters_and_apprentices_listed_and_named(shipped):
    _, db = shipped
    links = lineage.of_inheritor(db, "I4013")  # 江努日·图日干巴依, 玛纳斯
    assert {link.master for link in links} == {Person("居素甫·玛玛依", "I4012"), Person("江努日·图日干巴依", "I4013")}
    assert Person("玉米塔力·耶提库") in {link.apprentice for link in links}
    assert all("http" in link.source for link in links) and {link.how for link in links} == {"从师学艺"}


def test_an_item_reads_as_trees_masters_above_apprentices(shipped):
    _, db = shipped
    (root,) = lineage.trees(lineage.of_record(db, "C056"))  # 玛纳斯, three generations
    assert root.person == Person("居素甫·玛玛依", "I4012")
    (pupil,) = root.apprentices
    assert pupil.person.name == "江努日·图日干巴依" and [n.person.name for n in pupil.apprentices] == [
        "玉米塔力·耶提库"
    ]
    (father,) = lineage.trees(lineage.of_record(db, "C108"))  # 赫哲族伊玛堪: 吴连贵 -> his son 吴明新
    assert father.person == Person("吴连贵") and father.apprentices[0].how == "从父亲学艺"
    masters = {tree.person.name for tree in lineage.trees(lineage.of_record(db, "C229"))}
    assert masters == {"李玉福", "李长安"}  # 石宝山歌会: 李根繁 learned from his mother and his grandfather


def test_a_hidden_inheritor_takes_their_links_out_of_sight(shipped):
    _, db = shipped
    teacher = store.get(db, store.INHERITOR, "I4012")  # 居素甫·玛玛依
    with write(db):
        store.put(db, store.INHERITOR, teacher | {"access": "internal"}, user="test")
    try:
        for reader in (PUBLIC, RESEARCHER):
            masters = {link.master.name for link in lineage.of_inheritor(db, "I4013", reader)}
            assert "居素甫·玛玛依" not in masters and "江努日·图日干巴依" in masters
            assert not lineage.of_inheritor(db, "I4012", reader)
    finally:
        with write(db):
            store.put(db, store.INHERITOR, teacher, user="test")
    assert "居素甫·玛玛依" in {link.master.name for link in lineage.of_inheritor(db, "I4013")}


def test_a_cycle_still_makes_a_finite_tree():
    a, b = Person("甲"), Person("乙")
    links = [Link("C1", a, b, "老师", "某"), Link("C1", b, a, "老师", "某")]
    (root,) = lineage.trees(links)
    assert root.person == a and root.apprentices[0].person == b and root.apprentices[0].apprentices == []


def test_stats_report_the_shipped_inheritors(shipped):
    home, _ = shipped
    answer = CliRunner().invoke(main, ["--home", str(home), "stats", "--json"], catch_exceptions=False)
    assert json.loads(answer.output)["inheritors"] == PEOPLE


def test_sources_name_each_page_once_in_order():
    a, b = Person("甲"), Person("乙")
    links = [Link("C1", a, b, "老师", s) for s in ("甲页，https://a.example/1", "某志", "甲页，https://a.example/1")]
    assert lineage.sources(links) == ["甲页，https://a.example/1", "某志"]
