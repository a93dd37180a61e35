"""Everyday names (扭秧歌, 放河灯, 贴窗花): the synonym table holds whole words only, never single
characters or generic words, and a record's own 别称 finds it without the table."""

from heritage import corpus
from indexer import analysis
from indexer.compiler import Compiler
from indexer.engine import engine
from indexer.rules import CONCEPTS, STOPWORDS
from indexer.search import search

BOTH_ENGINES = True  # every test on corpus_index runs on Whoosh and on tantivy (tests/conftest.py)

# Words too general to stand for each other: each would widen a search to most of the list.
GENERIC = {
    "技艺",
    "音乐",
    "传统",
    "文化",
    "艺术",
    "民族",
    "节日",
    "舞蹈",
    "戏剧",
    "制作",
    "民俗",
    "手艺",
    "历史",
    "传说",
}


def test_the_table_holds_whole_specific_words():
    groups = corpus.synonym_groups()
    words = [w for group in groups for w in group]
    assert all(len(group) >= 2 for group in groups)
    assert all(len(analysis.normalize(w)) >= 2 for w in words), [w for w in words if len(w) < 2]
    assert not (GENERIC | STOPWORDS) & set(words), (GENERIC | STOPWORDS) & set(words)
    assert set(CONCEPTS) & set(words) <= {"刺绣"}  # 刺绣 = 绣花; the other kind words stand for a category
    assert len(words) == len(set(words)), "a word in two groups would join them"
    assert {"扭秧歌", "放河灯", "贴窗花", "赛龙舟", "过年"} <= set(words)


def test_a_table_word_counts_only_as_whole_words(corpus_index):
    home, db = corpus_index
    search(home, db, "蜡染")  # opens the engine's current generation
    compiler = Compiler(engine(home))
    assert compiler.synonym_words(["贴", "窗花"]) == ["贴窗花"]  # cut apart by jieba, joined again
    assert compiler.synonym_words(["放", "河灯", "在", "哪里"]) == ["放河灯", "在", "哪里"]
    assert compiler.synonym_words(["窗花纸"]) == ["窗花纸"]  # part of a longer word: not the table's word
    assert compiler.synonym_words(["剪", "纸"]) == ["剪纸"]  # two whole words that make one


def test_everyday_names_find_the_listed_items(corpus_index):
    home, db = corpus_index
    paper_cuts = search(home, db, "贴窗花")
    assert paper_cuts["results"] and all(
        "剪纸" in r["title"] or r["title"] == "春节" for r in paper_cuts["results"][:2]
    )
    assert search(home, db, "划龙舟")["results"][0]["title"] == "苗族独木龙舟节"


def test_a_records_own_aliases_find_it_without_the_table(corpus_index):
    home, db = corpus_index
    words = {w for group in corpus.synonym_groups() for w in group}
    assert "火把会" not in words and "都则" not in words  # 别称 of C001 彝族火把节
    assert search(home, db, "火把会")["results"][0]["id"] == "C001"
    assert search(home, db, "都则")["results"][0]["id"] == "C001"
