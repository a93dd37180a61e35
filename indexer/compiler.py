"""The query compiler: a parsed query tree (indexer.query) -> a Whoosh query, with the same analysis
as indexing, the dictionary's synonyms, places, ethnic groups, categories and our ranking rules
(indexer.rules).  With indexer.engine, this is the Whoosh side of the search boundary; the values
of field queries and filters are checked here and in indexer.filters, in Chinese."""

from __future__ import annotations

import dataclasses
import itertools
import re
from typing import Any

from whoosh import query as Q

from heritage import store, vocab
from heritage.fields import parse_value
from heritage.regions import divisions
from heritage.visibility import PUBLIC
from indexer import analysis
from indexer.documents import person_term
from indexer.engines import Engine
from indexer.filters import BY_NAME
from indexer.query import And, FieldQuery, Not, Or, Phrase, QuerySyntaxError, Words
from indexer.rules import CONCEPTS, METADATA_BOOST, METADATA_WEIGHTS, PERSON_BOOST, RELATED_ITEM_BOOST, TEXT_BOOSTS

_BATCH_FIELD = next(f for f in store.RECORD.fields if f.name == "batch")
# Field queries checked by their filter's resolver, and what a value it does not know is told.
_UNKNOWN = {
    "category": lambda value: f"未知的类别“{value}”：应为十大门类之一，如 传统技艺",
    "ethnic": lambda value: f"未知的民族“{value}”",
    "level": lambda value: f"级别应为 {'、'.join(vocab.LEVELS)} 之一",
    "listing": lambda value: "类型应为 新增 或 扩展",
}


class _Or(Q.Or):
    """Whoosh's Or, always as a tree of union matchers: its automatic choice preloads an array as
    long as the whole index for every Or on indexes under 5,000 documents, which made queries on
    the national list slower than on 100,000 records (measured there: p50 20 ms -> 11 ms)."""

    matcher_type = Q.Or.DEFAULT_MATCHER


@dataclasses.dataclass(frozen=True)
class Unit:
    """One content word of a query (a word jieba cut, with the characters it carries): what matches
    it anywhere (``query``) and, for a place, a group or a kind word, what is recorded as of it
    (``recorded``: the record's field -> the query on that field)."""

    word: str
    query: Q.Query
    recorded: dict[str, Q.Query] = dataclasses.field(default_factory=dict)


class Compiler:
    """AST -> Whoosh query, with the engine's dictionary, synonyms, regions and vocabularies; the
    inheritors' names it matches are those ``audience`` may see (heritage.people); the
    content words of plain words are kept as ``units`` for ranking and relaxing (indexer.ranking)."""

    def __init__(self, engine: Engine, audience: str = PUBLIC, item_numbers: dict[str, tuple[str, ...]] | None = None):
        self.engine = engine
        self.audience = audience
        self.item_numbers = item_numbers or {}  # a named person's word -> the item numbers they carry on
        self.marks: set[str] = set()
        self.units: list[Unit] = []
        self.spelled: dict[str, list[str]] = {}  # a word typed in pinyin -> the Hanzi words searched for it

    def top(self, node: Any) -> Q.Query:
        """The query for a whole parsed tree (no words: every record, within the filters)."""
        if isinstance(node, And) and not node.nodes:
            return Q.Every()
        return _standalone(self.compile(node))

    @staticmethod
    def within(query: Q.Query, filters: dict[str, str]) -> Q.Query:
        """The query restricted to resolved filters (indexer.filters.resolve), as one query."""
        terms = [Q.Term(name, value) for name, value in filters.items()]
        return Q.And([query, *terms]) if terms else query

    def compile(self, node: Any) -> Q.Query:
        if isinstance(node, Words):
            return self.words(node.text)
        if isinstance(node, Phrase):
            return self.text_match(analysis.words(node.text), TEXT_BOOSTS) or Q.NullQuery
        if isinstance(node, FieldQuery):
            return self.field(node)
        if isinstance(node, Not):
            return Q.Not(self.compile(node.node))
        if isinstance(node, And) and self._spaced_pinyin(node):  # niu yang ge: one word in syllables
            return self.words("".join(child.text for child in node.nodes))
        parts = [self.compile(child) for child in node.nodes]
        if isinstance(node, Or):
            return _Or([_standalone(p) for p in parts])
        if all(isinstance(p, Q.Not) for p in parts):
            parts.insert(0, Q.Every())
        return Q.And(parts)

    def words(self, text: str) -> Q.Query:
        """A user's word.  Chinese is typed without spaces, so a run may hold several words: each must
        match, as text or as a synonym, place, ethnic group, category or pinyin, and matching them
        together (a phrase, or all in one name) ranks higher.  Only the subject words count
        (analysis.question_parts): function words, and a question's generic words, are left out."""
        subject, _ = analysis.question_parts(text)
        groups = _word_groups(self.synonym_words(subject or analysis.words(text)))
        if not groups:
            return Q.NullQuery
        if analysis.name_key(text) in self.item_numbers:  # a named inheritor's name is one word (测试/员甲)
            groups = [[word for group in groups for word in group]]
        alternatives = self.whole_word(analysis.normalize(text).strip())
        if len(groups) == 1:
            return self._kept("".join(groups[0]), _Or([self.unit(groups[0]), *alternatives]))
        each = Q.And([self._kept("".join(g), _Or([self.unit(g), *self.whole_word("".join(g))])) for g in groups])
        return _Or([each, self.unit([word for group in groups for word in group]), *alternatives])

    def synonym_words(self, words: list[str]) -> list[str]:
        """The words with every run of them that the synonym table names whole joined into one word,
        longest first (放/河灯 -> 放河灯, which the table gives as 河灯): a table word counts only at
        word boundaries, never as part of a word."""
        joined: list[str] = []
        at = 0
        while at < len(words):
            end = next((e for e in range(len(words), at + 1, -1) if self.engine.synonyms("".join(words[at:e]))), at + 1)
            joined.append("".join(words[at:end]))
            at = end
        return joined

    def _kept(self, word: str, query: Q.Query) -> Q.Query:
        """The query of one content word, kept as a unit with its recorded-field terms."""
        recorded: dict[str, list[Q.Query]] = {}
        for leaf in query.leaves():
            if isinstance(leaf, Q.Term) and leaf.fieldname in METADATA_WEIGHTS:
                recorded.setdefault(leaf.fieldname, []).append(Q.Term(leaf.fieldname, leaf.text))
        self.units.append(Unit(word, query, {name: _Or(terms) for name, terms in recorded.items()}))
        return query

    def subword_units(self) -> list[Unit]:
        """A lone long word's dictionary sub-words as units (秦淮灯彩 -> 秦淮, 灯彩), to relax it by."""
        if len(self.units) != 1:
            return []
        parts = analysis.subwords(self.units[0].word)
        return [Unit(part, self.unit([part])) for part in parts] if len(parts) >= 2 else []

    def unit(self, tokens: list[str]) -> Q.Query:
        text = "".join(tokens)
        options = [self.text_match(tokens, TEXT_BOOSTS)]
        cut = analysis.words(text)
        if cut != tokens:  # a word joined for the synonym table is also its words in a row
            options.append(self.text_match(cut, TEXT_BOOSTS))
        if len(text) == 1 and analysis.HAN_RUN.fullmatch(text):  # 茶 inside 采茶戏, in titles
            options.append(Q.Term("chars", text, boost=TEXT_BOOSTS["title"]))
        elif analysis.HAN_RUN.fullmatch(text):  # 侗族大歌 inside a title the dictionary keeps whole
            options.append(Q.Phrase("chars", list(text), boost=TEXT_BOOSTS["title"]))
        for synonym in self.engine.synonyms(text):
            options.append(self.text_match(analysis.words(synonym), TEXT_BOOSTS))
        if text in CONCEPTS:
            options += [Q.Term("category", name, boost=1.5) for name in CONCEPTS[text]]
        options += self.whole_word(text) if len(tokens) > 1 else []
        return _Or([o for o in options if o is not None])

    def text_match(self, tokens: list[str], boosts: dict[str, float]) -> Q.Query | None:
        """Tokens as a term (one) or an exact phrase (several) in each text field."""
        if not tokens:
            return None
        self.marks.update(tokens)
        if len(tokens) == 1:
            return _Or([Q.Term(f, tokens[0], boost=b) for f, b in boosts.items()])
        # A phrase in long text; in a name, all the words are enough (a name that the dictionary
        # keeps whole, 苗族蜡染技艺, carries its sub-words at one position, so no phrase fits).
        return _Or(
            [
                Q.Phrase(f, tokens, boost=b * 1.5)
                if f == "body"
                else Q.And([Q.Term(f, t) for t in tokens], boost=b * 1.5)
                for f, b in boosts.items()
            ]
        )

    def whole_word(self, text: str) -> list[Q.Query]:
        """The word as something other than text: pinyin, a place, an ethnic group, a category."""
        found: list[Q.Query] = []
        if analysis.PINYIN_TYPED.fullmatch(text):
            found += [Q.Term("pinyin", text, boost=8.0), *self.pinyin_words(text)]
        elif re.search("[a-z]", text) and analysis.HAN_RUN.search(text):  # 苗族gu歌: a syllable the IME left
            found += [Q.Term("pinyin", analysis.pinyin_of(text), boost=8.0), *self.mixed_words(text)]
        if len(text) >= 2 and not text.isdigit():  # the largest unit of that name, with all under it
            found += [Q.Term("region", r.code, boost=METADATA_BOOST) for r in divisions().search_places(text)]
        group = vocab.ethnic_group(text) if len(text) >= 2 else None
        if group:
            found.append(Q.Term("ethnic", group.name, boost=METADATA_BOOST))
        category = vocab.category_by_name(text) if not text.isdigit() and not re.fullmatch(r"[ivx]+", text) else None
        if category:
            found.append(Q.Term("category", category.name, boost=METADATA_BOOST))
        return found + self.person(text)

    def pinyin_words(self, typed: str) -> list[Q.Query]:
        """A word typed in pinyin as the known Hanzi words it spells (niuyangge -> 扭秧歌; initials, nyg, for a
        short word), searched as if typed (synonyms, body); of several, those the reader finds most records by."""
        spelled = self.engine.spelled(typed)
        if not spelled and analysis.INITIALS_TYPED.fullmatch(typed):
            spelled = self.engine.spelled(typed, initials=True)
        chosen = self._most_found(spelled)
        if chosen:
            self._tell(typed, chosen)
        return [self.unit(analysis.words(word)) for word in chosen]

    def mixed_words(self, typed: str) -> list[Q.Query]:
        """A word of Hanzi with syllables typed in pinyin (潮州yin乐) as the Hanzi it spells: each pinyin run
        with up to three characters after or before it (in any of their readings) is a known word
        (yin乐 -> 音乐, 二股xian -> 二股弦), longest first; a run that joins none may be a word itself (miaozu)."""
        pieces = re.split(r"([a-z]+)", typed)  # Hanzi, pinyin, Hanzi, ... (the ends may be empty)
        for at in range(1, len(pieces), 2):
            run = pieces[at]
            for size in (3, 2, 1):
                after, before = pieces[at + 1][:size], pieces[at - 1][-size:]
                if len(after) == size and (chosen := self._spelled_with(run, after, run_first=True)):
                    pieces[at], pieces[at + 1] = chosen, pieces[at + 1][size:]
                    break
                if len(before) == size and (chosen := self._spelled_with(run, before, run_first=False)):
                    pieces[at - 1], pieces[at] = pieces[at - 1][:-size], chosen
                    break
            else:
                chosen = next(iter(self._most_found(self.engine.spelled(run))), "")
                if not chosen:
                    return []
                pieces[at] = chosen
        spelled = "".join(pieces)
        self._tell(typed, [spelled])
        return [self.unit(analysis.words(spelled))]

    def _tell(self, typed: str, words: list[str]) -> None:
        """Note what a pinyin word was searched as, once for the longest typed text holding it (苗族gu歌, not gu歌)."""
        if not any(typed in longer for longer in self.spelled):
            self.spelled = {known: said for known, said in self.spelled.items() if known not in typed}
            self.spelled[typed] = words

    def _spelled_with(self, run: str, chars: str, run_first: bool) -> str:
        """The known word that a pinyin run spells together with the characters next to it, or ''."""
        spelled = [
            word
            for reading in itertools.product(*(analysis.readings(char) for char in chars))
            for word in self.engine.spelled(run + "".join(reading) if run_first else "".join(reading) + run)
            if (word.endswith(chars) if run_first else word.startswith(chars))
        ]
        return next(iter(self._most_found(spelled)), "")

    def _most_found(self, words: list[str]) -> list[str]:
        """Of candidate words, those matching the most records the reader may see (none if none matches)."""
        visible = self.engine.visible(self.audience)
        scratch = Compiler(self.engine, self.audience)  # candidates' queries, without their marks
        found = {word: len(self.engine.matching(scratch.unit(analysis.words(word))) & visible) for word in words}
        best = max(found.values(), default=0)
        return [word for word in dict.fromkeys(words) if best and found[word] == best]

    def _spaced_pinyin(self, node: And) -> bool:
        """True when an AND of two or more Latin words is one word typed in syllables (niu yang ge)."""
        parts = [child.text for child in node.nodes if isinstance(child, Words)]
        if len(parts) < 2 or len(parts) != len(node.nodes) or not all(p.isascii() for p in parts):
            return False
        joined = analysis.normalize("".join(parts))
        return bool(analysis.PINYIN_TYPED.fullmatch(joined) and self.engine.spelled(joined))

    def person(self, text: str) -> list[Q.Query]:
        """The word as the name (or full pinyin) of an inheritor the reader may see: their items rank first,
        then the other sub-items of the same items (indexer.persons), then records that mention the word."""
        if len(text) < 2:
            return []
        related = [
            Q.Term("item_number", n, boost=RELATED_ITEM_BOOST)
            for n in self.item_numbers.get(analysis.name_key(text), ())
        ]
        return [Q.Term("people", person_term(self.audience, text), boost=PERSON_BOOST), *related]

    def field(self, node: FieldQuery) -> Q.Query:
        name, value = node.field, node.value.strip()
        if name in ("title", "aliases", "body"):
            return self.text_match(analysis.words(value), {name: TEXT_BOOSTS[name]}) or Q.NullQuery
        if name in _UNKNOWN:  # the values a filter of the same name takes (indexer.filters)
            known = BY_NAME[name].resolve(value)
            if known is None:
                raise QuerySyntaxError(_UNKNOWN[name](value))
            return Q.Term(name, known)
        if name == "region":
            regions = divisions().find(value)
            if not regions:
                raise QuerySyntaxError(f"无法识别的地区“{value}”")
            return _Or([Q.Term("region", r.code) for r in regions])
        if name == "batch":
            try:
                return Q.Term("batch", str(parse_value(_BATCH_FIELD, value)))
            except ValueError as error:
                raise QuerySyntaxError(str(error)) from None
        if name == "year":
            match = re.fullmatch(r"(\d{4})(?:\s*[-–~至]\s*(\d{4}))?", value)
            if not match:
                raise QuerySyntaxError(f"年份应写作 2006 或 2006-2011，而不是“{value}”")
            return Q.NumericRange("year", int(match[1]), int(match[2] or match[1]))
        raise AssertionError(f"no field {name}")  # indexer.query.FIELDS names no other


def _word_groups(words: list[str]) -> list[list[str]]:
    """Words that stand on their own.  A character jieba could not join to anything is not taken as a
    word by itself unless it names a kind of heritage (舞, 戏): characters in a row stay together
    (苗绣 in 贵州苗绣), and a lone one stays with the word before it (火把结, a typo, is not 火把 and 结)."""
    runs = [
        list(run)
        for _, run in itertools.groupby(
            words, key=lambda word: bool(len(word) == 1 and analysis.HAN_RUN.fullmatch(word) and word not in CONCEPTS)
        )
    ]
    groups: list[list[str]] = []
    for run in runs:
        if len(run) == 1 and len(run[0]) == 1 and groups:
            groups[-1] += run
        elif len(run) > 1 and len(run[0]) > 1:
            groups += [[word] for word in run]
        else:
            groups.append(run)
    return groups


def _standalone(query: Q.Query) -> Q.Query:
    """A NOT on its own means everything except what it names."""
    return Q.And([Q.Every(), query]) if isinstance(query, Q.Not) else query
