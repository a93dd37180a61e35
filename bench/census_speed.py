"""How long the census pages take with the national list (3,610 records) and its 3,995 inheritors
loaded: the dashboard, the map and /browse (with its summary), beside a plain record page measured
on the same server in the same run.  The server's sync worker counts the figures the pages show by
default (the whole country here) before anything is measured; the first request of any other scope
counts its own ("first"); later ones reuse them while the store is unchanged (p50, p95 of the rest).
Then a record is moved through the workflow on the site a few times: after each save, once the worker
has counted again, the first request of each page, beside a scope the worker does not count.

Run: .venv/bin/python bench/census_speed.py [--times 30] [--saves 6]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from index_speed import NATIONAL_LIST  # noqa: E402
from load import start_server  # noqa: E402

from heritage import census, users  # noqa: E402
from heritage.importer import import_file  # noqa: E402
from heritage.store import INHERITOR, open_store  # noqa: E402
from heritage.visibility import PUBLIC, RESEARCHER  # noqa: E402
from indexer import index  # noqa: E402

INHERITORS = NATIONAL_LIST.parents[1] / "ich-inheritors" / "records.jsonl"
PAGES = (
    ("记录页（对照）", "/records/{record}"),
    ("分类浏览（含普查概况）", "/browse"),
    ("记录分布图：全国按省", "/map"),
    ("记录分布图：贵州按县", "/map?region=520000"),
    ("记录分布图：全国按县（3,048 处）", "/map?level=county"),
    ("普查统计：全国", "/curate/dashboard"),
    ("普查统计：贵州", "/curate/dashboard?region=520000"),
)

AFTER_SAVE = (
    ("分类浏览（含普查概况，同步进程已算）", "/browse"),
    ("记录分布图：全国按省（同步进程已算）", "/map"),
    ("普查统计：全国（同步进程已算）", "/curate/dashboard"),
    ("对照：记录分布图：贵州按县（请求中计算）", "/map?region=520000"),
    ("对照：普查统计：贵州（请求中计算）", "/curate/dashboard?region=520000"),
)


def prepare(home: Path) -> str:
    """The national list and its inheritors, indexed, and a reviewer; returns a record's id."""
    db = open_store(home)
    assert import_file(db, NATIONAL_LIST, "ich-list").committed
    assert import_file(db, INHERITORS, "ich-inheritors", INHERITOR).committed
    index.rebuild(home, db)
    users.add_user(db, "bench", "bench-pass-01", "reviewer")
    record = db.execute("SELECT id FROM records ORDER BY id LIMIT 1").fetchone()[0]
    db.conn.close()
    return record


def signed_in(address: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(address + "/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
    data = urllib.parse.urlencode({"username": "bench", "password": "bench-pass-01", "csrf_token": token})
    opener.open(address + "/login", data.encode()).read()
    return opener


def precomputed(home: Path) -> None:
    """Wait until the server's sync worker has counted the default figures for the store as it is now."""
    db = open_store(home, readonly=True)
    deadline = time.monotonic() + 300
    try:
        while not all(census.is_precomputed(db, census.Scope(), r) for r in (None, RESEARCHER, PUBLIC)):
            assert time.monotonic() < deadline, "同步进程五分钟内没有算好普查统计"
            time.sleep(0.05)
    finally:
        db.conn.close()


def move(opener: urllib.request.OpenerDirector, address: str, record: str, to: str) -> None:
    """Move a record through the workflow on the site, as a reviewer does (a save)."""
    form = opener.open(f"{address}/curate/records/{record}").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
    data = urllib.parse.urlencode({"to": to, "csrf_token": token}).encode()
    opener.open(f"{address}/curate/records/{record}/move", data).read()


def timed(opener: urllib.request.OpenerDirector, url: str) -> float:
    start = time.perf_counter()
    with opener.open(url) as response:
        assert response.status == 200 and response.url == url, (url, response.url)
        response.read()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=30)
    parser.add_argument("--saves", type=int, default=6)
    options = parser.parse_args()
    if not (NATIONAL_LIST.exists() and INHERITORS.exists()):
        print(f"跳过：没有国家级名录数据（{NATIONAL_LIST.parents[1]}）")
        return
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "instance"
        record = prepare(home)
        server, address = start_server(home)
        try:
            opener = signed_in(address)
            precomputed(home)
            print(f"国家级名录 3,610 条、传承人 3,995 位；每页先请求一次，再请求 {options.times} 次（毫秒）\n")
            print("| 页面 | 第一次 | p50 | p95 |")
            print("|---|---:|---:|---:|")
            for name, path in PAGES:
                url = address + path.format(record=record)
                first = timed(opener, url)
                rest = sorted(timed(opener, url) for _ in range(options.times))
                p95 = rest[max(0, round(0.95 * len(rest)) - 1)]
                print(f"| {name} | {first:.0f} | {statistics.median(rest):.0f} | {p95:.0f} |")
            after_saves(opener, address, home, record, options.saves)
        finally:
            server.terminate()
            server.wait(timeout=30)


def after_saves(opener: urllib.request.OpenerDirector, address: str, home: Path, record: str, saves: int) -> None:
    """The first request of each page after a save, once the worker has counted again (median, slowest)."""
    steps = ["调查中", "待审核", "已发布"]
    firsts: dict[str, list[float]] = {name: [] for name, _ in AFTER_SAVE}
    for n in range(saves):
        move(opener, address, record, steps[n % len(steps)])
        precomputed(home)
        for name, path in AFTER_SAVE:
            firsts[name].append(timed(opener, address + path))
    print(f"\n保存之后（经网站改流程状态 {saves} 次，每次等同步进程算好）的第一次请求（毫秒）\n")
    print("| 页面 | 中位数 | 最慢 |")
    print("|---|---:|---:|")
    for name, times in firsts.items():
        print(f"| {name} | {statistics.median(times):.0f} | {max(times):.0f} |")


if __name__ == "__main__":
    main()
