"""The two search engines side by side, with the standard recipe measured in the same run: rebuild
seconds, index MB, peak memory and query p50/p95 (full answers: totals, facets, highlights) over the
labelled queries and over the generated ones (bench/generated.py, 1,395 queries in 14 classes), on the
national list and on a 20,000-record store derived from it (bench/index_speed.py's derivation).

Run: .venv/bin/python bench/engines.py [--sizes 3610,20000] [--ways whoosh,tantivy,standard]
     .venv/bin/python bench/engines.py --home PATH [--ways tantivy]
With --home the ways are measured on that data folder (e.g. 10^6 records built by
``bench/store_scale.py --build``) instead of built stores: its index is rebuilt in place with each way
in turn (its site.cfg's SEARCH_ENGINE changed to it), so the last way's index is the one left.
Every measurement runs in a process of its own; peak memory includes its helper processes.  The
"same totals" column counts the labelled queries whose total matches Whoosh's on the same store.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated import generate  # noqa: E402
from index_speed import (  # noqa: E402
    SHARED_DATA,
    _latencies,
    _peak_mb,
    _size_mb,
    arguments,
    measured,
    measured_one,
    sizes_to_measure,
)
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
    """Index the store at home one way and time the labelled and the generated queries; returns the numbers."""
    db = open_store(home)
    records = store.count(db, store.RECORD)
    generated = [query for _, query, _ in generate(SHARED_DATA)]
    started = time.perf_counter()
    totals: list[int] = []
    if way == "standard":
        peer = StandardRecipe(home / "standard")
        peer.add(store.iterate(db, store.RECORD))
        seconds = time.perf_counter() - started
        size = _size_mb(home / "standard")
        ask = peer.search
    else:
        from indexer import index
        from indexer.search import search

        _choose_engine(home, way)
        index.rebuild(home, db, procs=2)
        seconds = time.perf_counter() - started
        size = _size_mb(index.current_generation(home))

        def ask(query: str) -> object:
            return search(home, db, query, limit=10)

        totals = [search(home, db, query, limit=10)["total"] for _, query, _ in QUERIES]
    labelled, broad = _latencies(ask), _latencies(ask, generated, rounds=1)
    return {
        "records": records,
        "seconds": seconds,
        "size": size,
        "peak": _peak_mb(),
        "p50": labelled[0],
        "p95": labelled[1],
        "generated_p50": broad[0],
        "generated_p95": broad[1],
        "totals": totals,
    }


def _choose_engine(home: Path, way: str) -> None:
    """Set the data folder's SEARCH_ENGINE to the way, keeping its other settings."""
    config = home / "site.cfg"
    kept = [
        line
        for line in (config.read_text("utf-8").splitlines() if config.exists() else [])
        if not line.startswith("SEARCH_ENGINE")
    ]
    config.write_text("\n".join([*kept, f"SEARCH_ENGINE = {way!r}"]) + "\n", "utf-8")


def main() -> None:
    parser = arguments(__doc__ or "", "3610,20000")  # no more than 20,000 by default on a shared machine
    ways = [way for way, _ in WAYS]
    parser.add_argument("--ways", default=",".join(ways), help=f"which of {','.join(ways)}, comma-separated")
    parser.add_argument("--home", type=Path, metavar="PATH", help="measure on this data folder instead of --sizes")
    sizes, args = sizes_to_measure(parser, run_one)
    chosen = [way for way in WAYS if way[0] in args.ways.split(",")]
    if unknown := set(args.ways.split(",")) - set(ways):
        parser.error(f"unknown way: {', '.join(sorted(unknown))}")
    if not sizes:
        return
    print(
        "| 记录数 | 方式 | 建索引秒 | 条/秒 | 索引 MB | 峰值内存 MB | 标注 p50 ms | 标注 p95 ms "
        "| 生成 p50 ms | 生成 p95 ms | 总数与 Whoosh 相同 |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    runs = (
        [((name, measured_one(__file__, way, args.home)) for way, name in chosen)]
        if args.home
        else [measured(__file__, chosen, size) for size in sizes]
    )
    for rows in runs:
        whoosh_totals: list[int] = []
        for name, r in rows:
            whoosh_totals = r["totals"] if name == WAYS[0][1] else whoosh_totals
            same = (
                r["totals"] and whoosh_totals and sum(a == b for a, b in zip(r["totals"], whoosh_totals, strict=True))
            )
            print(
                f"| {r['records']:,} | {name} | {r['seconds']:.1f} | {r['records'] / r['seconds']:,.0f} "
                f"| {r['size']:.0f} | {r['peak']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} "
                f"| {r['generated_p50']:.1f} | {r['generated_p95']:.1f} "
                f"| {f'{same}/{len(QUERIES)}' if r['totals'] and whoosh_totals else '—'} |",
                flush=True,
            )
        if args.home:
            shutil.rmtree(args.home / "standard", ignore_errors=True)


if __name__ == "__main__":
    main()
