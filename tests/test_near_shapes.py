"""Near-shape typos (形近字): corrected from pycorrector's vendored confusion set, only when the
correction finds more, and the page, the API and the command line say what was searched."""

import hashlib

from click.testing import CliRunner

from heritage import corpus
from heritage.cli import main
from indexer.engine import engine
from indexer.search import search
from indexer.suggest import near_shapes
from web import create_app

BOTH_ENGINES = True  # every test on corpus_index runs on Whoosh and on tantivy (tests/conftest.py)


def test_the_confusion_set_is_pycorrectors_unchanged_with_its_licence():
    data = corpus.NEAR_SHAPES_FILE.read_bytes()
    assert hashlib.md5(data).hexdigest() == "74d3ee2cc44d2c20c22b3d8f09144227"  # pycorrector 1.1.4
    notice = (corpus.CORPUS_DIR / "LICENSE-same_stroke.txt").read_text("utf-8")
    assert "pycorrector" in notice and "Apache License" in notice and "Version 2.0" in notice
    groups = corpus.near_shape_groups()
    assert len(groups) == 831 and ["龙", "拢", "笼", "庞", "宠", "茏", "垄"] in groups


def test_a_look_alike_character_is_corrected_when_that_finds_more(corpus_index):
    home, db = corpus_index
    typed = search(home, db, "苗族蜡染技忆")  # 忆 for 艺
    assert typed["corrected"] and typed["suggestion"] == "苗族蜡染技艺" and typed["results"][0]["id"] == "C134"
    assert near_shapes(engine(home), "侗族大哥") == ["侗族大歌"]
    as_typed = search(home, db, "苗族蜡染技忆", correct=False)
    assert not as_typed["corrected"] and as_typed["suggestion"] == "苗族蜡染技艺"
    assert as_typed["relaxed"]["strict_total"] == 0  # nothing holds the typo; records holding its other words follow


def test_no_correction_for_known_words_or_when_it_finds_nothing(corpus_index):
    home, db = corpus_index
    assert search(home, db, "侗族大歌")["suggestion"] is None
    assert search(home, db, "彝族火把节")["suggestion"] is None
    assert near_shapes(engine(home), "苗族古歌") == []  # no record is named one look-alike away from it


def test_the_page_and_the_command_line_say_what_was_searched(corpus_index):
    home, _ = corpus_index
    site = create_app({"TESTING": True, "HERITAGE_HOME": str(home)}).test_client()
    page = site.get("/search?q=侗族大哥").get_data(as_text=True)
    assert "没有找到“侗族大哥”，已改查“侗族大歌”" in page
    assert site.get("/api/search?q=侗族大哥").get_json()["corrected"] is True
    run = CliRunner().invoke(main, ["--home", str(home), "search", "侗族大哥"], catch_exceptions=False)
    assert run.output.startswith("没有找到“侗族大哥”，以下是“侗族大歌”的结果。")
