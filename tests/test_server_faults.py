"""SIGKILL of the real server while curators save: every save it acknowledged is in the store."""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time

from heritage import store, users
from heritage.store import open_store
from tests.live import Curator, start_server


def test_kill_9_during_saves_loses_no_acknowledged_save(corpus_index):
    home, db = corpus_index
    users.add_user(db, "saver", "saver-pass-01", "curator")
    for round_number in range(2):
        process, address = start_server(home, home.parent / "faults.log")
        curator = Curator(address)
        curator.sign_in("saver", "saver-pass-01")
        acknowledged: list[tuple[str, str]] = []

        def keep_saving() -> None:
            for n in range(100_000):
                title = f"断电测试{round_number}-{n}"
                try:
                    response = curator.request(
                        "POST",
                        "/curate/records/new",
                        {"title": title, "category": "民俗", "content": "保存后立即断电", "action": "save"},
                    )
                except (OSError, http.client.HTTPException):  # the kill may land between headers and body
                    return
                if response.status == 302:
                    acknowledged.append((response.getheader("Location").rsplit("/", 1)[1], title))

        saver = threading.Thread(target=keep_saving)
        saver.start()
        time.sleep(3)
        os.kill(process.pid, signal.SIGKILL)
        saver.join(timeout=30)
        process.wait()
        assert len(acknowledged) > 5
        fresh = open_store(home)
        assert fresh.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for record_id, title in acknowledged:
            record = store.get(fresh, store.RECORD, record_id)
            assert record is not None and record["title"] == title, record_id
            assert fresh.execute("SELECT 1 FROM outbox WHERE entity_id = ?", [record_id]).fetchone()
        fresh.conn.close()
