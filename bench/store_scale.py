"""The store at 10^6 records: every page that queries the store, timed on a big derived store beside the
same page on the national list (3,610 records, built in the same run) and a plain ``SELECT count(*)``,
with the SQL each page ran and what its query plans scan; then the search page with concurrent clients
through the real server (waitress), beside a static file served by it in the same run.

Build a store once:  .venv/bin/python bench/store_scale.py --build PATH --size 1000000
Measure it:          .venv/bin/python bench/store_scale.py --home PATH [--times 10] [--clients 8] [--seconds 30]
                     [--processes 1 2]  (the search page with concurrent clients once per count of web processes)
Without --home a store of --size records (20,000 by default) is built and indexed in a temporary folder.
Pages run in this process through Flask's test client; the first request of each is reported apart
(figures counted, caches filled), p50 and p95 are of the next --times.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from index_speed import NATIONAL_LIST, make_store  # noqa: E402
from labelled import QUERIES  # noqa: E402
from load import row, run, start_server  # noqa: E402

from heritage import census, census_files, listings, store, users  # noqa: E402
from heritage.store import open_store  # noqa: E402
from indexer import index  # noqa: E402
from web import create_app  # noqa: E402

BIG_TABLES = ("records", "record_values", "revisions", "outbox", "inheritor_items", "inheritors", "inheritor_values")
PAGES = (
    ("分类浏览（分面与普查概况）", "/browse"),
    ("地区页：贵州省", "/regions/520000"),
    ("记录分布图：全国按省", "/map"),
    ("普查统计（工作台）", "/curate/dashboard"),
    ("传承人列表", "/inheritors"),
    ("传承人列表：末页", "/inheritors?page={people_last}"),
    ("网站地图", "/sitemap"),
    ("sitemap.xml 索引", "/sitemap.xml"),
    ("sitemap 记录文件：末个", "/sitemaps/records-{last}.xml"),
    ("记录页", "/records/{record}"),
    ("工作台首页", "/curate/"),
    ("审核队列：已发布", "/curate/queue/已发布"),
    ("审核队列：已发布，末页", "/curate/queue/已发布?page={queue_last}"),
    ("审核队列：按名称找", "/curate/queue/已发布?q=苗族"),
    ("接口：/api/records", "/api/records"),
    ("接口：/api/facets", "/api/facets"),
    ("接口：/api/search", "/api/search?q=苗族古歌"),
    ("接口：/api/exhibits", "/api/exhibits"),
    ("接口：/api/articles", "/api/articles"),
)
BENCH_USER, BENCH_PASSWORD = "bench-reviewer", "bench-pass-01"


def build(home: Path, size: int) -> float:
    """Make a derived store of the size at home; returns the seconds it took."""
    started = time.perf_counter()
    make_store(home, size)
    db = open_store(home)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return time.perf_counter() - started


class Statements:
    """The SQL every connection opened in this process runs, as SQLite expanded it."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        connect = sqlite3.connect

        def traced(*args, **kwargs):
            conn = connect(*args, **kwargs)
            conn.set_trace_callback(self.seen.append)
            return conn

        sqlite3.connect = traced


def scans(home: Path, statements: list[str]) -> dict[str, str]:
    """The big tables the statements' query plans read whole ("SCAN records" and the like), each with
    the first statement that does."""
    conn = sqlite3.connect(f"file:{home / 'heritage.db'}?mode=ro", uri=True)
    found: dict[str, str] = {}
    for sql in statements:
        if not re.match(r"\s*(SELECT|WITH)\b", sql, re.I):
            continue
        try:
            plan = conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
        except sqlite3.Error:
            continue
        for *_, detail in plan:
            words = detail.split()
            if words[0] == "SCAN" and words[1] in BIG_TABLES and "COVERING" not in detail:
                found.setdefault(" ".join(words[:2]), sql)
    conn.close()
    return dict(sorted(found.items()))


def _pages(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


class Site:
    """One data folder's site, signed in as a reviewer, with the values its page addresses need."""

    def __init__(self, home: Path, statements: Statements):
        self.home, self.statements = home, statements
        db = open_store(home)
        if not users.get(db, BENCH_USER):
            users.add_user(db, BENCH_USER, BENCH_PASSWORD, "reviewer")
        self.records = listings.visible_count(db, store.RECORD)
        self.values = {
            "record": listings.visible_page(db, store.RECORD, 1, self.records - 1)[0][0],
            "last": _pages(self.records, 20_000),
            "people_last": _pages(listings.visible_count(db, store.INHERITOR), 50),
            "queue_last": _pages(listings.queue_count(db, "已发布"), 50),
        }
        db.conn.close()
        self.client = create_app({"TESTING": True, "HERITAGE_HOME": str(home)}).test_client()
        form = self.client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
        signed = self.client.post(
            "/login", data={"username": BENCH_USER, "password": BENCH_PASSWORD, "csrf_token": token}
        )
        assert signed.status_code == 302, "没有登录上工作台"

    def timed(self, path: str) -> tuple[float, int]:
        """Milliseconds and the status of one request."""
        started = time.perf_counter()
        response = self.client.get(path.format(**self.values))
        return (time.perf_counter() - started) * 1000, response.status_code

    def measure(self, path: str, times: int) -> dict:
        """The first request, p50 and p95 of the next ``times``, and what the first one's SQL scans
        (only the first when it fails, with its status: a page of the search index before it is built)."""
        del self.statements.seen[:]
        first, status = self.timed(path)
        ran = list(self.statements.seen)
        rest = sorted(self.timed(path)[0] for _ in range(times if status == 200 else 0)) or [math.nan]
        return {
            "status": status,
            "first": first,
            "p50": statistics.median(rest),
            "p95": rest[max(0, round(0.95 * len(rest)) - 1)],
            "statements": len([s for s in ran if not s.startswith("PRAGMA")]),
            "scans": scans(self.home, ran),
        }


def count_peer(home: Path, times: int) -> tuple[float, float]:
    """p50 and p95 of a plain ``SELECT count(*) FROM records`` on the store."""
    conn = sqlite3.connect(f"file:{home / 'heritage.db'}?mode=ro", uri=True)
    conn.execute("SELECT count(*) FROM records").fetchone()
    took = []
    for _ in range(times):
        started = time.perf_counter()
        conn.execute("SELECT count(*) FROM records").fetchone()
        took.append((time.perf_counter() - started) * 1000)
    conn.close()
    took.sort()
    return statistics.median(took), took[max(0, round(0.95 * len(took)) - 1)]


def indexed(home: Path, size: int, engine: str) -> Path:
    """A derived store of the size at home, indexed with the engine."""
    make_store(home, size)
    (home / "site.cfg").write_text(f"SEARCH_ENGINE = {engine!r}\n", "utf-8")
    db = open_store(home)
    index.rebuild(home, db)
    db.conn.close()
    return home


def engine_of(home: Path) -> str:
    settings = home / "site.cfg"
    found = re.search(r"SEARCH_ENGINE\s*=\s*['\"](\w+)", settings.read_text("utf-8")) if settings.is_file() else None
    return found[1] if found else "whoosh"


def page_table(big: Site, peer: Site, times: int, plans: bool) -> None:
    print(
        f"\n{big.records:,} 条公开记录的存储，对照：同一次运行里的国家级名录（{peer.records:,} 条），每页先请求一次，再 {times} 次（毫秒）\n"
    )
    print("| 页面 | 第一次 | p50 | p95 | 对照 p95（名录） | SQL 语句 | 查询计划读整张表 |")
    print("|---|---:|---:|---:|---:|---:|---|")
    scanning = []
    for name, path in PAGES:
        r, o = big.measure(path, times), peer.measure(path, times)
        failed = f"（状态 {r['status']}）" if r["status"] != 200 else ""
        print(
            f"| {name}{failed} | {r['first']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | {o['p95']:.0f} | {r['statements']} "
            f"| {'、'.join(r['scans']) or '无'} |",
            flush=True,
        )
        scanning += [(name, sql) for sql in r["scans"].values()]
    p50, p95 = count_peer(big.home, times)
    print(f"| 对照：SELECT count(*) FROM records | – | {p50:.0f} | {p95:.0f} | – | 1 | – |")
    if plans:
        for name, sql in scanning:
            print(f"\n{name}：{sql[:600]}")


def search_paths(rng: random.Random, count: int = 2000) -> list[tuple[str, str]]:
    """Search pages of the labelled queries, a third with a filter or on page 2."""
    queries = [query for _, query, _ in QUERIES]
    extras = ["", "", "", "&category=传统技艺", "&region=贵州", "&page=2", "&ethnic=苗族", "&sort=title"]
    return [
        (
            "search",
            "/search?q=" + urllib.parse.quote(rng.choice(queries)) + urllib.parse.quote(rng.choice(extras), safe="&="),
        )
        for _ in range(count)
    ]


def web_processes(server: int) -> list[int]:
    """The processes that serve the site: the server's forked children (they share its command line),
    else the server itself."""
    command = Path(f"/proc/{server}/cmdline").read_bytes()
    children = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _parent(entry) == server and (entry / "cmdline").read_bytes() == command
    ]
    return children or [server]


def _parent(process: Path) -> int | None:
    try:
        return int((process / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):
        return None


def memory(pid: int) -> tuple[float, float]:
    """MB of a process: its RSS, and the part of it that it does not share with another (private pages)."""
    lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    kb = {name: int(value.split()[0]) for name, value in (line.split(":", 1) for line in lines)}
    return kb["Rss"] / 1024, (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024


def load_table(home: Path, clients: int, seconds: float, processes: list[int]) -> None:
    rows, sizes = [], []
    for count in processes:
        server, address = start_server(home, count)
        port = int(address.rsplit(":", 1)[1])
        try:
            worker_counted(home)  # a new worker counts the figures again: not while the clients search
            paths = search_paths(random.Random(7))
            urllib.request.urlopen(address + paths[0][1], timeout=600).read()  # the reader's sets and the copies
            run(port, paths, clients, 10)  # warm the caches
            searched = run(port, paths, clients, seconds)
            static = run(port, [("static", "/static/site.css")], clients, seconds)
            sizes.append((count, memory(web_processes(server.pid)[0])))
        finally:
            server.terminate()
            server.wait(timeout=30)
        rows.append(row(f"检索页（标注查询，三分之一带筛选或第 2 页），{count} 个网站进程", *searched))
        rows.append(row(f"对照：静态文件 /static/site.css（同一服务器），{count} 个网站进程", *static))
    print(
        f"\n检索页：{clients} 个并发客户端，各 {seconds:.0f} 秒，经 heritage serve --processes N（waitress 每进程 8 线程）\n"
    )
    print("| 场景 | 请求数 | 每秒请求 | p50 ms | p95 ms | p99 ms | 错误 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    for count, (rss, private) in sizes:
        print(f"{count} 个网站进程：测完之后其中一个的 RSS {rss:.0f} MB，独占（不与其他进程共享）{private:.0f} MB")


PRECOMPUTE = (
    "import sys, pathlib; from heritage import census, store; "
    "home = pathlib.Path(sys.argv[1]); census.precompute(home, store.open_store(home))"
)


def precomputed(home: Path) -> tuple[float, float]:
    """Count the figures the pages show by default as the sync worker does, in a process of its own
    (so that pages here read the files, as the site's do); seconds, and MB of the files."""
    shutil.rmtree(home / census_files.FOLDER, ignore_errors=True)  # derived: counted again from the store
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", PRECOMPUTE, str(home)], check=True)
    took = time.perf_counter() - started
    return took, sum(f.stat().st_size for f in (home / census_files.FOLDER).glob("*.json")) / 1e6


def worker_counted(home: Path, timeout: float = 1800) -> None:
    """Wait until the server's sync worker has found the default figures counted for the store as it is
    now (a save since the bench's count would have it count them again)."""
    db = open_store(home, readonly=True)
    chosen = census.Scope(census.area(census.deployment_region(home)))
    deadline = time.monotonic() + timeout
    while not all(census.is_precomputed(db, chosen, r) for r in (None, "researcher", "public")):
        assert time.monotonic() < deadline, "同步进程没有算好普查统计"
        time.sleep(5)
    db.conn.close()


def measure(home: Path, options: argparse.Namespace, folder: Path) -> None:
    statements = Statements()
    peer_home = indexed(folder / "national", 0, engine_of(home))
    for name, counted in (("派生存储", home), ("国家级名录", peer_home)):
        seconds, size = precomputed(counted)
        print(f"{name}：同步进程算三种读者的普查统计 {seconds:.0f} 秒，文件 {size:.0f} MB")
    page_table(Site(home, statements), Site(peer_home, statements), options.times, options.plans)
    if options.clients:
        load_table(home, options.clients, options.seconds, options.processes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, metavar="PATH", help="build a derived store at PATH and stop")
    parser.add_argument("--home", type=Path, metavar="PATH", help="measure the store (indexed) in this data folder")
    parser.add_argument("--size", type=int, default=20_000, help="records in a built store")
    parser.add_argument("--engine", default="tantivy", help="search engine of a store built here: whoosh or tantivy")
    parser.add_argument("--times", type=int, default=10, help="requests of each page after the first")
    parser.add_argument("--plans", action="store_true", help="print the statements whose plans read a table whole")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the search page (0: none)")
    parser.add_argument("--seconds", type=float, default=30, help="how long the clients search")
    parser.add_argument(
        "--processes", type=int, nargs="+", default=[1], help="web processes of the server, one row each: 1 2"
    )
    options = parser.parse_args()
    if not NATIONAL_LIST.exists():
        print(f"跳过：{NATIONAL_LIST} 不存在")
        return
    if options.build:
        seconds = build(options.build, options.size)
        print(f"{options.size:,} 条记录的存储建在 {options.build}，用时 {seconds:.0f} 秒")
        return
    with tempfile.TemporaryDirectory() as work:
        home = options.home or indexed(Path(work) / "big", options.size, options.engine)
        measure(home, options, Path(work))


if __name__ == "__main__":
    main()
