"""Related records: the records most like one record, as its reader may see them."""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import sqlite_utils

from heritage import store
from heritage.visibility import PUBLIC, view
from indexer import analysis
from indexer.docsets import DocSet
from indexer.engine import engine
from indexer.hits import hit
from indexer.index import IndexUnavailable
from indexer.rules import STOPWORDS


def more_like_this(
    home: Path, db: sqlite_utils.Database, record_id: str, audience: str = PUBLIC, limit: int = 5
) -> list[dict[str, Any]]:
    """Records most like one record: its most telling words, its groups and category — only what the
    audience may see of it (heritage.visibility.view), among records no hidden text could have placed."""
    record = view(store.get(db, store.RECORD, record_id), store.RECORD.fields, audience)
    if record is None:
        return []
    eng = engine(home)
    with eng.lock:
        try:
            eng.refresh()
        except IndexUnavailable:
            return []
        counts = Counter(
            t
            for t in analysis.words(f"{record.get('title') or ''}\n" * 3 + (record.get("content") or ""))
            if len(t) > 1 and t not in STOPWORDS
        )
        docs = max(eng.doc_count(), 1)
        weights = {t: n * math.log(docs / (1 + eng.frequency("body", t))) for t, n in counts.items()}
        top = [t for t, w in sorted(weights.items(), key=lambda kv: -kv[1])[:15] if w > 0]
        own = DocSet(list(eng.docs("id", record_id))[:1])
        allowed = eng.visible(audience) - own - eng.suspects(db, audience).docnums
        scores: defaultdict[int, float] = defaultdict(float)
        for term in top:  # summed over cached posting sets: no Whoosh matcher walks the postings
            for docnum in eng.docs("body", term) & allowed:
                scores[docnum] += weights[term]
        # sharing the record's groups and category raises a record that shares its words
        kin = [(eng.docs("ethnic", g), 0.25) for g in record.get("ethnic_groups", [])]
        kin.append((eng.docs("category", record.get("category") or ""), 0.1))
        for docnum, score in heapq.nlargest(limit * 10, scores.items(), key=lambda pair: pair[1]):
            scores[docnum] = score * (1 + sum(bonus for docs, bonus in kin if docnum in docs))
        best = heapq.nlargest(limit, scores.items(), key=lambda pair: (pair[1], -pair[0]))
        found = [(eng.stored(docnum)["id"], score) for docnum, score in best]
        return [r for r in (hit(db, record, score, set(), audience) for record, score in found) if r]
