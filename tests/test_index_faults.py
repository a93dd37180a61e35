"""The index survives kill -9, a held lock, and a deleted or corrupt folder; the store stays the truth."""

import random
import signal
import subprocess
import sys
import time

import pytest
from whoosh import index as whoosh_index

from heritage import corpus, store
from heritage.db import write
from heritage.importer import import_file
from heritage.store import open_store
from indexer import index
from indexer.search import search
from tests.conftest import ENGINES, write_csv

HEADER = "编号,项目名称,类别,民族,分布区域,基本内容,状态\n"


@pytest.fixture(params=ENGINES)
def big_home(tmp_path, request):
    """A store of about 3,000 records, indexed once, by each search engine in turn."""
    home = tmp_path / "instance"
    db = open_store(home)
    (home / "site.cfg").write_text(f"SEARCH_ENGINE = {request.param!r}\n", "utf-8")
    import_file(db, corpus.RECORDS_FILE)
    rows = "".join(
        f"K{i},记录{i}蜡染,传统技艺,苗族,贵州省台江县,{'苗族蜡染历史悠久。' * 40},已发布\n" for i in range(3000)
    )
    assert import_file(db, write_csv(tmp_path / "big.csv", HEADER + rows)).committed
    index.rebuild(home, db, procs=1)
    return home, db


def _heritage(home, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "heritage.cli", "--home", str(home), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_after(process, seconds):
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    process.wait(30)


def _kill_while_building(home, args, delay):
    """Start a rebuild and kill -9 it ``delay`` seconds after its new generation's folder appears (while it
    writes documents: a fast machine may finish a rebuild within any fixed time after the start)."""
    known = set((home / "index").glob("gen-*"))
    process = _heritage(home, *args)
    deadline = time.monotonic() + 120
    while not set((home / "index").glob("gen-*")) - known and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    _kill_after(process, delay)


def _in_sync(home, db):
    state = index.status(home, db)
    return state["available"] and not (state["missing"] or state["stale"] or state["extra"] or state["pending"])


def test_kill_during_rebuild_keeps_the_old_index(big_home):
    home, db = big_home
    before = index.current_generation(home)
    rng = random.Random(1)
    for _ in range(3):
        _kill_while_building(home, ("index", "--rebuild", "--procs", "2"), rng.uniform(0.0, 0.2))
        assert index.current_generation(home) == before
        assert search(home, db, "蜡染")["total"] > 3000
    assert (
        subprocess.run(
            [sys.executable, "-m", "heritage.cli", "--home", str(home), "index", "--rebuild"], capture_output=True
        ).returncode
        == 0
    )
    assert index.current_generation(home) != before and _in_sync(home, db)
    assert len(list((home / "index").glob("gen-*"))) <= 2  # half-built generations are cleared


def test_kill_during_sync_replays_the_outbox(big_home):
    home, db = big_home
    with write(db):
        for number in range(3000):
            record = store.get(db, store.RECORD, f"K{number}")
            store.put(db, store.RECORD, record | {"title": f"改名{number}扎染"}, "test")
    rng = random.Random(2)
    for _ in range(3):
        _kill_after(_heritage(home, "index"), rng.uniform(0.3, 1.5))
        assert search(home, db, "蜡染")["error"] is None  # whatever was committed stays readable
        # Nothing is marked done that the index does not hold: every stale record is still pending.
        pending = {row[0] for row in db.execute("SELECT entity_id FROM outbox WHERE done_at IS NULL")}
        assert set(index.status(home, db)["stale"]) <= pending
    index.sync(home, db)
    assert _in_sync(home, db)
    assert search(home, db, "改名2999扎染")["results"][0]["id"] == "K2999"


HOLD_WRITER = """
import sys, time
from whoosh import index
ix = index.open_dir(sys.argv[1])
writer = ix.writer()
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
writer.cancel()
"""


@pytest.mark.parametrize("big_home", ["whoosh"], indirect=True)  # Whoosh's own lock file
def test_a_held_whoosh_lock_delays_but_never_loses_an_update(big_home):
    home, db = big_home
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITER, str(index.current_generation(home)), "3"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "holding"
    with write(db):
        store.put(
            db,
            store.RECORD,
            {"id": "L1", "title": "锁中保存的侗族大歌", "category": "传统音乐", "status": "已发布"},
            "curator",
        )
    with pytest.raises(whoosh_index.LockError):
        index.sync(home, db, wait=0.5)  # gives up, and leaves the outbox as it was
    assert index.status(home, db)["pending"] == 1
    assert index.sync(home, db, wait=30) == 1  # waits for the holder to let go
    holder.wait(30)
    holder.stdout.close()
    assert search(home, db, "锁中保存")["results"][0]["id"] == "L1"


def test_readers_never_create_an_index(tmp_path):
    home = tmp_path / "instance"
    db = open_store(home)
    answer = search(home, db, "蜡染")
    assert answer["error"].startswith("检索暂不可用") and not (home / "index").exists()
    (home / "index").mkdir()
    (home / "index" / "CURRENT").write_text("gen-missing")
    assert search(home, db, "蜡染")["error"].startswith("检索暂不可用")
    assert list((home / "index").iterdir()) == [home / "index" / "CURRENT"]


def test_pages_of_the_store_outlive_a_deleted_index(big_home):
    home, db = big_home
    import shutil

    shutil.rmtree(home / "index")
    assert search(home, db, "蜡染")["error"].startswith("检索暂不可用")
    assert store.get(db, store.RECORD, "C134")["title"] == "苗族蜡染技艺"
    index.rebuild(home, db, procs=1)
    assert search(home, db, "蜡染")["total"] > 3000


def test_searches_while_the_writer_commits_never_fail(big_home):
    import threading

    home, db = big_home
    writer_db = open_store(home)
    stop = threading.Event()

    def keep_committing():
        number = 0
        while not stop.is_set():
            with write(writer_db):
                store.put(
                    writer_db,
                    store.RECORD,
                    {"id": f"Z{number % 20}", "title": f"并发写入{number}", "category": "民俗", "status": "已发布"},
                    "load",
                )
            index.sync(home, writer_db)
            number += 1

    with write(writer_db):
        store.put(
            writer_db,
            store.RECORD,
            {"id": "Z0", "title": "并发写入起点", "category": "民俗", "status": "已发布"},
            "load",
        )
    index.sync(home, writer_db)
    committer = threading.Thread(target=keep_committing)
    committer.start()
    try:
        answers = [search(home, db, "蜡染" if n % 2 else "并发写入", limit=3) for n in range(150)]
    finally:
        stop.set()
        committer.join(60)
    assert [a["error"] for a in answers if a["error"]] == []
    assert all(a["total"] > 0 for a in answers[::2])
