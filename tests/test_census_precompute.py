"""The census figures the pages show by default are counted by the index sync worker (a process of its
own, as ``heritage serve`` runs it) after each save, so that a visitor's request only reads them; a
scope nobody counted in advance is counted by the request that asks for it, once."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from heritage import census, users
from heritage.store import open_store
from heritage.visibility import PUBLIC, RESEARCHER
from indexer import index
from tests.test_census import GUIZHOU, LEISHAN, TAIJIANG, make
from tests.test_census_web import numbers, page
from tests.test_curate import PASSWORDS, Session
from web import create_app

WORKER = "import sys; from indexer.index import run_worker_process; run_worker_process(sys.argv[1], 0.2)"
MAP_PLACE = re.compile(r'<a href="/search\?region=(\d+)"><circle[^>]*><title>[^：]+：(\d+) 条</title>')


@pytest.fixture
def site(tmp_path):
    """A site for 贵州 (site.cfg, read by the site and the worker alike) and its sync worker."""
    home = tmp_path / "instance"
    db = open_store(home)
    make(db)
    for name, role in (("li", "reviewer"), ("zhao", "researcher")):
        users.add_user(db, name, PASSWORDS[name], role)
    index.rebuild(home, db, procs=1)
    (home / "site.cfg").write_text(f'REGION = "{GUIZHOU}"\n', "utf-8")
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(home)])
    try:
        yield create_app({"TESTING": True, "HERITAGE_HOME": str(home)}), db
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        db.conn.close()


def counted_by_the_worker(db) -> None:
    """Wait (a minute at most) until the worker has counted the default figures for the store as it is."""
    chosen = census.scope(GUIZHOU)
    for _ in range(600):
        if all(census.is_precomputed(db, chosen, reader) for reader in (None, RESEARCHER, PUBLIC)):
            return
        time.sleep(0.1)
    raise AssertionError("同步进程一分钟内没有算好普查统计")


def default_pages(app) -> dict[str, str]:
    """The pages that show the default figures: for the public, a researcher and a reviewer."""
    public, researcher, reviewer = app.test_client(), Session(app, "zhao"), Session(app, "li")
    return {
        "map": page(public, "/map"),
        "browse": page(public, "/browse"),
        "researcher map": page(researcher.client, "/map"),
        "dashboard": page(reviewer.client, "/curate/dashboard"),
    }


def test_after_a_save_the_worker_has_counted_and_the_pages_only_read(site):
    app, db = site
    counted_by_the_worker(db)
    before = census.times_counted()
    pages = default_pages(app)
    assert census.times_counted() == before  # the worker counted; the requests only read
    assert dict(MAP_PLACE.findall(pages["map"])) == {TAIJIANG: "2", LEISHAN: "1"}
    assert numbers(pages["dashboard"])[("status", "待审核")][0] == 1

    reviewer = Session(app, "li")
    moved = reviewer.post("/curate/records/A3/move", to="已发布")  # 雷山's record under review is published
    assert moved.status_code == 302
    counted_by_the_worker(db)
    before = census.times_counted()
    pages = default_pages(app)
    assert census.times_counted() == before
    assert dict(MAP_PLACE.findall(pages["map"])) == {TAIJIANG: "2", LEISHAN: "2"}
    assert dict(MAP_PLACE.findall(pages["researcher map"])) == {TAIJIANG: "2", LEISHAN: "2"}
    dashboard = numbers(pages["dashboard"])
    assert ("status", "待审核") not in dashboard and dashboard[("status", "已发布")][0] == 5
    summary = numbers(pages["browse"])
    assert summary[("vitality", "濒危")][0] == 2  # A1 and now A3 (A5's is not public)


def test_a_scope_nobody_counted_is_counted_once_by_its_request(site):
    app, db = site
    counted_by_the_worker(db)
    client = app.test_client()
    before = census.times_counted()
    country = page(client, "/map?region=全国&level=province")
    assert census.times_counted() == before + 1
    assert page(client, "/map?region=全国&level=province") == country
    assert census.times_counted() == before + 1  # kept


def test_the_worker_counts_again_only_when_the_store_changed(site):
    app, db = site
    home = Path(app.instance_path)
    counted_by_the_worker(db)
    assert census.precompute(home, db) == 0  # kept in files for the store as it is: a new worker does not count
    Session(app, "li").post("/curate/records/A3/move", to="已发布")
    counted_by_the_worker(db)  # for the store as it is now
    assert census.precompute(home, db) == 0
    assert len(list((home / "census").glob("*.json"))) == 6  # counts and lists of three readers: no earlier state
