"""A real server for tests: `heritage serve --dev` in its own process on a free port, and a curator
talking HTTP to it."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def heritage_command(*args: str) -> list[str]:
    """The ``heritage`` command line, run by this Python."""
    return [sys.executable, "-c", "from heritage.cli import main; main()", *args]


def start_server(
    home: Path | None, log: Path, cwd: Path | None = None, options: tuple[str, ...] = ("--dev",)
) -> tuple[subprocess.Popen, str]:
    """Start the site on a data folder (None: the default, relative to ``cwd``) with the options of
    ``heritage serve``; returns the process and its address once it answers."""
    port = free_port()
    chosen = ["--home", str(home)] if home is not None else []
    with open(log, "ab") as out:
        process = subprocess.Popen(
            heritage_command(*chosen, "serve", *options, "--port", str(port)),
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, wait_until_up(process, f"http://127.0.0.1:{port}", log)


def wait_until_up(process: subprocess.Popen, address: str, log: Path, tries: int = 150) -> str:
    """The address once the server answers; kills it and raises, with its log, if it never does."""
    for _ in range(tries):
        if process.poll() is not None:
            break
        try:
            urllib.request.urlopen(address + "/robots.txt", timeout=1).close()
            return address
        except OSError:
            time.sleep(0.2)
    process.kill()
    process.wait()
    raise RuntimeError("网站没有启动：" + log.read_text("utf-8", "replace"))


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
