"""A query typed in pinyin is understood as the Hanzi words it spells, from the site, the API and the CLI."""

import urllib.parse

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage import store
from heritage.cli import main
from heritage.db import write
from heritage.store import open_store
from indexer import index
from indexer.search import search

BOTH_ENGINES = True  # every test on corpus_index runs on Whoosh and on tantivy (tests/conftest.py)


def ids(answer, n=10):
    return [r["id"] for r in answer["results"][:n]]


def test_pinyin_finds_what_the_hanzi_finds_through_synonyms(corpus_index):
    home, db = corpus_index
    typed_in_hanzi = search(home, db, "扭秧歌")
    assert typed_in_hanzi["total"] >= 3
    for typed in ("niuyangge", "niu yang ge", "NiuYangGe"):
        answer = search(home, db, typed)
        assert ids(answer) == ids(typed_in_hanzi), typed
        assert answer["spelled"] == {"niuyangge": ["扭秧歌"]}, typed
    assert set(ids(search(home, db, "yangge"))) >= set(ids(typed_in_hanzi))


def test_pinyin_ranks_like_the_hanzi_word(corpus_index):
    home, db = corpus_index
    in_hanzi = search(home, db, "蜡染")
    answer = search(home, db, "laran")
    assert answer["total"] == in_hanzi["total"] > 1
    assert ids(answer, 3) == ids(in_hanzi, 3) and ids(answer)[0] == "C134"
    assert "<mark>蜡染</mark>" in answer["results"][0]["title_html"]


def test_initials_of_a_short_word(corpus_index):
    home, db = corpus_index
    assert set(ids(search(home, db, "nyg"))) == set(ids(search(home, db, "扭秧歌")))
    assert ids(search(home, db, "hbj"))[0] == "C001"


def test_a_latin_word_that_spells_nothing_stays_itself(corpus_index):
    home, db = corpus_index
    for typed in ("abc", "xyz", "a b c", "qwerty", "hello world"):
        answer = search(home, db, typed)
        assert answer["error"] is None and answer["spelled"] == {}, typed
        assert answer["total"] == 0, (typed, ids(answer))


def test_pinyin_is_resolved_only_from_what_the_reader_may_see(tmp_path):
    home = tmp_path / "instance"
    db = open_store(home)
    with write(db):
        for number, title, status in (("X8", "苗族蜡染", "已发布"), ("X9", "鸾凤绣", "待审核")):
            store.put(
                db, store.RECORD, {"id": number, "title": title, "category": "传统美术", "status": status}, "test"
            )
    index.rebuild(home, db, procs=1)
    assert search(home, db, "laran")["spelled"] == {"laran": ["蜡染"]}
    for mode in ("public", "research"):
        answer = search(home, db, "luanfeng", mode=mode)
        assert answer["spelled"] == {} and answer["total"] == 0, mode
    db.conn.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=24))
def test_any_latin_letters_never_error(corpus_index, typed):
    home, db = corpus_index
    for mode in ("public", "research"):
        answer = search(home, db, typed, mode=mode)
        assert answer["error"] is None or mode == "research", (typed, answer["error"])
        for words in answer["spelled"].values():
            assert words and all(w.strip() for w in words)


def test_the_page_and_the_cli_say_what_pinyin_was_searched_as(client, corpus_index):
    home, _ = corpus_index
    text = client.get("/search?q=" + urllib.parse.quote("niu yang ge")).get_data(as_text=True)
    assert "“niuyangge”按拼音也查了“扭秧歌”" in text
    assert "niuyangge" not in client.get("/search?q=abc").get_data(as_text=True).split("</header>")[-1]

    def run(*words):
        return CliRunner().invoke(main, ["--home", str(home), "search", *words], catch_exceptions=False)

    found = run("niuyangge").output
    assert "“niuyangge”按拼音也查了“扭秧歌”" in found and "共 3 条，第 1/1 页" in found
    nothing = run("abc")
    assert nothing.exit_code == 0 and "没有找到与“abc”相关的记录。" in nothing.output
    assert "共 0 条" not in nothing.output and "页" not in nothing.output


def test_syllables_typed_in_pinyin_among_hanzi(corpus_index):
    home, db = corpus_index
    in_hanzi = search(home, db, "蜡染")
    for typed in ("la染", "蜡ran"):
        answer = search(home, db, typed)
        assert answer["spelled"] == {typed: ["蜡染"]} and ids(answer, 1) == ids(in_hanzi, 1), typed
        assert set(ids(answer)) == set(ids(in_hanzi)), typed
    song = search(home, db, "苗族gu歌")
    assert song["spelled"] == {"苗族gu歌": ["苗族古歌"]} and ids(song)[0] == "C053"
    festival = search(home, db, "火把jie")  # jie joins the two characters before it
    assert festival["spelled"] == {"火把jie": ["火把节"]} and ids(festival)[0] == "C001"
    assert search(home, db, "xyz蜡染")["spelled"] == {}
