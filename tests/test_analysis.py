"""One analysis for indexing and querying: normalisation, scripts, positions, dictionary."""
import json
import re

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
    assert analysis.words(text) == ["ཞྭ", "ལྷ", "ཁ", "ئۇيغۇر", "مۇقام", "ᠮᠣᠩᠭᠣᠯ", "ꆈ", "ꌠ", "𠮷", "㐀",
                                    "миао", "abc", "2018"]


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
