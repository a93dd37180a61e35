"""Sync lag: how long a change takes to become searchable while the server (`heritage serve`, its sync
worker running) serves a data folder, polled through /api/search.  Two measures:

One save at a time (--saves K): an admin account made with heritage.users signs in to the workspace
over HTTP and, as a curator and a reviewer would, POSTs the new-record form (a new record with a
new, unique title), submits it for review and publishes it; then /api/search?q=<title> is polled
anonymously, as the public, until the record is among the answers.  Only published records are
searchable for anyone (heritage.visibility.view), so the clock that matters starts when the publish
POST returns.  Each save waits until the server is quiet (the last one found, the census counted
again), then a random pause of up to one round of the sync worker, as a curator saves at any moment.
The phases are observed from outside, without new production code: when the sync worker next holds
the index's writer lock (/proc/locks), when it marks the publish's outbox row done (after its index
commit), when the public finds the record (the web process's new reader, warmed, searched; polled
only after that commit, so as not to load the server while it syncs), and when the worker has counted
the census figures again for the store as it is (heritage.census.is_precomputed).  Beside them, in
the same run, the same request for a title already in the index.

Rows imported with `heritage import` (--rows N, national list mode only): their time to become
searchable, beside the import alone and the same rows synced by a one-shot `heritage index` on a
copy of the data folder with no server.

Run: .venv/bin/python bench/sync_lag.py [--saves 3] [--rows 2000]
     .venv/bin/python bench/sync_lag.py --home PATH [--saves 3] [--timeout 600]
Without --home: the national list (when ../shared/data has it) plus the shipped corpus, indexed in a temporary folder (Whoosh).
With --home: an existing indexed data folder (e.g. bench/store_scale.py --build, then heritage index
--rebuild).  It is too big to copy, so the benchmark works in place and then takes its records out
again: with the server stopped it deletes their rows and revisions, leaves an outbox row for each so
that heritage.index.sync removes them from the index, then deletes those outbox rows, its account and
the census files counted during the run (after a failure, and at the start of the next run when one
was killed, it takes out every record its account saved; a killed run leaves its `heritage serve`
running: stop that first).  The store is then as it was; the index holds the same
records, and its dictionary keeps the new titles' words until the next rebuild.  The domain has no
deletion (records are withdrawn, never deleted), so those deletes are this benchmark's own.
Every generated title is new, so every sync also grows the dictionary, as a curator's new item does.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.client
import inspect
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load import prepare, start_server  # noqa: E402

from heritage import census, census_files, outbox, store, users  # noqa: E402
from heritage.db import now, write  # noqa: E402
from heritage.store import open_store  # noqa: E402
from heritage.visibility import PUBLIC, RESEARCHER  # noqa: E402
from indexer import choice, index  # noqa: E402

CHARS = "山水云风花月星河林石金木火土日光春秋冬夏江湖海天青红白黑龙凤鹤鹿竹梅兰菊松柏桃李"
KINDS = (("节", "民俗"), ("歌", "传统音乐"), ("舞", "传统舞蹈"), ("技艺", "传统技艺"), ("绣", "传统美术"))
ACCOUNT = "sync-bench-admin"
PASSWORD = secrets.token_urlsafe(16)  # this run's only
POLL = 0.05  # seconds between two looks at the outbox and the search


def new_name(rng: random.Random) -> tuple[str, str, str]:
    """A new item's name in two parts (three random characters, a kind: 月歌, 节) and its category."""
    suffix, category = rng.choice(KINDS)
    return "".join(rng.choice(CHARS) for _ in range(3)), suffix, category


def write_rows(path: Path, count: int, tag: str, seed: int = 1) -> Path:
    """A CSV of published records with new titles (牡丹江月歌甲17) and a few sentences of text."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["项目名称", "类别", "民族", "分布区域", "基本内容", "状态"])
        for number in range(count):
            word, suffix, category = new_name(rng)
            text = f"{word}{suffix}流传于当地村寨，每逢农闲时节由老人带领青年传习，" * rng.randint(3, 12)
            writer.writerow(
                [
                    f"{word}{suffix}{tag}{number}",
                    category,
                    rng.choice(["苗族", "侗族", "彝族"]),
                    rng.choice(["贵州省台江县", "云南省楚雄市", "湖南省通道侗族自治县"]),
                    text,
                    "已发布",
                ]
            )
    return path


def heritage(home: Path, *args: str) -> float:
    """Run a heritage command; returns its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from heritage.cli import main; main()", "--home", str(home), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def searchable_total(address: str) -> int:
    return search_json(address, "", 1)["total"]


IDLE = 60  # seconds a browser's connection may stay unused before it is opened again


class Browser:
    """One keep-alive connection carrying a session cookie and the form token, as a signed-in browser."""

    def __init__(self, address: str):
        host, port = urllib.parse.urlsplit(address).netloc.split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=600)
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.used = time.monotonic()

    def send(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str, float]:
        """(status, Location, body, milliseconds) of one request, redirects not followed."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({"csrf_token": self.csrf, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if time.monotonic() - self.used > IDLE:  # waitress closes a connection idle for 120 s: a new one
            self.connection.close()
        started = time.perf_counter()
        self.connection.request(method, urllib.parse.quote(path, safe="/?=&%"), body, headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        spent = (time.perf_counter() - started) * 1000
        self.used = time.monotonic()
        for header in response.msg.get_all("Set-Cookie") or []:
            self.cookies |= {name: morsel.value for name, morsel in SimpleCookie(header).items()}
        found = re.search(r'name="csrf_token" value="([^"]+)"', text)
        self.csrf = found[1] if found else self.csrf
        return response.status, response.getheader("Location", ""), text, spent

    def sign_in(self, username: str, password: str) -> None:
        self.send("GET", "/login")
        status, _, _, _ = self.send("POST", "/login", {"username": username, "password": password})
        if status != 302:
            raise SystemExit(f"错误：工作台登录失败（状态码 {status}）")
        self.send("GET", "/curate/records/new")  # the form, with the signed-in session's token

    def post(self, path: str, **form: str) -> tuple[str, float]:
        """POST a workspace form; its redirect target and milliseconds (a refusal fails loudly)."""
        status, location, text, spent = self.send("POST", path, form)
        if status != 302:
            raise SystemExit(f"错误：{path} 没有保存（状态码 {status}）：{text[-500:]}")
        return location, spent


@dataclass
class Save:
    """One record saved, submitted and published over HTTP, and when each phase ended."""

    title: str
    saved_ms: float
    submitted_ms: float
    published_ms: float
    round_ms: float  # publish returned → the sync worker's next round holds the writer lock
    committed_ms: float  # publish returned → its outbox row marked done (after the index commit)
    found_ms: float  # publish returned → found by /api/search as the public
    whole_ms: float  # the new-record POST sent → found
    recounted_s: float  # found → the census figures counted again for the store as it is


@dataclass
class Measured:
    """The saves of one run, the peer searches and their word, and what the data folder held."""

    saves: list[Save]
    peer: list[float]
    word: str
    records: int
    engine: str


def new_title(rng: random.Random, number: int) -> tuple[str, str]:
    """A new item's name, numbered (月水云歌2号), and its category."""
    word, suffix, category = new_name(rng)
    return f"{word}{suffix}{number}号", category


def search_json(address: str, query: str, limit: int) -> dict:
    """The answer of /api/search as the public sees it (no cookie)."""
    path = f"{address}/api/search?q={urllib.parse.quote(query)}&limit={limit}"
    with urllib.request.urlopen(path, timeout=600) as response:
        return json.load(response)


def answers(address: str, query: str, limit: int = 20) -> list[dict]:
    """The public's answers to a search."""
    return search_json(address, query, limit)["results"]


def found(address: str, title: str, record_id: str) -> bool:
    """Whether the record is among the public's answers to a search for its title (not yet while the
    index is being swapped: 503)."""
    try:
        return any(hit["id"] == record_id for hit in answers(address, title))
    except urllib.error.HTTPError as error:
        if error.code != 503:
            raise
        return False


def first_title(address: str) -> str:
    """The title of the first record the public finds (the first search also warms the reader)."""
    try:
        results = answers(address, "", 1)
    except urllib.error.HTTPError as error:
        raise SystemExit(f"错误：检索不可用（状态码 {error.code}）") from None
    if not results:
        raise SystemExit("错误：数据文件夹里没有公众检索得到的记录")
    return results[0]["title"]


def answering(address: str) -> bool:
    """Whether the server answers yet (a big data folder takes a while to open)."""
    try:
        urllib.request.urlopen(address + "/robots.txt", timeout=5).close()
        return True
    except OSError:
        return False


def serving(home: Path, timeout: float) -> tuple[subprocess.Popen, str]:
    """`heritage serve` on the data folder, once it answers; fails loudly when it ends instead."""
    server, address = start_server(home)
    try:
        wait_for(lambda: server.poll() is not None or answering(address), timeout, "网站没有启动", 0.5)
    except SystemExit:
        stop(server)
        raise
    if server.poll() is not None:
        raise SystemExit(f"错误：heritage serve 没有启动（退出码 {server.returncode}）")
    return server, address


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=60)


def timed_search(address: str, query: str) -> float:
    """Milliseconds of one public search (the peer: a word the index already holds)."""
    started = time.perf_counter()
    answers(address, query)
    return (time.perf_counter() - started) * 1000


def recounted(home: Path, db) -> bool:
    """Whether the sync worker has counted the census figures the pages show for the store as it is."""
    try:
        chosen = census.Scope(census.area(census.deployment_region(home)))
    except census.ScopeError:
        return True  # such a site counts nothing
    return all(census.is_precomputed(db, chosen, reader) for reader in (None, RESEARCHER, PUBLIC))


def wait_for(condition, timeout: float, what: str, every: float = POLL) -> float:
    """Seconds until the condition holds; fails loudly (exit 1) past the timeout."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"错误：{timeout:.0f} 秒内{what}")
        time.sleep(every)
    return time.perf_counter() - started


class Watch(threading.Thread):
    """Watches, from outside the server, the sync worker take up one outbox row: when it next holds the
    index's writer lock (each round takes it; seen in /proc/locks) and when it marks the row done."""

    def __init__(self, home: Path, position: int):
        super().__init__(daemon=True)
        self.home, self.position = home, position
        self.round_at: float | None = None
        self.committed_at: float | None = None
        self.stopping = threading.Event()

    def run(self) -> None:
        lock = (index.index_root(self.home) / "writer.lock").stat()
        held = f" {os.major(lock.st_dev):02x}:{os.minor(lock.st_dev):02x}:{lock.st_ino} "
        db = open_store(self.home, readonly=True)
        try:
            while not self.stopping.wait(POLL / 10):
                if self.round_at is None and held in Path("/proc/locks").read_text():
                    self.round_at = time.perf_counter()
                if db.execute("SELECT done_at FROM outbox WHERE id = ?", [self.position]).fetchone()[0]:
                    self.committed_at = time.perf_counter()
                    return
        finally:
            db.conn.close()


def one_save(
    browser: Browser, address: str, home: Path, db, title: str, category: str, timeout: float, created: list[str]
) -> Save:
    """Create, submit and publish a record over HTTP; wait for the sync worker's commit, then search
    for it until the public finds it (searching only after the commit, so as not to load the server
    while it syncs: the index cannot hold the record before)."""
    content = f"{title}流传于当地村寨，每逢农闲时节由老人带领青年传习。" * 4
    form = {"action": "save", "title": title, "category": category, "content": content, "ethnic_groups": "苗族"}
    began = time.perf_counter()
    location, saved = browser.post("/curate/records/new", **form)
    record_id = location.rstrip("/").rsplit("/", 1)[1]
    created.append(record_id)
    _, submitted = browser.post(f"/curate/records/{record_id}/move", to="待审核", version="1")
    _, published = browser.post(f"/curate/records/{record_id}/move", to="已发布", version="2")
    at = time.perf_counter()
    position = db.execute("SELECT max(id) FROM outbox").fetchone()[0]
    watch = Watch(home, position)
    watch.start()
    record = store.get(db, store.RECORD, record_id)
    row = db.execute("SELECT entity_id FROM outbox WHERE id = ?", [position]).fetchone()
    try:
        if record is None or record["status"] != "已发布" or row[0] != record_id:
            raise SystemExit(f"错误：记录 {record_id}（{title}）没有发布")
        named = f"记录 {record_id}（{title}）发布后"
        wait_for(lambda: watch.committed_at is not None, timeout, f"{named}没有同步进检索索引")
        wait_for(lambda: found(address, title, record_id), timeout, f"{named}没有出现在公众检索中")
    finally:
        watch.stopping.set()
        watch.join()
    found_at = time.perf_counter()
    recount = wait_for(lambda: recounted(home, db), timeout, "同步进程没有重算普查统计", every=0.5)
    committed = watch.committed_at
    ms = [(moment - at) * 1000 for moment in (min(watch.round_at or committed, committed), committed, found_at)]
    return Save(title, saved, submitted, published, *ms, (found_at - began) * 1000, recount)


def saves(home: Path, address: str, count: int, timeout: float, created: list[str]) -> Measured:
    """Sign in and make ``count`` saves one after another, each once the server is quiet again (the
    last one found and the census counted) and after a random pause as long as one round of the sync
    worker at most; the peer searches and their word, timed before each save.  ``created`` gets the
    ids of the records made."""
    db = open_store(home, readonly=True)
    rng = random.Random()
    records = store.count(db, store.RECORD)
    try:
        word = first_title(address)
        wait_for(lambda: not outbox.pending_count(db) and recounted(home, db), timeout, "服务器没有安静下来", 0.5)
        browser = Browser(address)
        browser.sign_in(ACCOUNT, PASSWORD)
        done, peer = [], []
        for number in range(1, count + 1):
            peer += [timed_search(address, word) for _ in range(5)]
            time.sleep(rng.uniform(0, worker_interval()))  # saves come at any moment of the worker's round
            done.append(one_save(browser, address, home, db, *new_title(rng, number), timeout, created))
        return Measured(done, peer, word, records, choice.chosen(home))
    finally:
        db.conn.close()


def add_account(db) -> None:
    """The benchmark's workspace account (an admin: may create, submit and publish)."""
    users.add_user(db, ACCOUNT, PASSWORD, "admin", "同步测速")


def saved_by_account(db) -> tuple[list[str], float]:
    """The ids of the records the benchmark's account saved (a run that was killed left them), and a
    moment (epoch seconds) just before its first save."""
    query = "SELECT DISTINCT entity_id FROM revisions WHERE entity = ? AND user = ?"
    first = db.execute("SELECT min(at) FROM revisions WHERE user = ?", [ACCOUNT]).fetchone()[0]
    since = dt.datetime.fromisoformat(first).timestamp() - 1 if first else time.time()
    return [row[0] for row in db.execute(query, [store.RECORD.name, ACCOUNT])], since


def take_out(home: Path, db, record_ids: list[str], since: float) -> None:
    """Put the store back as it was, with the server stopped: delete the records, their revisions and
    outbox rows, leave an outbox row each so that the index sync removes them, then delete those rows,
    the account and the census files counted since then (a file is named by the store's newest revision,
    whose number a later save would reuse)."""
    marks = ", ".join("?" * len(record_ids))
    kind = store.RECORD
    with write(db):
        db.execute(f"DELETE FROM {kind.values_table} WHERE {kind.key} IN ({marks})", record_ids)
        db.execute(f"DELETE FROM {kind.table} WHERE id IN ({marks})", record_ids)
        db.execute(f"DELETE FROM revisions WHERE entity = ? AND entity_id IN ({marks})", [kind.name, *record_ids])
        db.execute(f"DELETE FROM outbox WHERE entity = ? AND entity_id IN ({marks})", [kind.name, *record_ids])
        for record_id in record_ids:
            outbox.add(db, kind.name, record_id, 0, now())
        db.execute("DELETE FROM users WHERE username = ?", [ACCOUNT])
    if record_ids:
        index.sync(home, db)
    if outbox.pending_count(db):
        raise SystemExit("错误：检索索引没有删去测速记录：请运行 heritage index")
    with write(db):
        db.execute(f"DELETE FROM outbox WHERE entity = ? AND entity_id IN ({marks})", [kind.name, *record_ids])
    folder = home / census_files.FOLDER
    for path in folder.iterdir() if folder.is_dir() else ():
        if path.stat().st_mtime >= since:
            path.unlink()
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()  # counted afresh when the site starts


def in_place(home: Path, options: argparse.Namespace) -> Measured:
    """The saves on an existing data folder, taken out again afterwards (even when a save fails)."""
    db = open_store(home)
    try:
        if users.get(db, ACCOUNT):
            print(f"上次运行被中断：先取出账户 {ACCOUNT} 保存的记录", file=sys.stderr)
            take_out(home, db, *saved_by_account(db))
        began = time.time()
        add_account(db)
        created: list[str] = []
        finished = False
        try:
            server, address = serving(home, options.timeout)
            try:
                measured = saves(home, address, options.saves, options.timeout, created)
                finished = True
                return measured
            finally:
                stop(server)
        finally:
            # after a failure, every record the account saved (a save may have gone through unseen)
            take_out(home, db, *((created, began) if finished else saved_by_account(db)))
    finally:
        db.conn.close()


def national(options: argparse.Namespace) -> tuple[Measured, dict[str, float]]:
    """The saves, then the import, on the national list in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        home, copy = Path(folder) / "instance", Path(folder) / "copy"
        prepare(home)
        shutil.copytree(home, copy)
        rows = write_rows(Path(folder) / "rows.csv", options.rows, "甲")
        db = open_store(home)
        add_account(db)
        db.conn.close()
        server, address = serving(home, options.timeout)
        try:
            measured = saves(home, address, options.saves, options.timeout, [])
            before = searchable_total(address)
            started = time.perf_counter()
            imported = heritage(home, "import", str(rows))
            wait_for(
                lambda: searchable_total(address) >= before + options.rows,
                options.timeout,
                "导入的记录没有全部出现在检索中",
                0.2,
            )
            times = {"searchable": time.perf_counter() - started, "imported": imported}
        finally:
            stop(server)
        times["imported_alone"] = heritage(copy, "import", str(rows))
        times["synced_alone"] = heritage(copy, "index")
    return measured, times


def phases(save: Save) -> tuple[float, ...]:
    """A save's columns in the table: the three POSTs, the worker's wait, the sync, the new reader, the
    whole from publishing and from the first POST (ms), then the census recount (s)."""
    return (
        save.saved_ms,
        save.submitted_ms,
        save.published_ms,
        save.round_ms,
        save.committed_ms - save.round_ms,
        save.found_ms - save.committed_ms,
        save.found_ms,
        save.whole_ms,
        save.recounted_s,
    )


def worker_interval() -> float:
    """Seconds between two rounds of the sync worker `heritage serve` starts (its default)."""
    return inspect.signature(index.run_worker_process).parameters["interval"].default


def print_saves(measured: Measured, where: str) -> None:
    done, peer, word = measured.saves, measured.peer, measured.word
    print(
        f"\n{measured.records:,} 条记录的数据文件夹（{where}，检索引擎 {measured.engine}）；"
        f"经工作台逐条保存并发布 {len(done)} 条新记录\n"
    )
    print(
        "| 保存 | 新建 POST ms | 提交审核 ms | 发布 ms | 等同步进程下一轮 ms | 同步到提交 ms | 提交→检索得到 ms "
        "| **发布→公众检索得到 ms** | 新建→检索得到 ms | 随后重算普查统计 s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    columns = [phases(save) for save in done]
    rows = [(save.title, *values) for save, values in zip(done, columns, strict=True)]
    rows += [
        (label, *map(pick, zip(*columns, strict=True))) for label, pick in (("p50", statistics.median), ("最大", max))
    ]
    for title, *values in rows:
        print(f"| {title} | " + " | ".join(f"{value:,.0f}" for value in values[:-1]) + f" | {values[-1]:.1f} |")
    print(
        f"\n每次保存前先等服务器安静（上一条检索得到、普查统计重算完），再随机等 0–{worker_interval():g} 秒"
        f"（heritage serve 的同步进程每 {worker_interval():g} 秒一轮）。“等同步进程下一轮”到它拿到索引写入锁"
        "（/proc/locks）；“同步到提交”是取发件箱、写入索引（含新词进词典）、提交、标记完成；"
        "“提交→检索得到”是网站进程打开并预热新的读取器、检索到它。"
        f"\n对照：同一服务器上公众检索已有的词“{word}”（每次保存前 5 次，共 {len(peer)} 次）："
        f"p50 {statistics.median(peer):.0f} ms，最大 {max(peer):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="已建好索引的数据文件夹（原地测量，结束后取出测速记录）")
    parser.add_argument("--saves", type=int, default=3, help="经工作台保存并发布几条新记录")
    parser.add_argument("--rows", type=int, default=2000, help="不给 --home 时：另用 heritage import 导入几条")
    parser.add_argument("--timeout", type=float, default=600, help="等一次保存出现在检索中最多几秒")
    options = parser.parse_args()
    if options.saves < 1:
        parser.error("--saves 至少为 1")
    if options.home:
        if not (options.home / store.DB_NAME).is_file():
            parser.error(f"{options.home} 里没有 {store.DB_NAME}")
        if index.current_generation(options.home) is None:
            parser.error(f"{options.home} 还没有检索索引：请先运行 heritage --home {options.home} index --rebuild")
        print_saves(in_place(options.home, options), str(options.home))
        return
    measured, times = national(options)
    print_saves(measured, "国家级名录与随附语料")
    print(f"\n导入 {options.rows:,} 条新记录（每个标题都是新词）\n")
    print("| 测量 | 秒 | 每秒条数 |")
    print("|---|---:|---:|")
    for label, seconds in (
        ("网站运行中：heritage import 到 /api/search 全部找得到", times["searchable"]),
        ("　其中 heritage import 本身", times["imported"]),
        ("对照：无网站时 heritage import", times["imported_alone"]),
        ("对照：无网站时随后一次 heritage index（同样的行）", times["synced_alone"]),
    ):
        print(f"| {label} | {seconds:.1f} | {options.rows / seconds:,.0f} |")


if __name__ == "__main__":
    main()
