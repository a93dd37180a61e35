"""Ranking before the score, and relaxing a strict search.

A record matching more of a query's content words comes first, a rare word counting more than a
common one (inverse document frequency); then one recorded as of the places, groups and kinds of
heritage the query names rather than only mentioning them (weights: indexer.rules.METADATA_WEIGHTS);
then Whoosh's score.  A plain search that requires every content word and finds fewer than
rules.RELAX_BELOW records is relaxed: any content word may match, ranked the same way, so the
strict matches still come first and a question never finds nothing when its words find records."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from whoosh import query as Q

from indexer.compiler import Compiler, Unit
from indexer.docsets import EMPTY, DocSet, union
from indexer.engines import Engine
from indexer.query import And, Words
from indexer.rules import METADATA_WEIGHTS


@dataclass(frozen=True)
class Order:
    """The matched documents in tiers, best first, and which documents each content word matched."""

    tiers: list[DocSet]
    by_word: dict[str, DocSet]

    def words_of(self, docnum: int) -> list[str]:
        return [word for word, docs in self.by_word.items() if docnum in docs]


Key = tuple[bool, float, int]  # a tier's (held every word, weight of the words matched, weight recorded)


def order(
    matching: Callable[[Q.Query], DocSet],
    units: list[Unit],
    matched: DocSet,
    strict: DocSet | None = None,
) -> Order:
    """The documents in tiers, best first: the ``strict`` matches of a relaxed search, then by the
    content words they match, each weighing as much as it is rare among the matched (its inverse
    document frequency: 木偶戏 outweighs 山西, 热巴舞 outweighs 准备), then by the weight of what they
    are recorded as.  ``matching`` gives the documents a query matches as the reader may see them."""
    by_word = {unit.word: matching(unit.query) & matched for unit in units}
    if strict is None and len(units) < 2 and not any(unit.recorded for unit in units):
        return Order([matched], by_word)
    rarity = {word: math.log((len(matched) + 1) / (len(docs) + 0.5)) for word, docs in by_word.items()}
    # (held every word, weight of the words matched, weight of what they are recorded as) -> documents,
    # split by set operations, one distinguishing set at a time (no loop over the documents)
    parts: dict[Key, DocSet] = {(True, 0.0, 0): matched}
    if strict is not None:
        parts = _split(parts, strict, strict=True)
    for word, docs in by_word.items():
        parts = _split(parts, docs, words=rarity[word])
    for unit in units:
        for name, query in unit.recorded.items():
            parts = _split(parts, matching(query) & matched, recorded=METADATA_WEIGHTS[name])
    return Order([parts[key] for key in sorted(parts, reverse=True)], by_word)


def _split(
    parts: dict[Key, DocSet], docs: DocSet, words: float = 0.0, recorded: int = 0, strict: bool = False
) -> dict[Key, DocSet]:
    """Each part split into its documents in ``docs``, which gain the weights, and the others (no longer
    holding every word when ``docs`` are the strict matches)."""
    split: dict[Key, DocSet] = {}
    for (held, weight, points), part in parts.items():
        inside = ((held, round(weight + words, 6), points + recorded), part & docs)
        for key, these in (inside, ((held and not strict, weight, points), part - docs)):
            if these:
                split[key] = split.get(key, EMPTY) | these
    return split


# Tiers of a page holding at most this many documents together are scored in one pass of Whoosh
# (each pass scores every document the query matches), then put in tier order.
ONE_PASS = 500


def page(
    eng: Engine, query: Q.Query, tiers: Iterable[DocSet], sort: str, number: int, limit: int
) -> list[tuple[str, float]]:
    """(record id, score) of one page: the tiers in turn, each by Whoosh's score or the sort key."""
    start, end, seen = (number - 1) * limit, number * limit, 0
    needed: list[tuple[int, DocSet]] = []  # (documents before the tier, the tier)
    for tier in tiers:
        if seen + len(tier) > start:
            needed.append((seen, tier))
        seen += len(tier)
        if seen >= end:
            break
    if not needed:
        return []
    together = union(tier for _, tier in needed)
    found: list[tuple[int, float]] = []
    if len(needed) > 1 and len(together) <= ONE_PASS:
        level = {docnum: at for at, (_, tier) in enumerate(needed) for docnum in tier}
        scored = eng.ranked(query, together, sort, 1, len(together))
        scored.sort(key=lambda hit: level[hit[0]])
        found = scored[start - needed[0][0] : end - needed[0][0]]
    else:
        for before, tier in needed:
            skip = max(0, start - before)
            wanted = limit - len(found)
            found += eng.ranked(query, tier, sort, 1, skip + wanted)[skip : skip + wanted]
    return [(eng.stored(docnum)["id"], score) for docnum, score in found]


@dataclass(frozen=True)
class Relaxed:
    """A relaxed search: its query (any content word, other conditions still required) and its words."""

    query: Q.Query
    units: list[Unit]


def relaxed(compiler: Compiler, tree: object) -> Relaxed | None:
    """The relaxed form of a plain search's tree, or None when it has fewer than two content words
    (a lone long word is relaxed into its dictionary sub-words: 秦淮灯彩 -> 秦淮, 灯彩)."""
    if not isinstance(tree, And):
        return None
    units = compiler.units if len(compiler.units) >= 2 else compiler.subword_units()
    if len(units) < 2:
        return None
    required = [compiler.compile(node) for node in tree.nodes if not isinstance(node, Words)]
    return Relaxed(
        Q.And([*required, Q.Or([unit.query for unit in units])]) if required else Q.Or([u.query for u in units]), units
    )


def note(words: list[str], strict_total: int, dropped: list[str]) -> str:
    """What a relaxed search did, in a sentence for the reader."""
    quoted = "".join(f"“{word}”" for word in words)
    said = (
        f"同时包含{quoted}的记录只有 {strict_total} 条，排在最前；其后的记录只包含其中部分词语"
        if strict_total
        else f"没有同时包含{quoted}的记录，以下是包含其中部分词语的记录，包含的词多的在前"
    )
    lacking = "".join(f"“{word}”" for word in dropped)
    return said + (f"（第一条未包含{lacking}）。" if dropped and not strict_total else "。")
