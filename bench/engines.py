"""The two search engines side by side, with the standard recipe measured in the same run: rebuild
seconds, index MB, peak memory and query p50/p95 (full answers: totals, facets, highlights) on the
national list and on a 20,000-record store derived from it (bench/index_speed.py's derivation).

Run: .venv/bin/python bench/engines.py [--sizes 3610,20000] [--ways whoosh,tantivy,standard]
Every measurement runs in a process of its own; peak memory includes its helper processes.  The
"same totals" column counts the labelled queries whose total matches Whoosh's on the same store.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from index_speed import _latencies, _peak_mb, _size_mb, measured, sizes_to_measure  # noqa: E402
from labelled import QUERIES  # noqa: E402
from peers import StandardRecipe  # noqa: E402

from heritage import store  # noqa: E402
from heritage.store import open_store  # noqa: E402

WAYS = (
    ("whoosh", "智慧民族之家 · Whoosh（2 进程）"),
    ("tantivy", "智慧民族之家 · tantivy"),
    ("standard", StandardRecipe.name),
)


def run_one(way: str, home: Path) -> dict:
    """Index the store at home one way and time the labelled queries; returns the numbers."""
    db = open_store(home)
    records = store.count(db, store.RECORD)
    started = time.perf_counter()
    totals: list[int] = []
    if way == "standard":
        peer = StandardRecipe(home / "standard")
        peer.add(store.iterate(db, store.RECORD))
        seconds = time.perf_counter() - started
        size = _size_mb(home / "standard")
        p50, p95 = _latencies(peer.search)
    else:
        from indexer import index
        from indexer.search import search

        (home / "site.cfg").write_text(f"SEARCH_ENGINE = {way!r}\n", "utf-8")
        index.rebuild(home, db, procs=2)
        seconds = time.perf_counter() - started
        size = _size_mb(index.current_generation(home))
        p50, p95 = _latencies(lambda q: search(home, db, q, limit=10))
        totals = [search(home, db, query, limit=10)["total"] for _, query, _ in QUERIES]
    return {
        "records": records,
        "seconds": seconds,
        "size": size,
        "peak": _peak_mb(),
        "p50": p50,
        "p95": p95,
        "totals": totals,
    }


def main() -> None:
    # no more than 20,000 by default on a shared machine
    sizes, chosen = sizes_to_measure(__doc__ or "", "3610,20000", run_one, [way for way, _ in WAYS])
    if not sizes:
        return
    print(
        "| 记录数 | 方式 | 建索引秒 | 条/秒 | 索引 MB | 峰值内存 MB | 查询 p50 ms | 查询 p95 ms | 总数与 Whoosh 相同 |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        whoosh_totals: list[int] = []
        for name, r in measured(__file__, [w for w in WAYS if w[0] in chosen], size):
            whoosh_totals = r["totals"] if name == WAYS[0][1] else whoosh_totals
            same = (
                r["totals"] and whoosh_totals and sum(a == b for a, b in zip(r["totals"], whoosh_totals, strict=True))
            )
            print(
                f"| {r['records']:,} | {name} | {r['seconds']:.1f} | {r['records'] / r['seconds']:,.0f} "
                f"| {r['size']:.0f} | {r['peak']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} "
                f"| {f'{same}/{len(QUERIES)}' if r['totals'] and whoosh_totals else '—'} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
