"""Search over the shipped corpus as a visitor and a researcher use it."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage import store
from heritage.db import write
from indexer import index
from indexer.query import MAX_TERMS, parse_public
from indexer.related import more_like_this
from indexer.search import search

BOTH_ENGINES = True  # every test on corpus_index runs on Whoosh and on tantivy (tests/conftest.py)


def ids(answer, n=10):
    return [r["id"] for r in answer["results"][:n]]


def titles(answer, n=10):
    return [r["title"] for r in answer["results"][:n]]


def test_results_carry_what_a_page_needs(corpus_index):
    home, db = corpus_index
    answer = search(home, db, "蜡染")
    assert answer["error"] is None and answer["total"] >= 1
    hit = answer["results"][0]
    assert {"id", "ref", "title", "category", "ethnic_groups", "regions", "score", "snippet"} <= set(hit)
    assert hit["id"] == "C134" and hit["title_html"] == "苗族<mark>蜡染</mark>技艺"
    assert "<mark>蜡染</mark>" in search(home, db, "蜡染")["results"][1]["snippet"]


def test_traditional_characters(corpus_index):
    home, db = corpus_index
    assert ids(search(home, db, "蠟染技藝"))[0] == "C134"
    assert "C001" in ids(search(home, db, "彝族火把節"), 3)


def test_pinyin_full_and_initials(corpus_index):
    home, db = corpus_index
    assert ids(search(home, db, "huobajie"))[0] == "C001"
    assert ids(search(home, db, "hbj"))[0] == "C001"


def test_homophone_typo_is_corrected(corpus_index):
    home, db = corpus_index
    answer = search(home, db, "火把结")
    assert answer["suggestion"] == "火把节" and "C001" in ids(answer, 3)
    assert search(home, db, "腊染")["suggestion"] == "蜡染"


def test_natural_questions(corpus_index):
    home, db = corpus_index
    festivals = search(home, db, "苗族有哪些传统节日")
    top = festivals["results"][:5]
    assert all("苗族" in r["ethnic_groups"] for r in top), titles(festivals)
    assert sum(r["category"] == "民俗" for r in top) >= 4, titles(festivals)
    assert ids(search(home, db, "蜡染是怎么做的"))[0] == "C134"


def test_words_typed_together_are_words(corpus_index):
    home, db = corpus_index
    together, apart = search(home, db, "贵州蜡染"), search(home, db, "贵州 蜡染")
    assert together["total"] and ids(together, 3) == ids(apart, 3) and "C134" in ids(together, 3)
    assert ids(search(home, db, "苗族舞"))[0] == "C086"  # 苗族芦笙舞: 舞 names a kind, so it stands alone


def test_a_question_counts_its_subject_words(corpus_index):
    home, db = corpus_index
    answer = search(home, db, "我想了解一下彝族火把节的历史和现在的传承情况")
    assert ids(answer, 3)[0] == "C001", titles(answer)
    medicine = search(home, db, "藏族的传统医药")
    assert medicine["total"] and medicine["results"][0]["category"] == "传统医药", titles(medicine)


def test_a_syllable_typed_in_pinyin_inside_hanzi(corpus_index):
    home, db = corpus_index
    assert ids(search(home, db, "火ba节"))[0] == "C001"
    assert ids(search(home, db, "苗族la染技艺"))[0] == "C134"


def test_synonyms_and_aliases(corpus_index):
    home, db = corpus_index
    assert ids(search(home, db, "星回节"))[0] == "C001"
    assert "C005" in ids(search(home, db, "歌圩节"), 3)


def test_region_names_match_every_place_under_them(corpus_index):
    home, db = corpus_index
    answer = search(home, db, "黔东南", limit=50)
    found = set(ids(answer, 50))
    assert {"C006", "C053", "C137"} <= found  # 台江县, 台江县, 雷山县: all under 黔东南州
    filtered = search(home, db, "苗族", filters={"region": "522600"}, limit=50)
    assert filtered["total"] and all(
        any(r["code"].startswith("5226") for r in hit["regions"]) for hit in filtered["results"]
    )
    from heritage.regions import divisions

    counties = {r.code for r in divisions().children("522600")}
    assert filtered["facets"]["region"] and {c["value"] for c in filtered["facets"]["region"]} <= counties


def test_phrases_need_order(corpus_index):
    home, db = corpus_index
    assert "C134" in ids(search(home, db, '"蓝底白花"'))
    assert "C134" not in ids(search(home, db, '"白花蓝底"'))


def test_word_inside_a_longer_word(corpus_index):
    home, db = corpus_index
    assert "C154" in ids(search(home, db, "茶"), 20)  # 德昂族酸茶制作技艺


def test_public_mode_has_no_syntax(corpus_index):
    home, db = corpus_index
    answer = search(home, db, "类别:传统技艺 蜡染 (((")
    assert answer["error"] is None
    assert len(parse_public(" ".join(["词"] * 200)).nodes) == MAX_TERMS


def test_research_fields_and_operators(corpus_index):
    home, db = corpus_index
    answer = search(home, db, "类别:传统技艺 民族:苗族", mode="research", limit=50)
    assert answer["total"] >= 3
    assert all(r["category"] == "传统技艺" and "苗族" in r["ethnic_groups"] for r in answer["results"])
    either = search(home, db, "(侗族大歌 OR 侗戏) NOT 贵州", mode="research")
    assert either["error"] is None
    english = search(home, db, "category:Ⅷ ethnic:Miao", mode="research", limit=50)
    assert english["total"] == answer["total"]
    assert search(home, db, "(((", mode="research")["error"].startswith("检索式不完整")
    assert "不是可检索的字段" in search(home, db, "作者:张三", mode="research")["error"]
    assert search(home, db, "年份:二〇〇六", mode="research")["error"]


def test_facets_filters_sort_and_pages(corpus_index):
    home, db = corpus_index
    answer = search(home, db, "节", limit=5)
    assert sum(c["count"] for c in answer["facets"]["category"]) == answer["total"]
    only = search(home, db, "节", filters={"category": "民俗"}, limit=50)
    assert only["total"] and all(r["category"] == "民俗" for r in only["results"])
    second = search(home, db, "节", page=2, limit=5)
    assert set(ids(answer)).isdisjoint(ids(second)) and second["page"] == 2
    by_title = search(home, db, "苗族", sort="title", limit=20)
    from indexer.analysis import pinyin_of

    keys = [pinyin_of(t) for t in titles(by_title, 20)]
    assert keys == sorted(keys)
    assert search(home, db, "苗族", sort="random")["error"]


def test_more_like_this(corpus_index):
    home, db = corpus_index
    similar = more_like_this(home, db, "C134")
    assert similar and "C134" not in ids({"results": similar})
    assert any(r["category"] in ("传统技艺", "传统美术") for r in similar)


def test_only_published_public_records_are_found(corpus_index):
    home, db = corpus_index
    hidden = [
        {"id": "H1", "title": "秘藏蜡染甲", "category": "传统技艺", "status": "待审核", "access": "public"},
        {"id": "H2", "title": "秘藏蜡染乙", "category": "传统技艺", "status": "已发布", "access": "internal"},
        {"id": "H3", "title": "秘藏蜡染丙", "category": "传统技艺", "status": "已发布", "access": "researcher"},
        {
            "id": "H4",
            "title": "<script>alert(1)</script>秘藏",
            "category": "民俗",
            "status": "已发布",
            "content": '<img src=x onerror=alert(1)> 秘藏 " onmouseover="x',
        },
    ]
    with write(db):
        for record in hidden:
            store.put(db, store.RECORD, record, "test")
    index.sync(home, db)
    public = search(home, db, "秘藏", limit=50)
    assert ids(public, 50) == ["H4"]
    research = search(home, db, "秘藏", mode="research", limit=50)
    assert sorted(ids(research, 50)) == ["H3", "H4"]
    hit = public["results"][0]
    assert "<script>" not in hit["title_html"] and "&lt;script&gt;" in hit["title_html"]
    assert "<img" not in hit["snippet"] and "&lt;img" in hit["snippet"]


HOSTILE = [
    "(((",
    '"unclosed',
    "AND OR NOT",
    "*",
    "\x00",
    "🎉🎉",
    "字" * 5000,
    " ".join(["词"] * 200),
    "类别:",
    "NOT",
    "-",
    '""',
    "（",
    "地区:火星",
]


def test_hostile_queries_give_results_or_messages(corpus_index):
    home, db = corpus_index
    for text in HOSTILE:
        for mode in ("public", "research"):
            answer = search(home, db, text, mode=mode)
            assert isinstance(answer["total"], int)
            assert answer["error"] is None or isinstance(answer["error"], str)
            if mode == "public":  # only a field with a wrong or missing value is told off
                assert (answer["error"] is None) == (text not in ("类别:", "地区:火星")), (text, answer["error"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300), mode=st.sampled_from(["public", "research"]))
def test_random_unicode_never_raises(corpus_index, text, mode):
    home, db = corpus_index
    answer = search(home, db, text, mode=mode, limit=3)
    assert answer["error"] is None or isinstance(answer["error"], str)


def test_the_background_worker_makes_saves_searchable(corpus_index):
    import time

    home, db = corpus_index
    worker = index.SyncWorker(home, interval=0.2)
    worker.start()
    try:
        with write(db):
            store.put(
                db,
                store.RECORD,
                {"id": "W1", "title": "后台同步的铜鼓舞", "category": "传统舞蹈", "status": "已发布"},
                "curator",
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "W1" not in ids(search(home, db, "后台同步")):
            time.sleep(0.1)
        answer = search(home, db, "后台同步")
        assert ids(answer)[0] == "W1" and answer["total"] >= 1
    finally:
        worker.stop()
        worker.join(10)
    assert not worker.is_alive()


def test_public_mode_reads_the_research_fields(corpus_index):
    home, db = corpus_index
    typed = search(home, db, "类别:传统技艺 民族:苗族", limit=50)
    chosen = search(home, db, "", filters={"category": "传统技艺", "ethnic": "苗族"}, limit=50)
    assert typed["total"] == chosen["total"] > 0 and ids(typed, 50) and set(ids(typed, 50)) == set(ids(chosen, 50))
    crafts = search(home, db, "", filters={"category": "传统技艺"})["total"]
    assert search(home, db, "类别: 传统技艺")["total"] == search(home, db, "category:传统技艺")["total"] == crafts
    assert search(home, db, "地区:火星")["error"] == "无法识别的地区“火星”"
    assert parse_public("10:30 foo:bar").nodes[0].text == "10"  # not field names: plain words


def test_check_stays_green_through_a_save_with_a_new_title(corpus_index):
    from indexer.cli import check_index

    home, db = corpus_index
    index.sync(home, db)
    assert check_index(home, db) == []
    with write(db):
        store.put(
            db,
            store.RECORD,
            {"id": "N1", "title": "新起的项目名称甲乙", "category": "民俗", "status": "已发布"},
            "curator",
        )
    assert check_index(home, db) == []  # the outbox explains the missing record and its words
    index.sync(home, db)
    assert check_index(home, db) == [] and ids(search(home, db, "新起的项目名称甲乙"))[0] == "N1"
