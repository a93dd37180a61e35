"""What the visibility re-check costs a public search: the national list indexed, then N saves the
index has not taken in yet (a text change, or an access change that makes the record a suspect),
beside the same search with nothing pending, measured in the same run.

Run: .venv/bin/python bench/hidden_search.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from heritage import store
from heritage.db import write
from heritage.importer import import_file
from heritage.store import open_store
from indexer import index, search

NATIONAL_LIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "ich-national-list" / "records.jsonl"
QUERIES = ("苗族", "蜡染", "贵州 刺绣", "侗族大歌", "", "龙舟")


def latency(home: Path, db) -> tuple[float, float]:
    """(first search after the saves, median of the following ones) in ms."""
    start = time.perf_counter()
    search.search(home, db, QUERIES[0])
    first = (time.perf_counter() - start) * 1000
    spent = []
    for _ in range(5):
        for query in QUERIES:
            start = time.perf_counter()
            search.search(home, db, query)
            spent.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(spent)


def main() -> None:
    if not NATIONAL_LIST.exists():
        sys.exit(f"跳过：参考数据不存在：{NATIONAL_LIST}")
    home = Path(tempfile.mkdtemp()) / "instance"
    db = open_store(home)
    import_file(db, NATIONAL_LIST, fmt="ich-list")
    index.rebuild(home, db, procs=1)
    ids = [row[0] for row in db.execute("SELECT id FROM records WHERE status = '已发布' ORDER BY id LIMIT 600")]
    print("| 未同步的保存 | 首次检索 ms | 其后检索中位数 ms |")
    print("|---|---|---|")
    first, median = latency(home, db)
    print(f"| 无（对照） | {first:.1f} | {median:.1f} |")
    for count, change in ((100, "measures"), (600, "measures"), (100, "access"), (600, "access")):
        with write(db):
            for record_id in ids[:count]:
                record = store.get(db, store.RECORD, record_id)
                if change == "access":
                    record["access"] = "researcher" if record["access"] == "public" else "public"
                else:
                    record["measures"] = (record["measures"] or "") + "。"
                store.put(db, store.RECORD, record, "bench")
        first, median = latency(home, db)
        print(f"| {count} 条（{'改访问级别' if change == 'access' else '改文字'}） | {first:.1f} | {median:.1f} |")
        index.sync(home, db)


if __name__ == "__main__":
    main()
