"""Did you mean: a query's unknown words replaced by known words that sound the same."""

from __future__ import annotations

import re

from indexer import analysis
from indexer.engine import Engine


def suggest(eng: Engine, query: str) -> str | None:
    """The query with unknown words replaced by known words that sound the same (腊染 -> 蜡染)."""
    corrected = query
    for word in re.findall(rf"[{analysis.HAN}]{{2,8}}", analysis.normalize(query)):
        if eng.knows(word) and all(eng.knows(t) for t in analysis.words(word) if len(t) > 1):
            continue
        candidates = eng.homophones(word)
        if candidates:
            corrected = analysis.normalize(corrected).replace(word, candidates[0])
    return corrected if corrected != query and analysis.normalize(corrected) != analysis.normalize(query) else None
