"""Did you mean: a query's unknown words replaced by known words that sound the same, or else by known
words one look-alike character away (形近字, from pycorrector's confusion set)."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from heritage import corpus
from indexer import analysis
from indexer.engines import Engine

NAME_FIELDS = ("title", "aliases")


def suggest(eng: Engine, query: str) -> str | None:
    """The query with unknown words replaced by known words that sound the same (腊染 -> 蜡染) or that
    differ by one character that looks alike (苗族古歇 -> 苗族古歌)."""
    corrected = query
    for word in re.findall(rf"[{analysis.HAN}]{{2,8}}", analysis.normalize(query)):
        if eng.knows(word) and all(eng.knows(t) for t in analysis.words(word) if len(t) > 1):
            continue
        candidates = eng.homophones(word) or near_shapes(eng, word)
        if candidates:
            corrected = analysis.normalize(corrected).replace(word, candidates[0])
    return corrected if corrected != query and analysis.normalize(corrected) != analysis.normalize(query) else None


def near_shapes(eng: Engine, word: str) -> list[str]:
    """Names of records (titles, aliases) that differ from the word by one look-alike character, the
    most frequent first."""
    alike = _alike()
    variants = {word[:at] + other + word[at + 1 :] for at, char in enumerate(word) for other in alike.get(char, ())}
    named = {v: sum(eng.frequency(f, v) for f in NAME_FIELDS) for v in variants}
    return sorted((v for v, n in named.items() if n), key=lambda v: (-named[v], v))


@lru_cache(maxsize=1)
def _alike() -> dict[str, frozenset[str]]:
    """Each character of the confusion set -> the characters that look like it."""
    table: dict[str, set[str]] = defaultdict(set)
    for group in corpus.near_shape_groups():
        for char in group:
            table[char] |= set(group) - {char}
    return {char: frozenset(others) for char, others in table.items()}
