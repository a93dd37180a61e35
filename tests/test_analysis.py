"""One analysis for indexing and querying: normalisation, scripts, positions, dictionary."""

import json
import re
import unicodedata

import jieba
import pytest

from heritage import corpus
from indexer import analysis
from indexer.analysis import CharAnalyzer, HeritageAnalyzer, PinyinAnalyzer, Segmenter, dictionary
from tests.conftest import NATIONAL_LIST, needs_shared
from tests.shipped import shipped_records


def test_normalisation():
    assert analysis.normalize("蠟染技藝") == "蜡染技艺"
    assert analysis.normalize("２０１８ＡＢＣ") == "2018abc"


def test_every_script_is_kept():
    text = "ཞྭ་ལྷ་ཁ། ئۇيغۇر مۇقام ᠮᠣᠩᠭᠣᠯ ꆈꌠ 𠮷㐀 Миао abc 2018"
    assert analysis.words(text) == [
        "ཞྭ",
        "ལྷ",
        "ཁ",
        "ئۇيغۇر",
        "مۇقام",
        "ᠮᠣᠩᠭᠣᠯ",
        "ꆈ",
        "ꌠ",
        "𠮷",
        "㐀",
        "миао",
        "abc",
        "2018",
    ]


def test_positions_are_ordinals():
    tokens = [(t.text, t.pos) for t in HeritageAnalyzer()("民族团结进步", positions=True, mode="query")]
    assert tokens == [("民族团结", 0), ("进步", 1)]


def test_index_time_adds_dictionary_subwords_at_the_same_position():
    analysis.use_dictionary(["苗族古歌"])
    index_tokens = [(t.text, t.pos) for t in HeritageAnalyzer()("苗族古歌", positions=True, mode="index")]
    assert ("苗族古歌", 0) in index_tokens and ("古歌", 0) in index_tokens
    assert [t.text for t in HeritageAnalyzer()("苗族古歌", mode="query")] == ["苗族古歌"]


def test_domain_dictionary_changes_the_cut():
    analysis.use_dictionary([])
    assert analysis.words("歌圩") == ["歌", "圩"]
    analysis.use_dictionary(["歌圩"])
    assert analysis.words("歌圩") == ["歌圩"]
    assert analysis.words("三月三十日") == ["三月", "三十日"]


def test_characters_and_pinyin():
    assert [(t.text, t.pos) for t in CharAnalyzer()("采茶戏", positions=True)] == [("采", 0), ("茶", 1), ("戏", 2)]
    analysis.use_dictionary(["火把节"])
    keys = [t.text for t in PinyinAnalyzer()("彝族火把节", mode="index")]
    assert {"yizuhuobajie", "huobajie", "hbj"} <= set(keys)
    assert analysis.pinyin_of("腊染") == analysis.pinyin_of("蜡染") == "laran"


def test_marks_point_into_the_original_text():
    text = "蠟染　ＡＢＣ技藝，蜡染"
    spans = analysis.mark_spans(text, {"蜡染", "abc", "染"})
    assert [text[a:b] for a, b in spans] == ["蠟染", "ＡＢＣ", "蜡染"]


def _texts():
    rows = [row["基本内容"] + row["历史渊源"] for row in shipped_records()]
    if NATIONAL_LIST.exists():
        rows += [json.loads(line)["content"] for line in NATIONAL_LIST.read_text("utf-8").splitlines()[:800]]
    return rows


def test_rjieba_cuts_exactly_as_jieba_with_the_same_dictionary():
    words, digest = dictionary(corpus.domain_words() + ["梭戛长角苗文化", "苗族跳花节"])
    segmenter = Segmenter(words, digest)
    reference = jieba.Tokenizer()
    for word, frequency in segmenter.frequencies.items():
        reference.add_word(word, frequency)
    runs = [run for text in _texts() for run in re.findall(r"[\u4e00-\u9fff]+", analysis.normalize(text))]
    assert len(runs) > 1000
    differing = [run for run in runs if segmenter.cut(run) != reference.lcut(run, HMM=False)]
    assert differing == []


@needs_shared(NATIONAL_LIST)
def test_national_list_is_covered_by_the_agreement_test():
    assert len(_texts()) > 900


@pytest.fixture(autouse=True)
def _reset_dictionary():
    yield
    analysis.use_dictionary([])


def _shipped_dictionary():
    titles = [row["项目名称"] for row in shipped_records()]
    analysis.use_dictionary(corpus.domain_words() + titles + ["泰山传说", "苗族古歌"])
    return titles


def test_content_words_of_a_question_are_its_subject():
    _shipped_dictionary()
    assert analysis.content_words("苗族古歌主要流传在哪些地区，有什么特点") == ["苗族古歌"]
    assert analysis.question_parts("我想了解一下泰山传说的历史") == (["泰山传说"], ["我想", "了解", "一下", "历史"])
    assert analysis.content_words("请问蜡染是哪个地方的非物质文化遗产") == ["蜡染"]
    assert analysis.content_words("能不能给我介绍一下侗族大歌这个项目") == ["侗族大歌"]
    assert analysis.content_words("傣族泼水节哪天举行") == ["傣族泼水节", "举行"]
    assert analysis.content_words("蜡染是怎么做的") == ["蜡染"]
    assert analysis.content_words("三月三有哪些第一批的项目") == ["三月三", "第一批"]  # numerals stay
    assert analysis.content_words("相声和越剧") == ["相声", "越剧"]  # jieba tags them adverbs
    assert analysis.content_words("hmong 古歌在哪里") == ["hmong", "古歌"]


def test_a_lone_verb_is_what_the_asker_wants_done_not_the_subject():
    _shipped_dictionary()
    assert analysis.question_parts("谁会唱玛纳斯") == (["玛纳斯"], ["唱"])  # never 谁会唱 as one unknown word
    assert analysis.content_words("苗族古歌怎么唱") == ["苗族古歌"]
    assert analysis.content_words("藏戏在哪里演") == ["藏戏"]
    assert analysis.content_words("谁会跳芦笙舞") == ["芦笙舞"]
    assert analysis.content_words("苗族舞") == ["苗族", "舞"]  # unless it names a kind of heritage
    assert analysis.content_words("唱大书") == ["唱", "大", "书"]  # a name jieba lacks keeps its characters
    assert analysis.content_words("爬山歌") == ["爬", "山歌"]  # not a question: a name, every character kept
    assert analysis.content_words("打端鼓") == ["打", "端", "鼓"]


def test_a_title_is_all_content():
    titles = _shipped_dictionary()
    damaged = [t for t in titles if "".join(analysis.content_words(t)) != re.sub(r"\W", "", analysis.normalize(t))]
    assert damaged == ["花儿（莲花山花儿会）"]  # 会, a verb of the stop list, after a word jieba knows


def test_tags_come_with_the_indexing_cut():
    _shipped_dictionary()
    runs = [run for text in _texts()[:100] for run in analysis.HAN_RUN.findall(analysis.normalize(text))]
    seg = analysis.segmenter()
    assert [[w for w, _ in seg.tag(run)] for run in runs] == [seg.cut(run) for run in runs]


def test_digits_of_days_and_ordinals_are_chinese_numerals():
    assert analysis.normalize("6月6") == "六月六" and analysis.normalize("第1批") == "第一批"
    assert analysis.normalize("农历6月24日") == "农历六月二十四日" and analysis.normalize("第10届") == "第十届"
    assert analysis.normalize("2006年6月") == "2006年六月"  # years stay digits
    assert analysis.words("3月3") == analysis.words("三月三")
    for name in ("一品红", "三江", "十番音乐", "二人转", "五音戏", "四川", "2018"):
        assert analysis.normalize(name) == name


def _titles():
    titles = [row["项目名称"] for row in shipped_records()]
    if NATIONAL_LIST.exists():
        titles += [json.loads(line)["title"] for line in NATIONAL_LIST.read_text("utf-8").splitlines()]
    return titles


def test_every_title_keeps_its_numerals_and_normalises_once():
    titles = _titles()
    for title in titles:
        once = analysis.normalize(title)
        assert analysis.normalize(once) == once, title
        if not re.search(r"\d", title):  # Chinese numerals in names are never touched
            assert once == analysis._T2S.convert(unicodedata.normalize("NFKC", title)).lower(), title


def test_a_date_in_digits_finds_the_festival(corpus_index):
    from indexer.search import search

    home, db = corpus_index
    for query, festival in (("布依族6月6", "C033"), ("壮族3月3", "C005"), ("3月3歌节", "C005")):
        assert festival in [hit["id"] for hit in search(home, db, query)["results"][:3]], query
