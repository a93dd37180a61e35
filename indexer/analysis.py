"""Text -> tokens: the one place that normalises and segments text, for indexing and querying alike.

Every text is normalised (NFKC, traditional -> simplified with OpenCC, lower case), split by
script, and each run tokenised by its own rule: Han runs by jieba in precise mode with the
domain dictionary; Tibetan by syllable (on the tsheg); Yi syllables one by one; Uyghur,
Mongolian, Latin, Cyrillic and digits as words.  Nothing is dropped, CJK extension characters
included.  Positions are ordinals, so that phrase queries work.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import unicodedata
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources

import opencc
import rjieba
from pypinyin import Style, lazy_pinyin, pinyin
from whoosh.analysis import Token, Tokenizer
from whoosh.formats import Positions

from heritage import corpus
from heritage.numerals import spoken
from indexer.rules import CONCEPTS

_T2S = opencc.OpenCC("t2s")
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(
    rf"(?P<han>[{HAN}]+)"
    r"|(?P<tibetan>[\u0f20-\u0f33\u0f3e-\u0fbc]+)"  # a syllable: between tsheg (་) and shad (།)
    r"|(?P<yi>[\ua000-\ua4cf])"
    rf"|(?P<word>(?:(?![{HAN}\u0f00-\u0fff\ua000-\ua4cf])[^\W_])+)"
)
HAN_RUN = re.compile(rf"[{HAN}]+")


def normalize(text: str) -> str:
    """NFKC, traditional -> simplified, lower case, digits of days and ordinals in Chinese numerals:
    蠟染 -> 蜡染, ２０１８ -> 2018, ABC -> abc, 6月6 -> 六月六, 第1批 -> 第一批."""
    text = _T2S.convert(unicodedata.normalize("NFKC", text or "")).lower()
    return _CALENDAR_DIGITS.sub(lambda match: spoken(int(match.group())), text) if _ANY_DIGIT.search(text) else text


# Digits of a month and its day (3月3, 6月6日, 12月) and of an ordinal (第1批, 第3届) become the
# Chinese numerals that names and dates are written in (三月三, 第一批); years and other numbers stay.
_CALENDAR_DIGITS = re.compile(r"(?<![\d.])(\d{1,2})(?=月)|(?<=月)(\d{1,2})(?![\d.])|(?<=第)(\d{1,3})(?=[批届次期代])")
_ANY_DIGIT = re.compile(r"\d")


class Segmenter:
    """jieba's segmentation (precise mode, no HMM, its dictionary) with the domain words added.

    The cutting runs in rjieba, the Rust implementation of the same algorithm and dictionary:
    the benchmark showed pure-Python jieba limiting indexing, and a test checks that both cut
    the corpus identically.  Each domain word gets the frequency jieba's own ``add_word`` would
    give it (``suggest_freq``: just enough to be cut whole)."""

    def __init__(self, words: list[str], digest: str):
        self.words = words
        self.known = frozenset(words)
        self.digest = digest
        self._jieba = rjieba.Jieba()
        self._expanded: dict[str, tuple[str, ...]] = {}
        self.frequencies = {}
        for word in words:
            if HAN_RUN.fullmatch(word) and not self._jieba.has_word(word):
                self.frequencies[word] = self._jieba.suggest_freq(word)
                self._jieba.add_word(word, self.frequencies[word], None)

    def cut(self, run: str) -> list[str]:
        """The words of a Han run, precise mode, no HMM (the same cut in any context)."""
        return self._jieba.cut(run, False)

    def cut_runs(self, runs: list[str]) -> list[list[str]]:
        """The words of each of several Han runs, cut in one call: jieba cuts each stretch of Han
        characters on its own, so a newline between the runs is a boundary (and half the calls' cost)."""
        if not runs:
            return []
        joined = "\x00".join(self._jieba.cut("\n".join(runs), False))
        return [piece.split("\x00") for piece in joined.split("\x00\n\x00")]

    def is_word(self, text: str) -> bool:
        """True when the dictionary knows this word."""
        return self._jieba.has_word(text)

    def with_subwords(self, word: str) -> tuple[str, ...]:
        """A long word and its dictionary sub-words, as indexed (remembered: words recur, the cut gives
        only dictionary words, so there are no more of them than the dictionary holds)."""
        found = self._expanded.get(word)
        if found is None:
            found = self._expanded[word] = (word, *_dictionary_subwords(word, self))
        return found

    def tag(self, run: str) -> list[tuple[str, str]]:
        """The words of a Han run as :meth:`cut` gives them, each with jieba's part of speech
        ('' for the domain words, which jieba's dictionary lacks)."""
        return self._jieba.tag(run, False)


def dictionary(words: Iterable[str]) -> tuple[list[str], str]:
    """A domain dictionary as its normalised, sorted words and their short hash."""
    normalized = sorted({normalize(w).strip() for w in words if w and w.strip()})
    return normalized, hashlib.sha256("\n".join(normalized).encode("utf-8")).hexdigest()[:16]


_lock = threading.Lock()
_segmenters: OrderedDict[str, Segmenter] = OrderedDict()  # the few most recent dictionaries
_KEEP_SEGMENTERS = 4
_default: list[Segmenter] = []  # for threads that never chose one (and forked index workers)
_chosen = threading.local()


def use_dictionary(words: Iterable[str]) -> Segmenter:
    """Make this dictionary the one this thread segments with (and the process's default)."""
    normalized, digest = dictionary(words)
    with _lock:
        if digest in _segmenters:
            _segmenters.move_to_end(digest)
        else:
            _segmenters[digest] = Segmenter(normalized, digest)
            while len(_segmenters) > _KEEP_SEGMENTERS:
                _segmenters.popitem(last=False)
        chosen = _segmenters[digest]
    activate(chosen)
    return chosen


def activate(chosen: Segmenter) -> None:
    """Make an already built segmenter the one this thread uses (cheap: no dictionary work).

    Per thread, because a server's sync thread may index with a newer dictionary while its
    search threads still answer with the one their index generation was opened with."""
    _chosen.segmenter = chosen
    _default[:] = [chosen]


def segmenter() -> Segmenter:
    """The segmenter in use in this thread (jieba's own dictionary until use_dictionary is called)."""
    chosen = getattr(_chosen, "segmenter", None)
    if chosen is None:
        if not _default:
            use_dictionary(())
        chosen = _default[0]
    return chosen


def words(text: str) -> list[str]:
    """The tokens of a text, in order, as a query sees them: 蠟染技藝 -> [蜡染, 技艺]."""
    return [t for t, _ in _tokens(normalize(text), subwords=False)]


# Parts of speech that carry no subject: pronouns (哪些 什么 我), prepositions, conjunctions,
# particles (的 了), punctuation, modal particles, interjections and distinguishing words (主要).
# Numerals (m) stay: 三月三, 第一批; adverbs (d) are left to the stop list, since jieba tags 相声
# and 越剧 as adverbs, and onomatopoeia (o) too (嘎 in 噶玛嘎孜).
_FUNCTION_TAGS = re.compile(r"[rpcxyeb]|u.*")
# A single character of a name jieba does not know comes tagged as a noun, a name, a numeral, an
# abbreviation, an idiom or a sound (格萨斯/尔, 阿/细/跳/月, 嘎): kept even where the stop list names it.
_NAME_CHAR_TAGS = re.compile(r"n.*|[mjlo]")
# pronouns, prepositions, conjunctions, particles, modal words, interjections: never in an unknown name
_GRAMMAR_TAGS = re.compile(r"[rpcye]|u.*")
_NUMERALS = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """stopwords-iso's Chinese list (a maintained list of function words), numerals taken out."""
    listed = json.loads(resources.files("stopwordsiso").joinpath("stopwords-iso.json").read_text("utf-8"))
    return frozenset(normalize(w) for w in listed["zh"] if not _NUMERALS.fullmatch(w))


@lru_cache(maxsize=1)
def _generic_words() -> frozenset[str]:
    return frozenset(normalize(w) for w in corpus.question_words())


@lru_cache(maxsize=_KEEP_SEGMENTERS)
def _generic_phrases(digest: str) -> re.Pattern:
    """The generic phrases a question is split at before it is cut: those of three characters or
    more, and those the dictionary lacks (jieba would cut 是非物质文化遗产 as 是非/物质, 能不能给
    as 能/不能)."""
    seg = _segmenters.get(digest) or segmenter()
    phrases = sorted((w for w in _generic_words() if len(w) >= 3 or not seg.is_word(w)), key=len, reverse=True)
    return re.compile("(" + "|".join(map(re.escape, phrases)) + ")")


def _tagged(run: str, seg: Segmenter) -> Iterator[tuple[str, str]]:
    """A Han run's words and tags, generic phrases kept whole, also where jieba cuts them apart
    (哪天举行 -> 哪/天举行 by its dictionary; 哪天 here)."""
    for piece in _generic_phrases(seg.digest).split(run):
        if piece in _generic_words():
            yield piece, ""
            continue
        tagged = seg.tag(piece) if piece else []
        at = 0
        while at < len(tagged):
            pair = "".join(word for word, _ in tagged[at : at + 2])
            if at + 1 < len(tagged) and pair in _generic_words():
                yield pair, ""
                at += 2
            else:
                yield tagged[at]
                at += 1


def _is_stop_word(word: str, tag: str) -> bool:
    return word in _stop_words() and not (len(word) == 1 and _NAME_CHAR_TAGS.fullmatch(tag))


def question_parts(text: str) -> tuple[list[str], list[str]]:
    """A question's subject words and its generic words, in order: function words (by part of
    speech and the stop list) dropped, generic question words (corpus/question_words.txt) set
    apart.  我想了解一下泰山传说的历史 -> ([泰山传说], [想, 了解, 一下, 历史]).

    The cut is the indexing one, between the generic phrases; a domain word (a title, a place)
    is a subject word unless the generic list names it.  In a question (a text with generic or
    function words), a verb of one character is what the asker wants done (谁会唱…, 怎么唱, 在哪里演)
    unless subject words stand on both sides of it (枕头顶刺绣) or it names a kind of heritage (舞)."""
    seg = segmenter()
    runs = [
        list(_tagged(match.group(), seg)) if match.lastgroup == "han" else [(match.group(), "")]
        for match in _RUNS.finditer(normalize(text))
    ]
    asking = any(_part(w, t) in ("generic", "asking") for run in runs for w, t in run)  # not a name (打端鼓)
    parts: list[tuple[str, str]] = []  # (word, subject | generic | verb | asking | dropped)
    for tagged in runs:
        for piece in _pieces(tagged, asking):
            if len(piece) > 1:  # characters the dictionary could not join: one unknown word (唱/大/书, 柶/戏)
                parts += [(word, "subject") for word, _ in piece]
            else:
                parts.append((piece[0][0], _part(*piece[0])))
    subject: list[str] = []
    generic: list[str] = []
    for at, (word, part) in enumerate(parts):
        if part == "verb":
            between = 0 < at < len(parts) - 1 and parts[at - 1][1] == parts[at + 1][1] == "subject"
            part = "generic" if asking and not between else "subject"
        if part == "subject":
            subject.append(word)
        elif part == "generic":
            generic.append(word)
    return subject, generic


def _part(word: str, tag: str) -> str:
    if word in _generic_words():
        return "generic"
    if tag in ("r", "y"):  # a pronoun or a modal particle (谁, 哪, 什么, 吗, 呢): dropped, and the text is a question
        return "asking"
    if tag and (_FUNCTION_TAGS.fullmatch(tag) or _is_stop_word(word, tag)):
        return "dropped"
    return "verb" if len(word) == 1 and tag.startswith("v") and word not in CONCEPTS else "subject"


def _pieces(tagged: Iterable[tuple[str, str]], asking: bool) -> list[list[tuple[str, str]]]:
    """Tagged words with each run of two or more single characters (none of them a generic question
    word, not all of them function words) kept together: such a run is a word the dictionary lacks,
    a name like 唱大书 or 柶戏, and none of its characters is dropped.  In a question a pronoun or a
    particle ends a run, and a run of verbs and stop words is no name (谁/会/唱)."""
    pieces: list[list[tuple[str, str]]] = []
    run: list[tuple[str, str]] = []
    for item in [*tagged, ("", "")]:
        word, tag = item
        grammar = asking and _GRAMMAR_TAGS.fullmatch(tag)
        if len(word) == 1 and HAN_RUN.fullmatch(word) and word not in _generic_words() and not grammar:
            run.append(item)
            continue
        lone = len(run) < 2 or all(_FUNCTION_TAGS.fullmatch(t) or _is_stop_word(w, t) for w, t in run)
        lone = lone or (asking and all(_part(w, t) in ("asking", "dropped", "verb") for w, t in run))
        pieces += [[one] for one in run] if lone else [run]
        run = []
        if word:
            pieces.append([item])
    return pieces


def content_words(text: str) -> list[str]:
    """The words of a question that carry its subject: 苗族古歌主要流传在哪些地区 -> [苗族古歌]."""
    return question_parts(text)[0]


def index_words(text: str) -> set[str]:
    """The tokens a text is found by, as the index sees them: its words and their dictionary sub-words."""
    return {t for t, _ in _tokens(normalize(text), subwords=True)}


def _tokens(text: str, subwords: bool) -> Iterator[tuple[str, int]]:
    """(token, position) pairs of normalised text; sub-words of long words share their position."""
    return zip(*_token_columns(text, subwords), strict=True)


def _token_columns(text: str, subwords: bool) -> tuple[list[str], list[int]]:
    """The tokens of normalised text and their positions, as two lists (the indexing fast path)."""
    seg = segmenter()
    tokens: list[str] = []
    positions: list[int] = []
    position = 0
    matches = list(_RUNS.finditer(text))
    cuts = iter(seg.cut_runs([match.group() for match in matches if match.lastgroup == "han"]))
    for match in matches:
        if match.lastgroup != "han":
            tokens.append(match.group())
            positions.append(position)
            position += 1
            continue
        cut = next(cuts)
        if not subwords or max(map(len, cut)) <= 2:  # no long word: no sub-words
            tokens += cut
            positions += range(position, position + len(cut))
            position += len(cut)
            continue
        for word in cut:
            if len(word) > 2:
                found = seg.with_subwords(word)
                tokens += found
                positions += [position] * len(found)
            else:
                tokens.append(word)
                positions.append(position)
            position += 1
    return tokens, positions


def subwords(word: str) -> list[str]:
    """The dictionary words inside a longer word, once each: 秦淮灯彩 -> [秦淮, 灯彩]."""
    return list(dict.fromkeys(_dictionary_subwords(normalize(word), segmenter())))


def _dictionary_subwords(word: str, seg: Segmenter) -> Iterator[str]:
    """The dictionary words inside a longer word (苗族古歌 -> 苗族, 古歌), as jieba's search mode finds them."""
    for size in (2, 3):
        if size >= len(word):
            break
        for start in range(len(word) - size + 1):
            gram = word[start : start + size]
            if seg.is_word(gram):
                yield gram


def mark_spans(text: str, marks: Iterable[str]) -> list[tuple[int, int]]:
    """Where the query's words occur in the ORIGINAL text, as (start, end), longest words first.

    Matching is on normalised text, so 蠟染 in a record is marked for the query 蜡染."""
    normalized, offsets = _normalize_with_offsets(text)
    taken = [False] * len(normalized)
    spans = []
    for mark in sorted({m for m in marks if m}, key=len, reverse=True):
        at = normalized.find(mark)
        while at >= 0:
            end = at + len(mark)
            if not any(taken[at:end]):
                taken[at:end] = [True] * len(mark)
                spans.append((offsets[at], offsets[end - 1] + 1))
            at = normalized.find(mark, end)
    return sorted(spans)


def _normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and where each of its characters came from: clause by clause, and char by
    char only in a clause whose normalisation changes its length (12月 -> 十二月)."""
    whole = normalize(text)
    if len(whole) == len(text):
        return whole, list(range(len(text)))
    chars: list[str] = []
    offsets: list[int] = []
    for match in _CLAUSES.finditer(text):
        clause, start = match.group(), match.start()
        normal = normalize(clause)
        if len(normal) == len(clause):
            chars.append(normal)
            offsets.extend(range(start, match.end()))
            continue
        for index, char in enumerate(clause, start):
            piece = normalize(char)
            chars.append(piece)
            offsets.extend([index] * len(piece))
    return "".join(chars), offsets


_CLAUSES = re.compile(r"[^。！？；，、\n]+[。！？；，、\n]*|[。！？；，、\n]+")


def han_chars(text: str) -> Iterator[tuple[str, int]]:
    """Han characters one by one, with positions; other words whole.  A phrase of characters
    finds a word inside a longer word (采茶 in 采茶戏) that word tokens miss."""
    position = 0
    for match in _RUNS.finditer(text):
        run = match.group()
        if match.lastgroup == "han":
            for index, char in enumerate(run):
                yield char, position + index
            position += len(run)
        else:
            yield run, position
            position += 1


def pinyin_keys(text: str) -> list[str]:
    """Toneless pinyin of a name, whole and per word, full and initials: 火把节 -> huobajie, hbj."""
    keys: list[str] = []
    normalized = normalize(text)
    parts = [normalized] + [word for word, _ in _tokens(normalized, subwords=True) if len(word) > 1]
    for part in parts:
        keys += whole_pinyin(part)
    return list(dict.fromkeys(k for k in keys if k))


_NAME_SEPARATORS = re.compile(r"[\s,，·・•.．]+")


def name_key(text: str) -> str:
    """A person's name as it is compared: normalized, without spaces, commas or middle dots
    (阿依古丽·买买提 = 阿依古丽买买提, 王 安江 = 王安江)."""
    return _NAME_SEPARATORS.sub("", normalize(text))


@lru_cache(maxsize=65536)
def whole_pinyin(text: str) -> tuple[str, ...]:
    """Toneless pinyin of a whole normalized name, full and initials (王安江 -> wanganjiang, waj); none without Han.

    Remembered: the words of names recur from record to record (苗族, 技艺), and pypinyin was a tenth
    of a rebuild."""
    if not HAN_RUN.search(text):
        return ()
    syllables = [s for s in lazy_pinyin(text, errors="ignore") if s.isalpha()]
    initials = [s for s in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore") if s.isalpha()]
    return ("".join(syllables), "".join(initials))


@lru_cache(maxsize=65536)
def pinyin_of(text: str) -> str:
    """Toneless full pinyin of a text with no separators: 腊染 -> laran (for homophones and sorting).

    Remembered, as whole_pinyin: the same names recur across a census's places (a title's sort key)."""
    return "".join(lazy_pinyin(normalize(text), errors="default"))


def readings(char: str) -> list[str]:
    """Every toneless reading of a character: 乐 -> le, yue, ..."""
    return list(dict.fromkeys(pinyin(char, style=Style.NORMAL, heteronym=True)[0]))


def pinyin_initials(text: str) -> str:
    """The first letters of a text's pinyin syllables: 扭秧歌 -> nyg."""
    return "".join(lazy_pinyin(normalize(text), style=Style.FIRST_LETTER, errors="default"))


# What a user types in pinyin: syllables (niuyangge), or for a short word its initials alone, which
# are consonants (nyg); a Latin word with vowels is never read as initials (abc is not 阿布才).
PINYIN_TYPED = re.compile(r"[a-z]{2,}")
INITIALS_TYPED = re.compile(r"[bcdfghjklmnpqrstwxyz]{2,4}")


class _Tokenizer(Tokenizer):
    """Base of the analyzers: one reused Token, filled by ``_pairs``."""

    def pairs(self, value: str, mode: str) -> Iterable[tuple[str, int]]:
        """(token, position) pairs of a raw value, without Token objects (the indexing fast path)."""
        return self._pairs(normalize(value), mode)

    def columns(self, value: str, mode: str) -> tuple[list[str], list[int]]:
        """The tokens of a raw value and their positions, as two lists (what tantivy is given)."""
        pairs = list(self.pairs(value, mode))
        return [t for t, _ in pairs], [p for _, p in pairs]

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, position in self._pairs(normalize(value), mode):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = token.endchar = start_char
            yield token

    def _pairs(self, text: str, mode: str) -> Iterable[tuple[str, int]]:
        raise NotImplementedError


class HeritageAnalyzer(_Tokenizer):
    """Words by script; at index time long words also yield their dictionary sub-words."""

    def _pairs(self, text, mode):
        return _tokens(text, subwords=mode != "query")

    def columns(self, value, mode):
        return _token_columns(normalize(value), subwords=mode != "query")


class CharAnalyzer(_Tokenizer):
    """Han characters with positions, for recall of words inside words (茶 in 采茶戏)."""

    def _pairs(self, text, mode):
        return han_chars(text)


class PinyinAnalyzer(_Tokenizer):
    """Pinyin keys of names (full and initials); non-Han words as they are."""

    def _pairs(self, text, mode):
        if mode == "query":
            return [(text.replace(" ", ""), 0)] if text.strip() else []
        keys = []
        for line in text.split("\n"):
            keys += pinyin_keys(line)
        return [(key, index) for index, key in enumerate(keys)]


class FastPositions(Positions):
    """Whoosh's Positions format, fed straight from an analyzer's (token, position) pairs.

    Writes exactly what Positions writes (readers decode it the same way), minus the cost of
    one Token object per token, which was a fifth of indexing time."""

    def word_values(self, value, analyzer, **kwargs):
        positions: dict[str, list[int]] = defaultdict(list)
        for text, position in analyzer.pairs(value, kwargs.get("mode", "index")):
            positions[text].append(position)
        for word, poslist in positions.items():
            encoded = _single_position(poslist[0]) if len(poslist) == 1 else self.encode(poslist)
            yield word, len(poslist), len(poslist) * self.field_boost, encoded


@lru_cache(maxsize=65536)
def _single_position(position: int) -> bytes:
    """Positions' encoding of a one-position list (most postings), computed once per position."""
    return Positions().encode([position])
