"""Load test: concurrent clients against the real server (`heritage serve`, waitress, index worker
running) on the national list plus the shipped corpus, mixed search and record pages, beside a
plain static file served by the same server in the same run.

Run: .venv/bin/python bench/load.py [--seconds 60] [--clients 8] [--during-import [--batch 500] [--every 5]]
With --during-import the same mix and the static file are measured again while `heritage import`
adds a batch of new records every few seconds (--batch, --every) and the server's worker syncs them.
Each client is a process of its own with one keep-alive connection, sending its next request as
soon as the last one is answered.  Without ../shared/data the shipped corpus alone is used.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from index_speed import NATIONAL_LIST  # noqa: E402
from labelled import QUERIES  # noqa: E402

from heritage import corpus  # noqa: E402
from heritage.importer import import_file  # noqa: E402
from heritage.store import open_store  # noqa: E402
from indexer import index  # noqa: E402

KINDS = {"search": "检索页", "record": "记录页", "browse": "浏览与节日历页"}


def prepare(home: Path) -> int:
    """The shipped corpus and (when present) the national list, indexed; returns how many records."""
    db = open_store(home)
    assert corpus.load(db, home).committed
    if NATIONAL_LIST.exists():
        assert import_file(db, NATIONAL_LIST, "ich-list").committed
    index.rebuild(home, db)
    total = db.execute("SELECT count(*) FROM records").fetchone()[0]
    db.conn.close()
    return total


def mixed_paths(home: Path, rng: random.Random, count: int = 4000) -> list[tuple[str, str]]:
    """A shuffled mix: 45% searches (a third with a filter or on page 2), 45% record pages, 10% other pages."""
    db = open_store(home, readonly=True)
    ids = [row[0] for row in db.execute("SELECT id FROM records WHERE status = '已发布' AND access = 'public'")]
    db.conn.close()
    queries = [query for _, query, _ in QUERIES]
    extras = ["", "&category=传统技艺", "&region=贵州", "&page=2", "&ethnic=苗族", "&sort=title"]
    others = ["/", "/browse", "/exhibits", "/calendar/2027/7", "/regions/520000", "/exhibits/miao-festivals"]
    paths = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.45:
            paths.append(
                (
                    "search",
                    "/search?q="
                    + urllib.parse.quote(rng.choice(queries))
                    + urllib.parse.quote(rng.choice(extras), safe="&="),
                )
            )
        elif roll < 0.9:
            paths.append(("record", "/records/" + rng.choice(ids)))
        else:
            paths.append(("browse", urllib.parse.quote(rng.choice(others), safe="/")))
    return paths


def client(args: tuple[int, list[tuple[str, str]], float, int]) -> list[tuple[str, float, int]]:
    """One client: requests in order until the deadline; (kind, milliseconds, status or 0 for a failure)."""
    port, paths, deadline, offset = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done, at = [], offset
    while time.monotonic() < deadline:
        kind, path = paths[at % len(paths)]
        at += 1
        start = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        done.append((kind, (time.perf_counter() - start) * 1000, status))
    connection.close()
    return done


def run(port: int, paths: list[tuple[str, str]], clients: int, seconds: float) -> tuple[list, float]:
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    with multiprocessing.Pool(clients) as pool:
        parts = pool.map(client, [(port, paths, deadline, n * len(paths) // clients) for n in range(clients)])
    return [r for part in parts for r in part], time.monotonic() - started


def row(name: str, results: list, elapsed: float) -> str:
    times = sorted(ms for _, ms, _ in results)
    if not times:
        return f"| {name} | 0 | – | – | – | – | – |"
    cut = statistics.quantiles(times, n=100, method="inclusive")
    errors = sum(1 for _, _, status in results if status != 200)
    return (
        f"| {name} | {len(times):,} | {len(times) / elapsed:,.1f} | {cut[49]:.1f} | {cut[94]:.1f} | "
        f"{cut[98]:.1f} | {errors} |"
    )


def start_server(home: Path, processes: int | None = None) -> tuple[subprocess.Popen, str]:
    """`heritage serve` on a free port, once it answers; returns the process and its address.  With
    ``processes`` it runs as in production (``--processes N``, a throwaway secret key), else ``--dev``."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    mode = ["--dev"] if processes is None else ["--processes", str(processes)]
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from heritage.cli import main; main()",
            "--home",
            str(home),
            "serve",
            *mode,
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, HERITAGE_SECRET_KEY=secrets.token_hex(32)),
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}"


class Importer(threading.Thread):
    """Imports a batch of new records with `heritage import` every few seconds (the server syncs them)."""

    def __init__(self, home: Path, folder: Path, rows: int, every: float):
        super().__init__(daemon=True)
        self.home, self.folder, self.rows, self.every = home, folder, rows, every
        self.stopping = threading.Event()
        self.imported = 0

    def run(self) -> None:
        from sync_lag import heritage, write_rows

        batch = 0
        while not self.stopping.is_set():
            started = time.monotonic()
            batch += 1
            path = write_rows(self.folder / f"batch{batch}.csv", self.rows, f"批{batch}号", seed=batch)
            heritage(self.home, "import", str(path))
            self.imported += self.rows
            self.stopping.wait(max(0.0, self.every - (time.monotonic() - started)))


def measure(port: int, paths: list[tuple[str, str]], options: argparse.Namespace) -> dict[str, tuple[list, float]]:
    """The mixed pages and the static file, one after the other."""
    return {
        "mixed": run(port, paths, options.clients, options.seconds),
        "static": run(port, [("static", "/static/site.css")], options.clients, options.seconds),
    }


def table(measured: dict[str, tuple[list, float]], during: str) -> list[str]:
    mixed, mixed_elapsed = measured["mixed"]
    lines = [row(f"混合：检索页与记录页（全部）{during}", mixed, mixed_elapsed)]
    for kind, label in KINDS.items():
        lines.append(row(f"　其中{label}", [r for r in mixed if r[0] == kind], mixed_elapsed))
    lines.append(row(f"对照：静态文件 /static/site.css（同一服务器）{during}", *measured["static"]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--during-import",
        action="store_true",
        help="再测一遍：同时每 --every 秒用 heritage import 导入 --batch 条新记录，网站同步进索引",
    )
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--every", type=float, default=5.0, help="每隔几秒开始导入一批")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "instance"
        total = prepare(home)
        server, address = start_server(home)
        port = int(address.rsplit(":", 1)[1])
        try:
            paths = mixed_paths(home, random.Random(7))
            run(port, paths, options.clients, 5)  # warm the caches
            quiet = measure(port, paths, options)
            lines = table(quiet, "")
            if options.during_import:
                importer = Importer(home, Path(folder), options.batch, options.every)
                importer.start()
                busy = measure(port, paths, options)
                importer.stopping.set()
                importer.join()
                lines += table(busy, "，导入与同步进行中")
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        f"\n{total:,} 条记录；{options.clients} 个并发客户端，各 {options.seconds:.0f} 秒；waitress 8 线程；"
        f"本机 {multiprocessing.cpu_count()} 核（客户端与服务器共用）"
    )
    if options.during_import:
        print(
            f"导入与同步进行中：每 {options.every:g} 秒开始导入一批 {options.batch} 条，"
            f"共导入 {importer.imported:,} 条（机器跟不上时少于计划）"
        )
    print("\n| 场景 | 请求数 | 每秒请求 | p50 ms | p95 ms | p99 ms | 错误 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
