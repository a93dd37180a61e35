"""The wheel alone is the program: built without warnings and installed in a fresh virtual environment
outside the checkout, it sets up a data folder, indexes it and serves the site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.live import free_port, wait_until_up
from tests.shipped import SHIPPED as SHIPPED_RECORDS

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "instance",
    "test-artifacts",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
)
SHIPPED = (
    "heritage_corpus/records.csv",
    "heritage_corpus/exhibits.toml",
    "web/templates/base.html",
    "web/templates/sitemap.xml",
    "web/templates/curate/edit.html",
    "web/static/site.css",
)


def _run(*command, **options) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, **options)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_wheel_alone_inits_indexes_and_serves(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    built = _run(sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", tmp_path / "dist", source)
    assert "BuildBackendWarning" not in built.stdout + built.stderr
    wheel = next((tmp_path / "dist").glob("*.whl"))
    assert set(SHIPPED) <= set(zipfile.ZipFile(wheel).namelist())

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    installed = _run(venv / "bin" / "python", "-m", "pip", "install", wheel)
    assert "BuildBackendWarning" not in installed.stdout + installed.stderr
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HERITAGE_HOME", "VIRTUAL_ENV")}
    where = _run(
        venv / "bin" / "python", "-c", "import heritage, web; print(heritage.__file__, web.__file__)", cwd=work, env=env
    ).stdout
    assert str(ROOT) not in where and where.count(str(venv)) == 2
    heritage = venv / "bin" / "heritage"
    assert f"新增 {SHIPPED_RECORDS} 条" in _run(heritage, "init", cwd=work, env=env).stdout
    assert f"已重建检索索引：{SHIPPED_RECORDS} 条记录" in _run(heritage, "index", cwd=work, env=env).stdout

    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [heritage, "serve", "--dev", "--port", str(port)], cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        address = wait_until_up(server, f"http://127.0.0.1:{port}", log)
        for path, text in (
            ("/", "专题展览"),
            ("/records/C134", "苗族蜡染技艺"),
            ("/sitemap.xml", "<sitemapindex"),
            ("/login", "登录"),
        ):
            with urllib.request.urlopen(address + path, timeout=10) as response:
                assert response.status == 200 and text in response.read().decode("utf-8"), path
        with urllib.request.urlopen(address + "/covers/C134.png", timeout=10) as response:
            assert response.headers.get_content_type() == "image/png"
    finally:
        server.terminate()
        server.wait(timeout=30)
