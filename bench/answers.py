"""Direct answers to questions (indexer.intents): how often a question about one item gets its answer,
whether the answer is about that item, and what answering costs, beside the same search without it.

The store is the national list, its inheritors and the shipped corpus (whose festivals carry date
rules).  Questions are templates around item names that no other name contains (bench/generated.py);
an answer is right when the first record it is based on carries the name asked about.

Run: .venv/bin/python bench/answers.py [--per-intent 100]
Needs ../shared/data (skips with a message when it is absent).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated import Source, load  # noqa: E402
from national import NATIONAL_LIST, absent, national_store  # noqa: E402

from heritage import corpus, store  # noqa: E402
from indexer import index, search  # noqa: E402

TEMPLATES = {
    "date": ("{}是什么时候", "{}哪天举行", "{}在几月"),
    "place": ("{}在哪里", "{}流传在什么地方", "哪里有{}"),
    "people": ("谁会{}", "{}的传承人", "{}有哪些传承人"),
    "process": ("{}怎么做", "{}是如何制作的", "{}的工序"),
}
PROCESS_CATEGORIES = ("传统技艺", "传统美术", "传统医药")


def _names(db, source: Source) -> dict[str, list[str]]:
    """Names to ask about per intent: festivals with date rules (the corpus) for dates, crafts for
    the process, any item for places and people."""
    festivals = sorted({r["title"] for r in store.iterate(db, store.RECORD) if r.get("dates")})
    crafts = [n for n in source.distinct_names() if source.by_base[n][0]["type"] in PROCESS_CATEGORIES]
    return {"date": festivals, "place": source.distinct_names(), "people": source.distinct_names(), "process": crafts}


def _ms(times: list[float]) -> tuple[float, float]:
    cut = statistics.quantiles(times, n=100, method="inclusive")
    return statistics.median(times) * 1000, cut[94] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-intent", type=int, default=100)
    args = parser.parse_args()
    if why := absent():
        print(why)
        return
    with national_store() as (home, db):
        corpus.load(db, home)
        index.rebuild(home, db)
        source = Source(load(NATIONAL_LIST), [], [])
        rng = random.Random(2026)
        print("\n| 问句 | 条数 | 有回答 | 回答正确 | 检索+回答 p50 / p95 ms | 不回答 p50 / p95 ms |")
        print("|---|---:|---:|---:|---:|---:|")
        for intent, names in _names(db, source).items():
            chosen = rng.sample(names, min(args.per_intent, len(names)))
            answered = right = 0
            result = None
            with_answer, without = [], []
            for number, name in enumerate(chosen):
                asked = search.SearchRequest(rng.choice(TEMPLATES[intent]).format(name), audience="public")
                # the same search without the direct answer, before or after it by turns (caches warm both)
                ways = [(search.run, with_answer), (search._corrected, without)][:: 1 if number % 2 else -1]
                for way, times in ways:
                    started = time.perf_counter()
                    found = way(home, db, asked)
                    times.append(time.perf_counter() - started)
                    result = found if way is search.run else result
                if result.answer and result.answer["intent"] == intent:
                    answered += 1
                    right += name in result.answer["sources"][0]["title"]
            (p50, p95), (q50, q95) = _ms(with_answer), _ms(without)
            print(
                f"| {intent} | {len(chosen)} | {answered / len(chosen):.0%} | {right / max(answered, 1):.0%} "
                f"| {p50:.0f} / {p95:.0f} | {q50:.0f} / {q95:.0f} |"
            )


if __name__ == "__main__":
    main()
