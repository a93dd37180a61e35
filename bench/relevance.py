"""Relevance: nDCG@10 per query class on the national list, this engine beside its peers.

Two sets: the 64 hand-written queries (bench/labelled.py) and a generated set of about 1,100
queries in twelve classes (bench/generated.py), both graded from the records' metadata.

Run: .venv/bin/python bench/relevance.py [--details] [--only generated|labelled]
Both search engines (Whoosh and tantivy, each on its own copy of the store) are measured in the same run.
Loads the national list and its inheritors; needs ../shared/data (skips with a message when it is absent).
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated import generate  # noqa: E402
from labelled import QUERIES  # noqa: E402
from national import SHARED_DATA, absent, national_store  # noqa: E402
from peers import StandardRecipe, Trigram  # noqa: E402

from heritage import store  # noqa: E402
from heritage.store import open_store  # noqa: E402
from indexer import index  # noqa: E402
from indexer.search import search  # noqa: E402


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain of a ranking at k."""
    gain = sum((2 ** grades.get(doc, 0) - 1) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(ideal))
    return gain / best if best else 0.0


class Engine:
    """This system on a data folder that chose one search engine (its store copied from the national store)."""

    def __init__(self, home: Path, kind: str):
        (home / "site.cfg").write_text(f"SEARCH_ENGINE = {kind!r}\n", "utf-8")
        self.home, self.db, self.name = home, open_store(home), f"智慧民族之家 · {kind}"
        started = time.perf_counter()
        index.rebuild(home, self.db)
        print(f"建索引：{self.name} {time.perf_counter() - started:.1f} 秒", file=sys.stderr)

    def search(self, query: str, limit: int = 10) -> list[str]:
        return [hit["id"] for hit in search(self.home, self.db, query, limit=limit, with_facets=False)["results"]]


def report(title: str, engines: list, queries: list[tuple[str, str, dict[str, int]]], details: bool) -> None:
    """One table: mean nDCG@10 per class and overall, one column per engine."""
    scores = {e.name: [ndcg(e.search(query), grades) for _, query, grades in queries] for e in engines}
    names = [e.name for e in engines]
    print(f"\n{title}\n\n| 查询类（条数） | {' | '.join(names)} |")
    print("|---|" + "---:|" * len(names))
    classes = list(dict.fromkeys(c for c, _, _ in queries))
    for group in classes + ["全部"]:
        picked = [i for i, (c, _, _) in enumerate(queries) if c == group or group == "全部"]
        cells = [sum(scores[n][i] for i in picked) / len(picked) for n in names]
        print(f"| {group}（{len(picked)}） | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    if details:
        for i, (group, query, _) in enumerate(queries):
            print(group, query, " ".join(f"{scores[n][i]:.2f}" for n in names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--details", action="store_true", help="print every query's score")
    parser.add_argument("--only", choices=("labelled", "generated"), help="run one set only")
    args = parser.parse_args()
    if why := absent():
        print(why)
        return
    with national_store() as (home, db):
        records = list(store.iterate(db, store.RECORD))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copytree(home, home.parent / "tantivy")
        ours = [Engine(home, "whoosh"), Engine(home.parent / "tantivy", "tantivy")]
        engines = [*ours, StandardRecipe(home.parent / "standard"), Trigram(home.parent / "fts.db")]
        for peer in engines[2:]:
            started = time.perf_counter()
            peer.add(records)
            print(f"建索引：{peer.name} {time.perf_counter() - started:.1f} 秒", file=sys.stderr)
        if args.only != "generated":
            labelled = [
                (group, query, {r["id"]: g for r in records if (g := rule(r))}) for group, query, rule in QUERIES
            ]
            report("手写查询（bench/labelled.py）", engines, labelled, args.details)
        if args.only != "labelled":
            store_id = {r["ref"]: r["id"] for r in records}
            made = [
                (group, query, {store_id[f"ihchina:{source_id}"]: g for source_id, g in grades.items()})
                for group, query, grades in generate(SHARED_DATA)
            ]
            report("生成查询（bench/generated.py）", engines, made, args.details)


if __name__ == "__main__":
    main()
