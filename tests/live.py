"""A real server for tests: `heritage serve --dev` in its own process on a free port."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """Start the site on a data folder; returns the process and its address once it answers."""
    port = free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, "-c", "from heritage.cli import main; main()", "--home", str(home),
                                    "serve", "--dev", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(address + "/robots.txt", timeout=1).close()
            return process, address
        except OSError:
            time.sleep(0.2)
    process.kill()
    process.wait()
    raise RuntimeError("网站没有启动：" + log.read_text("utf-8", "replace"))
