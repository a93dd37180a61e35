"""The labelled query set over the national list, graded from the records' own metadata.

Each query has a group and a grading rule: 2 for a record the query is about, 1 for a record
that is only related (it mentions the subject), 0 otherwise.  Rules read title, category,
ethnic groups, region codes and content, never anything an engine computed.
"""

from __future__ import annotations

from collections.abc import Callable

Record = dict
Rule = Callable[[Record], int]


def title(*words: str) -> Rule:
    """About it when the title names it; related when the text mentions it."""

    def grade(r: Record) -> int:
        if any(w in r["title"] for w in words):
            return 2
        return 1 if any(w in r["content"] for w in words) else 0

    return grade


def named(name: str) -> Rule:
    """A known item: its title (before any bracket) is the name; other titles naming it are related."""

    def grade(r: Record) -> int:
        base = r["title"].split("（")[0]
        if base == name:
            return 2
        return 1 if name in r["title"] else 0

    return grade


def text(*words: str) -> Rule:
    """A word met in descriptions: about it when the text says it."""
    return lambda r: 2 if any(w in r["content"] or w in r["title"] for w in words) else 0


def ethnic(name: str, *title_forms: str) -> Rule:
    """Of a group: recorded for it, or named in the title (also by forms such as 藏医 for 藏族)."""
    return lambda r: 2 if name in r["ethnic_groups"] or any(f in r["title"] for f in (name, *title_forms)) else 0


def category(name: str) -> Rule:
    return lambda r: 2 if r["category"] == name else 0


def province(prefix: str) -> Rule:
    return lambda r: 2 if any(code.startswith(prefix) for code in r["region_codes"]) else 0


def both(*rules: Rule) -> Rule:
    """All conditions: the weakest grade."""
    return lambda r: min(rule(r) for rule in rules)


QUERIES: list[tuple[str, str, Rule]] = [
    # Topic words
    ("话题词", "蜡染", title("蜡染")),
    ("话题词", "刺绣", title("刺绣", "绣")),
    ("话题词", "剪纸", title("剪纸")),
    ("话题词", "皮影", title("皮影")),
    ("话题词", "木偶", title("木偶")),
    ("话题词", "年画", title("年画")),
    ("话题词", "唐卡", title("唐卡")),
    ("话题词", "茶", title("茶")),
    # Two terms
    ("两个词", "苗族 刺绣", both(title("绣"), ethnic("苗族"))),
    ("两个词", "贵州 蜡染", both(title("蜡染"), province("52"))),
    ("两个词", "蒙古族 长调", both(title("长调"), ethnic("蒙古族"))),
    ("两个词", "藏族 医药", both(category("传统医药"), ethnic("藏族", "藏医", "藏药"))),
    ("两个词", "福建 茶", both(title("茶"), province("35"))),
    ("两个词", "湖南 花鼓戏", both(title("花鼓戏"), province("43"))),
    ("两个词", "彝族 火把节", both(title("火把节"), ethnic("彝族"))),
    ("两个词", "山西 剪纸", both(title("剪纸"), province("14"))),
    # Known items by exact name
    ("项目名称", "苗族古歌", named("苗族古歌")),
    ("项目名称", "侗族大歌", named("侗族大歌")),
    ("项目名称", "昆曲", named("昆曲")),
    ("项目名称", "京剧", named("京剧")),
    ("项目名称", "南音", named("南音")),
    ("项目名称", "玛纳斯", named("玛纳斯")),
    ("项目名称", "热贡艺术", named("热贡艺术")),
    ("项目名称", "江格尔", named("江格尔")),
    # Traditional characters
    ("繁体字", "蠟染", title("蜡染")),
    ("繁体字", "剪紙", title("剪纸")),
    ("繁体字", "刺繡", title("刺绣", "绣")),
    ("繁体字", "崑曲", named("昆曲")),
    ("繁体字", "龍舟", title("龙舟")),
    ("繁体字", "藏醫藥", title("藏医药")),
    ("繁体字", "皮影戲", title("皮影戏")),
    ("繁体字", "媽祖", title("妈祖")),
    # Pinyin, full and initials
    ("拼音", "huobajie", title("火把节")),
    ("拼音", "kunqu", named("昆曲")),
    ("拼音", "jianzhi", title("剪纸")),
    ("拼音", "cixiu", title("刺绣")),
    ("拼音", "nanyin", named("南音")),
    ("拼音", "mazu", title("妈祖")),
    ("拼音", "matouqin", title("马头琴")),
    ("拼音", "dzdg", named("侗族大歌")),
    # Homophone typos
    ("同音错字", "腊染", title("蜡染")),
    ("同音错字", "火把结", title("火把节")),
    ("同音错字", "见纸", title("剪纸")),
    ("同音错字", "刺秀", title("刺绣")),
    ("同音错字", "端五节", title("端午")),
    ("同音错字", "泼水结", title("泼水节")),
    ("同音错字", "侗族大哥", named("侗族大歌")),
    ("同音错字", "唐咔", title("唐卡")),
    # Natural questions
    ("自然问句", "苗族有哪些传统节日", both(ethnic("苗族"), category("民俗"))),
    ("自然问句", "蜡染是怎么做的", title("蜡染")),
    ("自然问句", "有哪些关于茶的技艺", both(title("茶"), category("传统技艺"))),
    ("自然问句", "蒙古族有哪些音乐", both(ethnic("蒙古族"), category("传统音乐"))),
    ("自然问句", "端午节有什么习俗", title("端午")),
    ("自然问句", "哪里有皮影戏", title("皮影")),
    ("自然问句", "藏族的传统医药", both(ethnic("藏族", "藏医", "藏药"), category("传统医药"))),
    ("自然问句", "彝族有什么节日", both(ethnic("彝族"), category("民俗"))),
    # Words found only in descriptions
    ("只在正文", "榫卯", text("榫卯")),
    ("只在正文", "踩曲", text("踩曲")),
    ("只在正文", "靛蓝", text("靛蓝")),
    ("只在正文", "纺车", text("纺车")),
    ("只在正文", "蜂蜡", text("蜂蜡")),
    ("只在正文", "竹篾", text("竹篾")),
    ("只在正文", "锻打", text("锻打")),
    ("只在正文", "经幡", text("经幡")),
]
