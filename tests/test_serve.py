"""`heritage serve` as a newcomer starts it: a relative data folder, a taken port, an error in dev mode."""

from __future__ import annotations

import io
import socket
import subprocess
import urllib.error
import urllib.request

from PIL import Image

from heritage import covers, media
from heritage.db import write
from heritage.store import open_store
from tests.live import free_port, heritage_command, start_server


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get_content_type(), error.read()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (180, 40, 30)).save(out, "JPEG")
    return out.getvalue()


def test_relative_default_home_serves_covers_images_and_a_chinese_500(tmp_path):
    subprocess.run(heritage_command("init"), cwd=tmp_path, check=True, capture_output=True)
    home = tmp_path / "instance"
    db = open_store(home)
    with write(db):
        image_id = media.add(db, "C134", media.ingest(home, _jpeg(), "蜡染.jpg"), {"caption": "蜡染局部"})
    db.conn.close()
    broken = covers.cover_file(home, "C001")
    broken.unlink()
    broken.mkdir()  # a cover that cannot be read: an unhandled error inside the app
    process, address = start_server(None, tmp_path / "serve.log", cwd=tmp_path)
    try:
        status, kind, body = _get(address + "/covers/C134.png")
        assert (status, kind) == (200, "image/png") and body.startswith(b"\x89PNG")
        status, kind, _ = _get(f"{address}/images/{image_id}/large.jpg")
        assert (status, kind) == (200, "image/jpeg")
        status, kind, body = _get(address + "/covers/C001.png")
        page = body.decode("utf-8")
        assert (status, kind) == (500, "text/html") and "服务器出了点问题" in page and 'lang="zh-CN"' in page
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_taken_port_is_reported_in_chinese_before_starting(tmp_path):
    home = tmp_path / "instance"
    subprocess.run(heritage_command("--home", str(home), "init", "--no-corpus"), check=True, capture_output=True)
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = subprocess.run(
            heritage_command("--home", str(home), "serve", "--dev", "--port", str(port)),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"端口 {port} 已被占用" in result.stderr and "bash scripts/run --port" in result.stderr
    assert "heritage serve --port" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout and "网站已启动" not in result.stdout


def test_create_app_keeps_the_data_folder_absolute(tmp_path, monkeypatch):
    from web import create_app

    monkeypatch.chdir(tmp_path)
    app = create_app({"TESTING": True, "HERITAGE_HOME": "instance"})
    assert app.config["HERITAGE_HOME"] == str(tmp_path / "instance") == app.instance_path
