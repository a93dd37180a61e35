"""Indexing and query speed: this engine beside the standard recipe, on the national list and a
100,000-record set derived from it (new ids, sentences shuffled so that texts differ, and the places
of another record, so that a derived record is the same name from another place rather than a copy
of its item that search would show once: indexer.collapse).

Run: .venv/bin/python bench/index_speed.py [--sizes 3610,100000]
Every measurement runs in a process of its own; peak memory includes its helper processes.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labelled import QUERIES  # noqa: E402
from peers import StandardRecipe  # noqa: E402

from heritage import store  # noqa: E402
from heritage.db import write  # noqa: E402
from heritage.importer import import_file  # noqa: E402
from heritage.store import open_store  # noqa: E402

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NATIONAL_LIST = SHARED_DATA / "ich-national-list" / "records.jsonl"
INHERITORS = SHARED_DATA / "ich-inheritors" / "records.jsonl"


def make_store(home: Path, size: int) -> None:
    """The national list with its inheritors, and past 3,610 records, derived records up to the size
    (each with the places of a record drawn at random)."""
    db = open_store(home)
    assert import_file(db, NATIONAL_LIST, "ich-list").committed
    assert import_file(db, INHERITORS, "ich-inheritors").committed
    base = list(store.iterate(db, store.RECORD))
    rng = random.Random(11)
    with write(db):
        for number in range(max(0, size - len(base))):
            record = dict(base[number % len(base)])
            sentences = [s for s in re.split(r"(?<=[。！？\n])", record["content"] or "") if s]
            rng.shuffle(sentences)
            places = rng.choice(base)["region_codes"]
            record.update(id=f"D{number:06d}", ref=None, content="".join(sentences), region_codes=places)
            store.put(db, store.RECORD, record, "bench")


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, helpers) / 1024


def _size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def _latencies(search, queries: Iterable[str] = (), rounds: int = 3) -> tuple[float, float]:
    """p50 and p95 ms of the queries (the labelled ones by default), each run once before it is timed."""
    queries = list(queries) or [query for _, query, _ in QUERIES]
    for query in queries:  # warm
        search(query)
    times = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            search(query)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def run_one(engine: str, home: Path) -> dict:
    """Index the store at home with one engine and time queries; returns the numbers."""
    db = open_store(home)
    records = store.count(db, store.RECORD)
    text_mb = (
        db.execute(
            "SELECT sum(length(CAST(title AS BLOB)) + length(CAST(coalesce(content, '') AS BLOB))) FROM records"
        ).fetchone()[0]
        / 1e6
    )
    started = time.perf_counter()
    if engine == "ours":
        from indexer import index
        from indexer.search import search

        index.rebuild(home, db, procs=2)
        seconds = time.perf_counter() - started
        size = _size_mb(index.current_generation(home))
        p50, p95 = _latencies(lambda q: search(home, db, q, limit=10))
    else:
        peer = StandardRecipe(home / "standard")
        peer.add(store.iterate(db, store.RECORD))
        seconds = time.perf_counter() - started
        size = _size_mb(home / "standard")
        p50, p95 = _latencies(peer.search)
    return {
        "records": records,
        "seconds": seconds,
        "mb": text_mb,
        "size": size,
        "peak": _peak_mb(),
        "p50": p50,
        "p95": p95,
    }


def measured(script: str, ways: Iterable[tuple[str, str]], size: int) -> Iterator[tuple[str, dict]]:
    """(name, numbers) of each way on a store of the size, each way in a process of its own running
    ``script --one WAY HOME`` on its own copy of the store."""
    with tempfile.TemporaryDirectory() as work:
        base = Path(work) / "base"
        make_store(base, size)
        for way, name in ways:
            home = Path(work) / way
            subprocess.run(["cp", "-r", str(base), str(home)], check=True)
            yield name, measured_one(script, way, home)


def measured_one(script: str, way: str, home: Path) -> dict:
    """The numbers of one way on the store at home, measured in a process of its own."""
    out = subprocess.run(
        [sys.executable, script, "--one", way, str(home)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def arguments(description: str, default: str) -> argparse.ArgumentParser:
    """The options every size benchmark takes: ``--sizes``, and ``--one WAY HOME`` for one measurement."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", default=default, help="store sizes, comma-separated")
    parser.add_argument("--one", nargs=2, metavar=("WAY", "HOME"), help=argparse.SUPPRESS)
    return parser


def sizes_to_measure(
    parser: argparse.ArgumentParser, one: Callable[[str, Path], dict]
) -> tuple[list[int], argparse.Namespace]:
    """The store sizes asked for on the command line, and its options; no sizes after a ``--one WAY HOME``
    run (whose numbers ``one`` gives, printed as JSON), or when the national list is absent (said so)."""
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], Path(args.one[1]))))
        return [], args
    if not NATIONAL_LIST.exists():
        print(f"跳过：{NATIONAL_LIST} 不存在")
        return [], args
    return [int(s) for s in args.sizes.split(",")], args


def main() -> None:
    sizes, _ = sizes_to_measure(arguments(__doc__ or "", "3610,100000"), run_one)
    if not sizes:
        return
    print("| 记录数 | 方式 | 建索引秒 | 条/秒 | MB/秒 | 索引 MB | 峰值内存 MB | 查询 p50 ms | 查询 p95 ms |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    ways = (("ours", "智慧民族之家（2 进程）"), ("standard", StandardRecipe.name))
    for size in sizes:
        for name, r in measured(__file__, ways, size):
            print(
                f"| {r['records']:,} | {name} | {r['seconds']:.1f} | {r['records'] / r['seconds']:,.0f} "
                f"| {r['mb'] / r['seconds']:.2f} | {r['size']:.0f} | {r['peak']:.0f} "
                f"| {r['p50']:.1f} | {r['p95']:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
