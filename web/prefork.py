"""``heritage serve --processes N``: one listening socket, bound once by the parent, served by N forked
processes (the kernel hands each new connection to one of them), so that the site's Python uses every
core instead of one GIL.  Each process builds its own site after the fork (no store connection or index
reader crosses it).  A process that dies is reported and replaced; when they keep dying the site stops
with the reason, rather than restart for ever."""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from typing import Any

import click

DEATHS, WINDOW = 5, 60.0  # this many deaths within WINDOW seconds: a crash loop, not bad luck
BACKLOG = 1024  # waitress's own default
PER_CORE = 4  # more web processes than this per core only queue for the cores and take memory


class FailingProcesses(RuntimeError):
    """The web processes keep dying: the site stops (the message says so in Chinese)."""


class BadCount(ValueError):
    """WEB_PROCESSES in site.cfg is not a count of processes."""


def count(given: int | None, configured: Any) -> int:
    """How many web processes: ``--processes`` when given, else WEB_PROCESSES of site.cfg, else 1;
    0 means one per core of this machine; at most PER_CORE per core (BadCount, in Chinese, for anything
    else: each process takes hundreds of MB, and 100,000 of them took the machine's memory)."""
    chosen, where = (configured, "site.cfg 的 WEB_PROCESSES") if given is None else (given, "--processes")
    if isinstance(chosen, bool) or not isinstance(chosen, int) or chosen < 0:
        raise BadCount(f"{where} 应为 0（每核一个进程）或正整数，现在是 {chosen!r}")
    cores = len(os.sched_getaffinity(0))
    if chosen > PER_CORE * cores:
        raise BadCount(
            f"{where} 至多为 {PER_CORE * cores}（本机 {cores} 个核的 {PER_CORE} 倍；每个网站进程要几百 MB 内存），现在是 {chosen}"
        )
    return chosen or cores


def listening(host: str, port: int) -> socket.socket:
    """A socket bound to host:port and listening (OSError when it cannot be, as from bind)."""
    family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    return socket.create_server(address, family=family, backlog=BACKLOG)


def stop_on_terminate() -> None:
    """Let SIGTERM end this process as Ctrl-C does, by an exception in the main thread, so cleanups run
    (waitress's run() returns on it)."""
    signal.signal(signal.SIGTERM, _raise_exit)


def _raise_exit(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


@contextlib.contextmanager
def deaf_to_ctrl_c() -> Iterator[None]:
    """Processes started inside ignore Ctrl-C, which the terminal sends to the whole group: their parent
    stops them (without it each printed a KeyboardInterrupt traceback).  Ctrl-C is also held back from this
    process meanwhile, not lost: Linux keeps a blocked signal pending even while it is ignored, and it
    arrives once the handler is back (a Ctrl-C during a child's start had left the site running)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _child(serve: Callable[[socket.socket], None], sock: socket.socket) -> None:
    """One web process: serves the socket until SIGTERM or until its parent is gone (even by kill -9)."""
    stop_on_terminate()
    threading.Thread(target=_end_with_parent, name="heritage-parent-watch", daemon=True).start()
    serve(sock)


def _end_with_parent() -> None:
    parent = multiprocessing.parent_process()
    assert parent is not None
    parent.join()  # the fork's pipe to the parent closes when the parent ends, however it ends
    os.kill(os.getpid(), signal.SIGTERM)


def _cause(exitcode: int) -> str:
    if exitcode < 0:
        return f"被信号 {signal.Signals(-exitcode).name} 终止"
    return f"退出码 {exitcode}"


class Prefork:
    """``processes`` forked children, each running ``serve(sock)``, kept at that number."""

    def __init__(self, serve: Callable[[socket.socket], None], sock: socket.socket, processes: int):
        self.serve, self.sock, self.processes = serve, sock, processes
        self._context = multiprocessing.get_context("fork")
        self._deaths: collections.deque[float] = collections.deque(maxlen=DEATHS)

    def _start(self) -> BaseProcess:
        child = self._context.Process(target=_child, args=(self.serve, self.sock), name="heritage-web")
        with deaf_to_ctrl_c():
            child.start()
        return child

    def run(self) -> None:
        """Serve until SIGTERM or Ctrl-C (then every child is stopped before this returns), or until the
        children keep dying (FailingProcesses)."""
        children: list[BaseProcess] = []
        try:
            while len(children) < self.processes:
                children.append(self._start())
            while True:
                wait([child.sentinel for child in children])
                for n, child in enumerate(children):
                    if child.exitcode is not None:
                        children[n] = self._replaced(child)
        except (KeyboardInterrupt, SystemExit):
            pass  # asked to stop, as waitress's run() takes it
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.join(10)
                if child.exitcode is None:
                    child.kill()
                    child.join()

    def _replaced(self, dead: BaseProcess) -> BaseProcess:
        now = time.monotonic()
        self._deaths.append(now)
        cause = _cause(dead.exitcode or 0)
        if len(self._deaths) == DEATHS and now - self._deaths[0] < WINDOW:
            raise FailingProcesses(
                f"网站进程在 {WINDOW:.0f} 秒内意外结束了 {DEATHS} 次（最后一次：进程 {dead.pid}，{cause}），"
                "网站已停止：请查看上面的错误信息。"
            )
        child = self._start()
        click.echo(f"网站进程 {dead.pid} 意外结束（{cause}），已启动新的网站进程 {child.pid}。", err=True)
        return child
