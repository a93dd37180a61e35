"""New dictionary words reach the index through the outbox sync, and `heritage check` stays green."""

import json

import pytest
from click.testing import CliRunner

from heritage import corpus, store
from heritage.cli import main
from heritage.db import write
from indexer import analysis, index
from indexer.cli import check_index
from indexer.documents import SCHEMA_VERSION
from indexer.search import search

OLD_BODY = "当地的剪瓷雕远近闻名，庙宇屋脊上都有。"


@pytest.fixture
def indexed(home, db):
    """The shipped corpus plus O1, whose body holds a word no title has yet, indexed."""
    assert corpus.load(db, home).committed
    with write(db):
        store.put(
            db,
            store.RECORD,
            {"id": "O1", "title": "闽南庙宇装饰", "category": "传统美术", "content": OLD_BODY, "status": "已发布"},
            "test",
        )
    index.rebuild(home, db, procs=1)
    return home, db


def heritage(home, *args):
    return CliRunner().invoke(main, ["--home", str(home), *args], catch_exceptions=False)


def indexed_in_body(home, record_id, term):
    """True when the record's body carries this token in the current index."""
    generation = index.open_generation(home)
    with generation.index.searcher() as searcher:
        reader = searcher.reader()
        docnum = searcher.document_number(id=record_id)
        return bool(reader.doc_frequency("body", term)) and docnum in set(reader.postings("body", term).all_ids())


def strict_ids(answer):
    """The records holding every word (a relaxed search adds records holding some after them)."""
    return sorted(r["id"] for r in answer["results"] if not r.get("missing"))


def test_a_new_title_word_is_indexed_everywhere_without_a_rebuild(indexed):
    home, db = indexed
    assert strict_ids(search(home, db, "剪瓷雕")) == ["O1"]  # found the old way: the phrase 剪 瓷雕
    assert not indexed_in_body(home, "O1", "剪瓷雕")
    with write(db):
        store.put(
            db,
            store.RECORD,
            {
                "id": "N2",
                "title": "剪瓷雕",
                "category": "传统美术",
                "content": "以碎瓷片剪嵌成形的建筑装饰。",
                "status": "已发布",
            },
            "curator",
        )
    result = heritage(home, "index")
    assert result.exit_code == 0, result.output
    assert "剪瓷雕" in index.open_generation(home).segmenter.known
    assert indexed_in_body(home, "O1", "剪瓷雕")  # the older record was indexed again with the word
    check = heritage(home, "check")
    assert check.exit_code == 0, check.output
    assert check_index(home, db) == []
    answer = search(home, db, "剪瓷雕")
    assert analysis.words("剪瓷雕") == ["剪瓷雕"]  # the search process took up the grown dictionary
    assert strict_ids(answer) == ["N2", "O1"]
    assert search(home, db, "简瓷雕")["suggestion"] == "剪瓷雕"  # the homophones learnt the new word too


def test_the_server_worker_grows_the_dictionary_too(indexed):
    import time

    home, db = indexed
    search(home, db, "蜡染")  # this process's engine is open on the old dictionary
    worker = index.SyncWorker(home, interval=0.2)
    worker.start()
    try:
        with write(db):
            store.put(
                db,
                store.RECORD,
                {"id": "N3", "title": "螺钿漆器", "category": "传统技艺", "status": "已发布"},
                "curator",
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and index.status(home, db)["pending"]:
            time.sleep(0.1)
    finally:
        worker.stop()
        worker.join(10)
    assert check_index(home, db) == []
    assert strict_ids(search(home, db, "螺钿漆器")) == ["N3"]


def test_check_is_green_while_the_outbox_explains_the_lag(indexed):
    home, db = indexed
    with write(db):
        store.put(
            db, store.RECORD, {"id": "N4", "title": "打铁花", "category": "传统技艺", "status": "已发布"}, "curator"
        )
    state = index.status(home, db)
    assert state["missing"] == ["N4"] and "打铁花" in state["new_words"]
    assert check_index(home, db) == []  # a save the worker has not reached yet is no problem


def test_check_reports_an_outbox_nobody_drains(indexed):
    home, db = indexed
    with write(db):
        store.put(
            db, store.RECORD, {"id": "N5", "title": "泥叫叫", "category": "传统美术", "status": "已发布"}, "curator"
        )
        db.execute("UPDATE outbox SET created_at = '2020-01-01T00:00:00+00:00' WHERE done_at IS NULL")
    problems = check_index(home, db)
    assert len(problems) == 1 and "已超过 10 分钟" in problems[0] and "最早的在 2020-01-01" in problems[0]


def test_check_reports_what_the_outbox_cannot_explain(indexed):
    home, db = indexed
    with write(db):
        store.put(
            db, store.RECORD, {"id": "N6", "title": "夯土筑墙", "category": "传统技艺", "status": "已发布"}, "curator"
        )
        db.execute("UPDATE outbox SET done_at = created_at WHERE done_at IS NULL")  # a lost outbox row
    problems = check_index(home, db)
    assert any("缺少 1 条记录（如 N6）" in p for p in problems)
    assert any("领域词典缺少 1 个词（如 夯土筑墙）" in p for p in problems)
    heritage(home, "index", "--rebuild")
    assert check_index(home, db) == []


def test_check_reports_a_damaged_dictionary_file(indexed):
    home, db = indexed
    path = index.current_generation(home) / "dictionary.txt"
    path.write_text(path.read_text("utf-8") + "\n多出来的词", "utf-8")
    assert any("词典文件与记下的散列不符" in p for p in check_index(home, db))


def test_heritage_index_leaves_the_work_to_a_running_worker(indexed):
    import time

    home, db = indexed
    worker = index.SyncWorker(home, interval=0.2)
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not index.worker_running(home):
            time.sleep(0.05)
        with write(db):
            store.put(
                db,
                store.RECORD,
                {"id": "N7", "title": "竹编灯笼", "category": "传统技艺", "status": "已发布"},
                "curator",
            )
        result = heritage(home, "index")
        assert result.exit_code == 0 and "同步正在运行" in result.output and "无需再运行" in result.output
        result = heritage(home, "index", "--watch")  # a second worker would only compete for the writer
        assert result.exit_code == 0 and "无需再运行 heritage index --watch" in result.output
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and index.status(home, db)["pending"]:
            time.sleep(0.1)
        assert strict_ids(search(home, db, "竹编灯笼")) == ["N7"]
    finally:
        worker.stop()
        worker.join(10)
    assert not index.worker_running(home)
    assert heritage(home, "index").output.strip() == "已同步 0 条记录的修改。"


def test_heritage_index_beside_a_served_folder(indexed, tmp_path):
    import json
    import time
    import urllib.parse
    import urllib.request

    from tests.live import start_server

    home, db = indexed
    server, address = start_server(home, tmp_path / "serve.log")
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not index.worker_running(home):  # its worker starts beside it
            time.sleep(0.1)
        with write(db):
            store.put(
                db,
                store.RECORD,
                {"id": "N8", "title": "鼓楼侗寨营造", "category": "传统技艺", "status": "已发布"},
                "curator",
            )
        result = heritage(home, "index")
        assert result.exit_code == 0 and "网站（heritage serve）" in result.output, result.output
        url = address + "/api/search?q=" + urllib.parse.quote("鼓楼侗寨营造")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with urllib.request.urlopen(url) as response:
                if "N8" in strict_ids(json.load(response)):
                    break
            time.sleep(0.2)
        else:
            raise AssertionError("the server's worker did not sync N8")
    finally:
        server.kill()  # kill -9: its worker process goes with it
        server.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and index.worker_running(home):
        time.sleep(0.1)
    assert not index.worker_running(home)


def test_check_reports_an_index_built_by_older_rules_until_it_is_rebuilt(indexed):
    home, db = indexed
    generation = index.open_generation(home).path
    meta = json.loads((generation / "meta.json").read_text("utf-8"))
    (generation / "meta.json").write_text(json.dumps(meta | {"schema": SCHEMA_VERSION - 1}), "utf-8")
    problems = check_index(home, db)
    assert len(problems) == 1 and "旧的文档结构或分析规则" in problems[0]
    heritage(home, "index", "--rebuild")
    assert check_index(home, db) == []
