"""A generated query set over the national list and its inheritors, graded from metadata.

Each class of query is a template filled from the source records (a seeded sample, so the set
is the same on every run).  A query names one thing in one form (a name, its pinyin, a typo,
a question around it); it is graded from fields the query does not spell: the sub-item code an
inheritor carries on, the category, the division codes, the item number.  Nothing here asks an
engine or reuses its rules (no tokenizer, no synonym table, no place resolver of ours): pinyin
comes from pypinyin, traditional forms from OpenCC, homophones from the text's own characters,
everyday names from the list's own descriptions (俗称“…”), never from corpus/synonyms.txt.  One
exception, by design: near-shape typos are drawn from the same confusion set the engine corrects
with (pycorrector's), so that class measures that corrections are made and ranked, not how
complete the set is.

Grades: 3 the record the query is about, 2 another sub-item of the same item or a record that
meets every condition less directly, 1 related, 0 otherwise.
"""

from __future__ import annotations

import html
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import opencc
from pypinyin import Style, lazy_pinyin, pinyin

from heritage.vocab import ETHNIC_GROUPS  # the 56 names are public facts, not an engine rule

Grades = dict[str, int]  # source id -> grade
PER_CLASS = 100
KIND_WORDS = {
    "民间文学": ("民间文学", "传说"),
    "传统音乐": ("音乐", "民歌"),
    "传统舞蹈": ("舞蹈", "舞"),
    "传统戏剧": ("戏剧", "戏"),
    "曲艺": ("曲艺", "说唱"),
    "传统体育、游艺与杂技": ("体育", "杂技"),
    "传统美术": ("美术", "工艺品"),
    "传统技艺": ("技艺", "手艺"),
    "传统医药": ("医药", "医术"),
    "民俗": ("民俗", "习俗"),
}
# Long questions as people put them, written apart from the engine's list of generic question words
# (corpus/question_words.txt): no word of two or more characters of that list occurs in them, which
# generate() checks, so the engine must find their subject by parts of speech and relaxing alone.
LONG_QUESTIONS = (
    "听说过{}吗，给讲讲它的来龙去脉",
    "{}最早出现于何时，又是谁带起来的",
    "带孩子去看{}之前应该准备些啥",
    "{}和别处的同类相比有啥独到之处",
    "为了保护{}，政府这些年做过哪方面的努力",
    "打小就听奶奶说起{}，现今还能见到吗",
)
SHORT_QUESTIONS = ("{}在哪里", "什么是{}", "{}是什么", "{}怎么样", "哪里有{}")
PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")


def base_title(title: str) -> str:
    """The item's name: the title before a bracketed sub-item."""
    return title.split("（")[0].strip()


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


class Source:
    """The national list with the lookups the templates grade by."""

    def __init__(self, items: list[dict], inheritors: list[dict], regions: list[dict]):
        self.items = [
            item | {"title": item["title"].strip(), "num": item["num"].strip(), "base": base_title(item["title"])}
            for item in items
        ]
        self.inheritors, self.regions = inheritors, regions
        self.by_base: dict[str, list[dict]] = defaultdict(list)
        self.by_code: dict[str, list[dict]] = defaultdict(list)
        self.by_num: dict[str, list[dict]] = defaultdict(list)
        for item in self.items:
            self.by_base[item["base"]].append(item)
            self.by_code[re.sub(r"\s+", "", item["project_num"])].append(item)
            self.by_num[item["num"]].append(item)
        bases = sorted(self.by_base)
        self.unique_names = [b for b in bases if sum(b in other for other in bases) == 1]
        text = "".join(item["title"] + item["content"] for item in self.items)
        self.common = {ch for ch, n in Counter(text).items() if n >= 30 and "\u4e00" <= ch <= "\u9fff"}

    def named(self, name: str) -> Grades:
        """An item by its name: its sub-items 3, other titles containing the name 1."""
        grades = {item["id"]: 1 for item in self.items if name in item["title"]}
        return grades | {item["id"]: 3 for item in self.by_base[name]}

    def distinct_names(self, low: int = 3, high: int = 8) -> list[str]:
        """Item names of a searchable length that no other item's name contains."""
        return [b for b in self.unique_names if low <= len(b) <= high]


def _sample(rng: random.Random, population: list, k: int = PER_CLASS) -> list:
    return rng.sample(population, min(k, len(population)))


def people(source: Source, rng: random.Random) -> Iterator[tuple[str, Grades]]:
    """An inheritor's name finds the items they carry on (name unique among inheritors)."""
    names = Counter(p["title"].strip() for p in source.inheritors)
    candidates = [
        p
        for p in source.inheritors
        if names[p["title"].strip()] == 1 and source.by_code.get(re.sub(r"\s+", "", p.get("child_num") or ""))
    ]
    for person in _sample(rng, candidates):
        items = source.by_code[re.sub(r"\s+", "", person["child_num"])]
        grades = {i["id"]: 1 for item in items for i in source.by_num[item["num"]]}
        yield person["title"].strip(), grades | {item["id"]: 3 for item in items}


def questions(templates: tuple[str, ...]):
    def generate(source: Source, rng: random.Random) -> Iterator[tuple[str, Grades]]:
        for name in _sample(rng, source.distinct_names()):
            yield rng.choice(templates).format(name), source.named(name)

    return generate


GROUPS = [g.name for g in ETHNIC_GROUPS]


def group_and_kind(source: Source, rng: random.Random) -> Iterator[tuple[str, Grades]]:
    """「苗族音乐」: records of that category for that group; the title naming the group is 3, the text 1."""
    combos = Counter((g, item["type"]) for item in source.items for g in GROUPS if g in item["title"])
    pairs = sorted(pair for pair, n in combos.items() if n >= 2)
    for group, category in _sample(rng, pairs):
        word = rng.choice(KIND_WORDS[category])
        grades = {
            item["id"]: 3 if group in item["title"] else 1
            for item in source.items
            if item["type"] == category and (group in item["title"] or item["content"].count(group) >= 2)
        }
        yield group + rng.choice(("", " ")) + word, grades


def _prefectures(regions: list[dict]) -> dict[str, str]:
    """Short prefecture names (楚雄, 文山, 黔东南) that name one prefecture: short name -> 4-digit code."""
    short: dict[str, list[str]] = defaultdict(list)
    for region in regions:
        if region["level"] == "city":
            name = region["name"]
            if name.endswith("自治州"):
                name = name[: min((name.find(g) for g in GROUPS if g in name), default=len(name))]
            name = re.sub(r"(市|地区|盟|自治州)$", "", name)
            if len(name) >= 2:
                short[name].append(region["code"][:4])
    return {name: codes[0] for name, codes in short.items() if len(codes) == 1}


def place_and_kind(source: Source, rng: random.Random) -> Iterator[tuple[str, Grades]]:
    """「楚雄音乐」: a prefecture's short name and a kind word; records located there of that category 3,
    there of another category 1."""
    prefectures = _prefectures(source.regions)
    present = Counter((item["city"][:4], item["type"]) for item in source.items)
    pairs = sorted(
        (name, category)
        for name, code in prefectures.items()
        for category in KIND_WORDS
        if present[code[:4], category] >= 1
    )
    for name, category in _sample(rng, pairs):
        code = prefectures[name]
        grades = {item["id"]: 3 for item in source.items if item["city"][:4] == code and item["type"] == category}
        grades |= {item["id"]: 1 for item in source.items if item["city"][:4] == code and item["type"] != category}
        yield name + rng.choice(("", " ")) + rng.choice(KIND_WORDS[category]), grades


def province_and_name(separator: str):
    def generate(source: Source, rng: random.Random) -> Iterator[tuple[str, Grades]]:
        return _province_and_name(source, rng, separator)

    return generate


def _province_and_name(source: Source, rng: random.Random, separator: str) -> Iterator[tuple[str, Grades]]:
    """「贵州蜡染」: an item name met in several provinces, with one province; located there 3, elsewhere 1."""
    provinces = {r["code"][:2]: PROVINCE_SUFFIX.sub("", r["name"]) for r in source.regions if r["level"] == "province"}
    spread = defaultdict(set)
    for item in source.items:
        if 2 <= len(item["base"]) <= 4:
            spread[item["base"]].add(item["address"][:2])
    pairs = sorted(
        (base, code) for base, codes in spread.items() if len(codes) >= 2 for code in codes if code in provinces
    )
    for base, code in _sample(rng, pairs):
        grades = {item["id"]: 1 for item in source.items if base in item["title"]}
        grades |= {item["id"]: 3 for item in source.items if base in item["title"] and item["address"][:2] == code}
        yield provinces[code] + separator + base, grades


def pinyin_names(source: Source, rng: random.Random) -> Iterator[tuple[str, Grades]]:
    """The full pinyin of a name, without tones or spaces: miaozuguge."""
    for name in _sample(rng, source.distinct_names(2, 5)):
        yield "".join(lazy_pinyin(name)), source.named(name)


def mixed_script(source: Source, rng: random.Random) -> Iterator[tuple[str, Grades]]:
    """One character of a name typed in pinyin, as when the input method failed: 苗族gu歌."""
    for name in _sample(rng, source.distinct_names(3, 6)):
        at = rng.randrange(len(name))
        yield name[:at] + lazy_pinyin(name[at])[0] + name[at + 1 :], source.named(name)


def homophones(source: Source, rng: random.Random) -> Iterator[tuple[str, Grades]]:
    """One character of a name replaced by a common character read the same: 火把结."""
    sound: dict[str, list[str]] = defaultdict(list)
    for ch in sorted(source.common):
        sound[pinyin(ch, style=Style.NORMAL)[0][0]].append(ch)
    made = 0
    names = source.distinct_names(3, 6)
    for name in rng.sample(names, len(names)):
        at = rng.randrange(len(name))
        others = [ch for ch in sound[lazy_pinyin(name[at])[0]] if ch != name[at]]
        if others and made < PER_CLASS:
            made += 1
            yield name[:at] + rng.choice(others) + name[at + 1 :], source.named(name)


def traditional(source: Source, rng: random.Random) -> Iterator[tuple[str, Grades]]:
    """A name in traditional characters (OpenCC s2t)."""
    convert = opencc.OpenCC("s2t")
    names = [n for n in source.distinct_names(2, 6) if convert.convert(n) != n]
    for name in _sample(rng, names):
        yield convert.convert(name), source.named(name)


# How the list's own descriptions introduce another name of an item: 俗称“扭秧歌”, 侗语称“嘎老”.
ALIAS_MARKERS = "俗称|又称|又名|亦称|也称|别称|古称|简称|俗名|又叫|也叫|俗叫|土称|民间称|当地称|当地人称|群众称"


def everyday_names(source: Source, rng: random.Random) -> Iterator[tuple[str, Grades]]:
    """Another name the item's own description gives it right after naming it (秧歌……俗称“扭秧歌”),
    found in no title; the records so described 3, other sub-items of the same item 1.  The names
    come from the national list's text, not from corpus/synonyms.txt."""
    pattern = re.compile(rf"[^。；“”]{{0,10}}?(?:{ALIAS_MARKERS})(?:之)?(?:为)?[“「]([\u4e00-\u9fff]{{2,6}})[”」]")
    described: dict[str, list[dict]] = defaultdict(list)
    for item in source.items:
        text = html.unescape(item["content"])
        names = {item["base"], item["title"].split("（")[-1].rstrip("）")}
        found = {m[1] for name in names for at in _occurrences(text, name) if (m := pattern.match(text, at))}
        for alias in found:
            described[alias].append(item)
    titles = [item["title"] for item in source.items]
    chosen = sorted(
        alias
        for alias, items in described.items()
        if len({i["num"] for i in items}) == 1 and not any(alias in title for title in titles)
    )
    for alias in _sample(rng, chosen):
        items = described[alias]
        grades = {i["id"]: 1 for i in source.by_num[items[0]["num"]]}
        yield alias, grades | {item["id"]: 3 for item in items}


def _occurrences(text: str, name: str) -> Iterator[int]:
    """Where each mention of a name ends in a text."""
    at = text.find(name)
    while at >= 0:
        yield at + len(name)
        at = text.find(name, at + 1)


SAME_STROKE = Path(__file__).resolve().parents[1] / "corpus" / "same_stroke.txt"


def near_shapes(source: Source, rng: random.Random) -> Iterator[tuple[str, Grades]]:
    """One character of a name replaced by one that looks like it, from pycorrector's confusion set
    (corpus/same_stroke.txt): 苗族古歌 -> 苗族古歇."""
    alike: dict[str, set[str]] = defaultdict(set)
    for line in SAME_STROKE.read_text("utf-8").splitlines():
        group = line.split() if not line.startswith("#") else []
        for ch in group:
            alike[ch] |= set(group) - {ch}
    made = 0
    names = source.distinct_names(3, 6)
    for name in rng.sample(names, len(names)):
        places = [at for at, ch in enumerate(name) if alike[ch]]
        if places and made < PER_CLASS:
            at = rng.choice(places)
            made += 1
            yield name[:at] + rng.choice(sorted(alike[name[at]])) + name[at + 1 :], source.named(name)


def fragments(source: Source, rng: random.Random) -> Iterator[tuple[str, Grades]]:
    """The bracketed sub-item name alone: 彝族火把节 for 火把节（彝族火把节）."""
    subs = Counter(m[1] for item in source.items if (m := re.search(r"（(.+?)）", item["title"])))
    chosen = _sample(rng, sorted(s for s, n in subs.items() if n == 1 and len(s) >= 3))
    for sub in chosen:
        target = next(item for item in source.items if f"（{sub}）" in item["title"])
        grades = {i["id"]: 1 for i in source.by_num[target["num"]]}
        yield sub, grades | {target["id"]: 3}


CLASSES = {
    "传承人姓名": people,
    "长问句": questions(LONG_QUESTIONS),
    "短问句": questions(SHORT_QUESTIONS),
    "民族+门类": group_and_kind,
    "地区简称+门类": place_and_kind,
    "连写两词": province_and_name(""),
    "空格两词": province_and_name(" "),
    "拼音": pinyin_names,
    "拼音汉字混写": mixed_script,
    "同音错字": homophones,
    "形近错字": near_shapes,
    "繁体字": traditional,
    "子项名称": fragments,
    "日常叫法": everyday_names,
}


QUESTION_WORDS = Path(__file__).resolve().parents[1] / "corpus" / "question_words.txt"


def _apart_from_question_words() -> None:
    """The long questions share no word of two or more characters with the engine's generic list."""
    listed = {
        w for line in QUESTION_WORDS.read_text("utf-8").splitlines() if not line.startswith("#") for w in line.split()
    }
    shared = sorted(w for w in listed if len(w) >= 2 and any(w in template for template in LONG_QUESTIONS))
    if shared:
        raise SystemExit(f"长问句模板与 corpus/question_words.txt 重叠：{'、'.join(shared)}")


def generate(data: Path, seed: int = 2026) -> list[tuple[str, str, Grades]]:
    """(class, query, grades by source id) for every class, the same set for the same seed;
    ``data`` is ../shared/data."""
    _apart_from_question_words()
    source = Source(
        load(data / "ich-national-list" / "records.jsonl"),
        load(data / "ich-inheritors" / "records.jsonl"),
        load(data / "regions" / "records.jsonl"),
    )
    queries = []
    for name, template in CLASSES.items():
        rng = random.Random(f"{seed}:{name}")
        queries += [(name, query, grades) for query, grades in template(source, rng) if grades]
    return queries
