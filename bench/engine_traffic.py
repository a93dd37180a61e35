"""What the shared half of the engines (indexer.engines.Engine) asks of an engine per query: how many term
document sets (``_postings``) and how many document numbers in them, for the labelled queries on the
national list, each from an empty reader cache (as after every sync commit), beside the same queries
sharing one reader.  It is what a search engine behind a network would have to send (docs/DISTRIBUTED.md).

Run: .venv/bin/python bench/engine_traffic.py [--engine tantivy|whoosh]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labelled import QUERIES  # noqa: E402
from national import absent, national_store  # noqa: E402

from indexer import index  # noqa: E402
from indexer.engine import engine  # noqa: E402
from indexer.engines import ReaderCache  # noqa: E402
from indexer.search import search  # noqa: E402


def counted(eng) -> tuple[Counter, Counter]:
    """Count the engine's term sets and their document numbers (totals, and numbers per field)."""
    calls, fields = Counter(), Counter()
    postings = eng._postings

    def counting(fieldname: str, value: str) -> frozenset[int]:
        found = postings(fieldname, value)
        calls["sets"] += 1
        calls["numbers"] += len(found)
        fields[fieldname] += len(found)
        return found

    eng._postings = counting
    return calls, fields


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", default="tantivy", choices=("tantivy", "whoosh"))
    chosen = parser.parse_args().engine
    if reason := absent():
        print(reason)
        return
    with national_store() as (home, db):
        (home / "site.cfg").write_text(f"SEARCH_ENGINE = {chosen!r}\n", "utf-8")
        index.rebuild(home, db)
        eng = engine(home)
        search(home, db, QUERIES[0][1], limit=10)  # the homophone table and lexicons, once per process
        calls, fields = counted(eng)
        cold = []
        for _, query, _ in QUERIES:
            eng.reader_cache = ReaderCache()
            calls.clear()
            search(home, db, query, limit=10)
            cold.append(dict(calls))
        cold_fields = fields.copy()
        eng.reader_cache = ReaderCache()
        calls.clear()
        for _, query, _ in QUERIES:
            search(home, db, query, limit=10)
        docs = eng.doc_count()
    print(f"{len(QUERIES)} 条标注查询，{docs:,} 条记录，检索引擎 {chosen}\n")
    print("| 读者 | 词项集合（中位数） | 文档号（中位数） | 文档号 p95 | 文档号 / 文档总数 |")
    print("|---|---:|---:|---:|---:|")
    numbers = sorted(c["numbers"] for c in cold)
    middle = statistics.median(numbers)
    print(
        f"| 每条查询都从空缓存开始 | {statistics.median(c['sets'] for c in cold):.0f} | {middle:,.0f} "
        f"| {numbers[int(0.95 * len(numbers)) - 1]:,} | {middle / docs:.1f} |"
    )
    print(f"| 对照：{len(QUERIES)} 条共用一个读者（合计） | {calls['sets']:,} | {calls['numbers']:,} | — | — |")
    share = {name: n / sum(cold_fields.values()) for name, n in cold_fields.most_common()}
    print(
        "\n从空缓存开始时文档号来自的字段：" + "、".join(f"{name} {s:.1%}" for name, s in share.items() if s >= 0.001)
    )


if __name__ == "__main__":
    main()
