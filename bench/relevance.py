"""Relevance: nDCG@10 per query group on the national list, this engine beside its peers.

Run: .venv/bin/python bench/relevance.py [--details]
Needs ../shared/data/ich-national-list (skips with a message when it is absent).
"""
from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labelled import GROUPS, QUERIES  # noqa: E402
from peers import StandardRecipe, Trigram  # noqa: E402

from heritage import store  # noqa: E402
from heritage.importer import import_file  # noqa: E402
from heritage.store import open_store  # noqa: E402
from indexer import index  # noqa: E402
from indexer.search import search  # noqa: E402

NATIONAL_LIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "ich-national-list" / "records.jsonl"


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain of a ranking at k."""
    gain = sum((2 ** grades.get(doc, 0) - 1) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2 ** g - 1) / math.log2(rank + 2) for rank, g in enumerate(ideal))
    return gain / best if best else 0.0


class Engine:
    name = "智慧民族之家"

    def __init__(self, home: Path, db):
        self.home, self.db = home, db

    def search(self, query: str, limit: int = 10) -> list[str]:
        return [hit["id"] for hit in search(self.home, self.db, query, limit=limit, with_facets=False)["results"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--details", action="store_true", help="print every query's score")
    args = parser.parse_args()
    if not NATIONAL_LIST.exists():
        print(f"跳过：{NATIONAL_LIST} 不存在")
        return
    with tempfile.TemporaryDirectory() as work:
        home = Path(work) / "instance"
        db = open_store(home)
        assert import_file(db, NATIONAL_LIST, "ich-list").committed
        records = list(store.iterate(db, store.RECORD))
        started = time.perf_counter()
        index.rebuild(home, db)
        print(f"建索引：本系统 {time.perf_counter() - started:.1f} 秒", file=sys.stderr)
        engines = [Engine(home, db), StandardRecipe(Path(work) / "standard"), Trigram(Path(work) / "fts.db")]
        for peer in engines[1:]:
            started = time.perf_counter()
            peer.add(records)
            print(f"建索引：{peer.name} {time.perf_counter() - started:.1f} 秒", file=sys.stderr)
        grades_of = {q: {r["id"]: g for r in records if (g := rule(r))} for _, q, rule in QUERIES}
        scores = {e.name: {} for e in engines}
        for engine in engines:
            for group, query, _ in QUERIES:
                scores[engine.name][query] = ndcg(engine.search(query), grades_of[query])
        names = [e.name for e in engines]
        print(f"| 查询组（条数） | {' | '.join(names)} |")
        print("|---|" + "---:|" * len(names))
        for group in GROUPS + ["全部"]:
            queries = [q for g, q, _ in QUERIES if g == group or group == "全部"]
            cells = [sum(scores[n][q] for q in queries) / len(queries) for n in names]
            print(f"| {group}（{len(queries)}） | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
        if args.details:
            for group, query, _ in QUERIES:
                print(group, query, " ".join(f"{scores[n][query]:.2f}" for n in names))


if __name__ == "__main__":
    main()
