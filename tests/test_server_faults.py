"""SIGKILL of the real server while curators save: every save it acknowledged is in the store."""

from __future__ import annotations

import http.client
import os
import re
import signal
import threading
import time
import urllib.parse

from heritage import store, users
from heritage.store import open_store
from tests.live import start_server


class Curator:
    """A curator talking HTTP to the server: cookies and the form token kept by hand."""

    def __init__(self, address: str):
        self.host = urllib.parse.urlsplit(address).netloc
        self.cookie = ""
        self.csrf = ""

    def request(self, method: str, path: str, form: dict | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(self.host, timeout=10)
        headers = {"Cookie": self.cookie}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({"csrf_token": self.csrf, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        if found:
            self.csrf = found[1]
        return response

    def sign_in(self, username: str, password: str) -> None:
        self.request("GET", "/login")
        assert self.request("POST", "/login", {"username": username, "password": password}).status == 302
        self.request("GET", "/curate/records/new")


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
