"""`heritage serve` with two web processes on one port (web.prefork): both answer, both see a save made
in the workspace, a process that dies is reported and replaced, SIGTERM or Ctrl-C leaves no process behind.

Which process answered is read from /proc (which process holds the server side of a connection), so
the site tells the public nothing new."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from heritage import store, users
from heritage.editing import editable
from tests.live import Curator, free_port, heritage_command, start_server
from web.forms import cells_of

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="读 /proc 只在 Linux 上可行")

SETTINGS = 'SECRET_KEY = "prefork-test-key-0123456789"\n'
LISTEN = "0A"  # the state of a listening socket in /proc/net/tcp


def _parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):
        return None


def _descendants(pid: int) -> set[int]:
    pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    children = {child for child in pids if _parent_of(child) == pid}
    return children.union(*(_descendants(child) for child in children))


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _socket_inodes(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def _tcp() -> list[tuple[int, int, str, str]]:
    """(local port, remote port, state, inode) of every TCP socket on the machine."""
    rows = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(name).read_text().splitlines()[1:]:
            fields = line.split()
            rows.append(
                (int(fields[1].rsplit(":", 1)[1], 16), int(fields[2].rsplit(":", 1)[1], 16), fields[3], fields[9])
            )
    return rows


def _web_processes(server: int, port: int) -> set[int]:
    """The server's children that hold its listening socket."""
    listening = {inode for local, _, state, inode in _tcp() if local == port and state == LISTEN}
    return {pid for pid in _descendants(server) if _parent_of(pid) == server and _socket_inodes(pid) & listening}


def _serving(process: subprocess.Popen, port: int, without: set[int] = frozenset()) -> set[int]:
    """The two web processes, once there are two and none of them is in ``without``."""

    def ready() -> set[int] | None:
        found = _web_processes(process.pid, port)
        return found if len(found) == 2 and not found & without else None

    return _wait_for(ready, f"没有两个网站进程：{_web_processes(process.pid, port)}")


def _owner(connection: http.client.HTTPConnection, port: int, candidates: set[int]) -> int | None:
    """Which of the processes holds the server side of the connection."""
    mine = connection.sock.getsockname()[1]
    inodes = {inode for local, remote, _, inode in _tcp() if local == port and remote == mine}
    return next((pid for pid in candidates if _socket_inodes(pid) & inodes), None)


def _one_connection_each(port: int, processes: set[int]) -> dict[int, http.client.HTTPConnection]:
    """A kept-alive connection to each web process (connections go where the kernel sends them)."""
    found: dict[int, http.client.HTTPConnection] = {}
    for _ in range(300):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/robots.txt")
        connection.getresponse().read()
        owner = _owner(connection, port, processes)
        if owner is not None and owner not in found:
            found[owner] = connection
        else:
            connection.close()
        if len(found) == len(processes):
            break
    return found


def _total(connection: http.client.HTTPConnection, query: str) -> int:
    connection.request("GET", f"/api/search?q={query}")
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, body
    return json.loads(body)["total"]


def _wait_for(condition, what: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.3)
    return found


def _stopped_without_orphans(process: subprocess.Popen, everyone: set[int], ctrl_c: bool = False) -> None:
    """Stop the server by SIGTERM, or by Ctrl-C as a terminal sends it (to every process of the group);
    it ends with 0 and no process it started outlives it."""
    for pid in {process.pid} | everyone if ctrl_c else {process.pid}:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT if ctrl_c else signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    _wait_for(lambda: not [pid for pid in everyone if _alive(pid)], "网站停止之后仍有子进程在运行")


@contextlib.contextmanager
def _site(home: Path, name: str, settings: str, options: tuple[str, ...]):
    """The site served by ``heritage serve`` (not --dev) with the settings and options: (process,
    address, port, log); killed at the end whatever happened."""
    (home / "site.cfg").write_text(settings, "utf-8")
    log = home.parent / f"{name}.log"
    process, address = start_server(home, log, options=options)
    try:
        yield process, address, int(address.rsplit(":", 1)[1]), log
    finally:
        process.kill()
        process.wait()


def test_two_processes_answer_and_each_sees_a_workspace_save(corpus_index):
    home, db = corpus_index
    users.add_user(db, "duo", "duo-pass-0001", "reviewer")  # C134 is published: reviewers edit it
    pinned: dict[int, http.client.HTTPConnection] = {}
    with _site(home, "processes", SETTINGS + "WEB_PROCESSES = 2\n", ()) as (process, address, port, log):
        web = _serving(process, port)
        assert "2 个网站进程" in log.read_text("utf-8")
        pinned = _one_connection_each(port, web)
        assert set(pinned) == web, "没有两个进程都接到连接"
        word = f"qzxv{process.pid}"
        assert [_total(connection, word) for connection in pinned.values()] == [0, 0]

        record = store.get(db, store.RECORD, "C134")
        form = cells_of(store.RECORD, record) | {
            f"access.{f.name}": record["field_access"].get(f.name, f.access) for f in editable(store.RECORD)
        }
        form["content"] += f"（核对 {word}）"
        curator = Curator(address)  # a new connection per request: signed in by one process, saved by any
        curator.sign_in("duo", "duo-pass-0001")
        saved = curator.request("POST", "/curate/records/C134", form | {"action": "save", "version": record["version"]})
        assert saved.status == 302, saved.text

        for pid, connection in pinned.items():
            _wait_for(lambda connection=connection: _total(connection, word) == 1, f"进程 {pid} 的检索没有看到保存")
            assert _owner(connection, port, web) == pid  # the same process answered throughout
        _stopped_without_orphans(process, _descendants(process.pid))
        for connection in pinned.values():
            connection.close()


def test_a_dead_process_is_reported_and_replaced(corpus_index):
    with _site(corpus_index[0], "replaced", SETTINGS, ("--processes", "2")) as (process, _, port, log):
        first = _serving(process, port)
        dead = min(first)
        os.kill(dead, signal.SIGKILL)
        now = _serving(process, port, without={dead})
        assert first - {dead} < now
        _wait_for(lambda: f"网站进程 {dead} 意外结束（被信号 SIGKILL 终止）" in log.read_text("utf-8"), "没有报告")
        answering = _one_connection_each(port, now)
        for connection in answering.values():
            connection.close()
        assert set(answering) == now  # the new one answers too
        _stopped_without_orphans(process, _descendants(process.pid))  # Ctrl-C after a replacement: see the note
        assert "Traceback" not in log.read_text("utf-8")


def test_processes_that_keep_dying_stop_the_site_with_the_reason(corpus_index):
    with _site(corpus_index[0], "dying", SETTINGS, ("--processes", "2")) as (process, _, port, log):
        everyone = _descendants(process.pid)
        for _ in range(5):
            victim = min(_serving(process, port))
            everyone |= _descendants(process.pid)
            os.kill(victim, signal.SIGKILL)
            _wait_for(lambda victim=victim: not _alive(victim), "没有结束")
        assert process.wait(timeout=60) == 1
        text = log.read_text("utf-8")
        assert "网站进程在 60 秒内意外结束了 5 次" in text and "网站已停止" in text and "Traceback" not in text
        _wait_for(lambda: not [pid for pid in everyone if _alive(pid)], "网站停止后仍有子进程在运行")


def test_wrong_process_counts_are_refused_in_chinese(tmp_path):
    home = tmp_path / "instance"
    subprocess.run(heritage_command("--home", str(home), "init", "--no-corpus"), check=True, capture_output=True)
    for settings, options, words in (
        ("", ("--dev", "--processes", "2"), "开发模式（--dev）只用一个网站进程"),
        (SETTINGS + 'WEB_PROCESSES = "many"\n', (), "site.cfg 的 WEB_PROCESSES 应为 0（每核一个进程）或正整数"),
        (SETTINGS, ("--processes", "-1"), "--processes 应为 0（每核一个进程）或正整数，现在是 -1"),
        (SETTINGS, ("--processes", "100000"), "--processes 至多为"),
        (SETTINGS + "WEB_PROCESSES = 100000\n", (), "site.cfg 的 WEB_PROCESSES 至多为"),
    ):
        (home / "site.cfg").write_text(settings, "utf-8")
        result = subprocess.run(
            heritage_command("--home", str(home), "serve", *options, "--port", str(free_port())),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0 and words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr + result.stdout and "网站已启动" not in result.stdout


def test_dev_mode_serves_in_one_process_whatever_site_cfg_says(corpus_index):
    settings = "WEB_PROCESSES = 2\n"
    with _site(corpus_index[0], "dev", settings, ("--dev",)) as (process, _, port, log):
        text = log.read_text("utf-8")
        assert "开发模式只用一个网站进程（不按 site.cfg 的 WEB_PROCESSES）" in text and "1 个网站进程" in text
        assert _web_processes(process.pid, port) == set()  # the server itself answers
        _stopped_without_orphans(process, _descendants(process.pid))
