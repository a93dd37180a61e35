"""Our ranking and query-understanding rules, the same for every engine: the orders, how much each
text field weighs, the words that carry no subject, and the words that name a kind of heritage."""

from __future__ import annotations

# The orders a search may come in: by relevance, by year (newest or oldest first), by title in pinyin.
SORTS = ("relevance", "year", "year_asc", "title")
TEXT_BOOSTS = {"title": 6.0, "aliases": 4.0, "native": 4.0, "body": 1.0}
METADATA_BOOST = 6.0  # a record recorded as of a place, group or category outranks one that mentions it
# Keyword fields score their boost alone, text fields by BM25 (tens of points for a title word): a record an
# inheritor named in the query carries on comes first, then other sub-items of the same item, then mentions.
PERSON_BOOST = 200.0
RELATED_ITEM_BOOST = 60.0
# Ranking before the score (indexer.ranking): what a record is recorded as — its places, groups and
# category — for the words of a query that name them, a place counting twice (a place in a question
# is where the asker looks; a kind word or a group can be met in the text of a neighbouring kind).
METADATA_WEIGHTS = {"region": 2, "ethnic": 1, "category": 1}
# A strict search (every content word) finding fewer records than this is relaxed: records matching
# most of the words follow the strict ones (indexer.ranking).
RELAX_BELOW = 10
# Words too common to tell one record from another, left out of a record's telling words (indexer.related);
# which words of a query carry its subject is analysis.question_parts' decision.
STOPWORDS = frozenset(
    "的 了 是 有 和 与 及 在 吗 呢 吧 啊 呀 么 哪 哪些 哪个 哪里 哪儿 谁 几 多少 什么 怎么 怎样 如何 为什么"
    " 请问 一下 介绍 关于 一些 有关 相关 都 也 还 就 做 做的 制作 是什么 有什么 是怎么".split()
)
# Words that name a kind of heritage rather than a word in the text.
CONCEPTS = {
    "节日": ["民俗"],
    "传统节日": ["民俗"],
    "节庆": ["民俗"],
    "民俗": ["民俗"],
    "习俗": ["民俗"],
    "技艺": ["传统技艺"],
    "手艺": ["传统技艺"],
    "工艺": ["传统技艺", "传统美术"],
    "手工艺": ["传统技艺", "传统美术"],
    "工艺品": ["传统美术", "传统技艺"],
    "美术": ["传统美术"],
    "刺绣": ["传统美术"],
    "音乐": ["传统音乐"],
    "民歌": ["传统音乐"],
    "歌曲": ["传统音乐"],
    "舞蹈": ["传统舞蹈"],
    "舞": ["传统舞蹈"],
    "戏剧": ["传统戏剧"],
    "戏曲": ["传统戏剧"],
    "戏": ["传统戏剧"],
    "曲艺": ["曲艺"],
    "说唱": ["曲艺"],
    "医药": ["传统医药"],
    "医学": ["传统医药"],
    "医术": ["传统医药"],
    "中医": ["传统医药"],
    "疗法": ["传统医药"],
    "体育": ["传统体育、游艺与杂技"],
    "杂技": ["传统体育、游艺与杂技"],
    "竞技": ["传统体育、游艺与杂技"],
    "传说": ["民间文学"],
    "故事": ["民间文学"],
    "史诗": ["民间文学"],
    "神话": ["民间文学"],
    "文学": ["民间文学"],
}
