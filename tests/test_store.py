import multiprocessing
import sqlite3
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage import store
from heritage.db import connect, write
from heritage.maintenance import backup, check
from heritage.store import RECORD, open_store

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
CHINESE_TEXT = (
    st.text(
        alphabet=st.one_of(HAN, st.sampled_from("，。、；：“”（）《》 \n" + string.ascii_letters + "𠮷㐀ཀ་ئۇ")),
        min_size=1,
        max_size=200,
    )
    .map(str.strip)
    .filter(bool)
)


def _record(**fields):
    return {"id": "T1", "title": "苗族古歌", "category": "民间文学", "status": "已发布", **fields}


def test_wal_full_sync_and_busy_timeout(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_put_writes_revision_and_outbox(db):
    with write(db):
        assert store.put(db, RECORD, _record(ethnic_groups=["苗族"]), "张三") == "新增"
    with write(db):
        assert store.put(db, RECORD, _record(ethnic_groups=["苗族"]), "张三") == "未变"
    with write(db):
        assert store.put(db, RECORD, _record(ethnic_groups=["苗族", "侗族"]), "李四") == "更新"
    saved = store.get(db, RECORD, "T1")
    assert saved["version"] == 2 and saved["ethnic_groups"] == ["苗族", "侗族"]
    revisions = list(db.query("SELECT user, version, diff FROM revisions ORDER BY version"))
    assert [r["user"] for r in revisions] == ["张三", "李四"]
    assert '"ethnic_groups": [["苗族"], ["苗族", "侗族"]]' in revisions[1]["diff"]
    assert db.execute("SELECT count(*) FROM outbox WHERE done_at IS NULL").fetchone()[0] == 2
    assert check(db) == []


def test_put_outside_write_is_refused(db):
    try:
        store.put(db, RECORD, _record(), "x")
    except RuntimeError as error:
        assert "write()" in str(error)
    else:
        raise AssertionError("put() outside a transaction must fail")


def test_failed_write_rolls_back(db):
    try:
        with write(db):
            store.put(db, RECORD, _record(), "x")
            raise ValueError("boom")
    except ValueError:
        pass
    assert store.get(db, RECORD, "T1") is None


def _increment(path, rounds):
    db = connect(path)
    for _ in range(rounds):
        with write(db):
            value = db.execute("SELECT value FROM counter").fetchone()[0]
            db.execute("UPDATE counter SET value = ?", [value + 1])


def test_two_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "c.db"
    db = connect(path)
    with write(db):
        db.execute("CREATE TABLE counter (value INTEGER)")
        db.execute("INSERT INTO counter VALUES (0)")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_increment, args=(path, 200)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    # A deferred read-then-write would have failed with "database is locked" or lost updates.
    assert db.execute("SELECT value FROM counter").fetchone()[0] == 400


def test_deferred_transactions_would_fail(tmp_path):
    """The defence above matters: two deferred read-then-write transactions collide."""
    path = tmp_path / "d.db"
    first = sqlite3.connect(path, isolation_level=None, timeout=0.2)
    first.execute("PRAGMA journal_mode=WAL")
    first.execute("CREATE TABLE t (v INTEGER)")
    first.execute("INSERT INTO t VALUES (0)")
    second = sqlite3.connect(path, isolation_level=None, timeout=0.2)
    first.execute("BEGIN")
    first.execute("SELECT v FROM t").fetchone()
    second.execute("BEGIN")
    second.execute("SELECT v FROM t").fetchone()
    second.execute("UPDATE t SET v = 1")
    second.execute("COMMIT")
    try:
        first.execute("UPDATE t SET v = 2")
    except sqlite3.OperationalError as error:
        assert "locked" in str(error) or "busy" in str(error).lower()
    else:
        raise AssertionError("expected a snapshot conflict")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=CHINESE_TEXT.filter(lambda t: len(t) <= 500 and "\n" not in t),
    content=CHINESE_TEXT,
    aliases=st.lists(CHINESE_TEXT.filter(lambda t: not any(c in t for c in "；;\n、，,")), max_size=4, unique=True),
)
def test_chinese_text_round_trips_through_the_store(db, title, content, aliases):
    record = _record(title=title, content=content, aliases=aliases)
    with write(db):
        store.put(db, RECORD, record, "hypothesis")
    saved = store.get(db, RECORD, "T1")
    assert (saved["title"], saved["content"], saved["aliases"]) == (title, content, aliases)


def test_backup_is_verified_and_complete(db, tmp_path):
    with write(db):
        store.put(db, RECORD, _record(), "x")
    size = backup(db, tmp_path / "b" / "copy.db")
    assert size > 0
    copy = open_store(tmp_path / "b2")  # a different folder: copy opened directly below
    copy.conn.close()
    restored = connect(tmp_path / "b" / "copy.db")
    assert store.get(restored, RECORD, "T1")["title"] == "苗族古歌"
    try:
        backup(db, tmp_path / "b" / "copy.db")
    except FileExistsError as error:
        assert "已存在" in str(error)


def test_readonly_connection_refuses_writes(db, home):
    with write(db):
        store.put(db, RECORD, _record(), "x")
    reader = open_store(home, readonly=True)
    assert store.get(reader, RECORD, "T1")["title"] == "苗族古歌"
    try:
        reader.execute("DELETE FROM records")
    except sqlite3.OperationalError as error:
        assert "readonly" in str(error) or "read-only" in str(error) or "query_only" in str(error)
    else:
        raise AssertionError("a read-only connection must refuse writes")
    assert store.count(db, RECORD) == 1
