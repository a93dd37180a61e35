"""Every hostile upload is refused or cleaned with a clear message; kept images carry no metadata."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, PngImagePlugin

from heritage import media
from heritage.cli import main
from heritage.db import write


def picture(fmt: str = "JPEG", size=(320, 200), exif: Image.Exif | None = None, **options) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (180, 40, 30))
    image.paste((20, 60, 160), (0, 0, size[0] // 2, size[1] // 4))  # a blue block at the top left
    if exif is not None:
        options["exif"] = exif
    image.save(out, fmt, **options)
    return out.getvalue()


def bomb_png(side: int = 20000) -> bytes:
    """About a hundred bytes claiming side×side pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def files(home: Path) -> list[Path]:
    return sorted(p for p in (home / "media" / "images").rglob("*") if p.is_file()) if (home / "media").exists() else []


HOSTILE = {
    "bomb.png": (bomb_png(), "解压炸弹"),
    "large-claim.png": (bomb_png(7000), "7000×7000"),
    "truncated.jpg": (picture()[:400], "不完整或已损坏"),
    "tiff.png": (picture("TIFF"), "不是 JPEG、PNG 或 WEBP"),
    "eps.png": (
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nnewpath 0 0 moveto showpage\n",
        "不是 JPEG、PNG 或 WEBP",
    ),
    "svg.png": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "不是 JPEG、PNG 或 WEBP"),
    "polyglot.jpg": (picture("GIF") + b"<html><script>alert(1)</script></html>", "不是 JPEG、PNG 或 WEBP"),
    "empty.jpg": (b"", "文件是空的"),
    "huge.jpg": (b"\xff\xd8" + b"\0" * (media.MAX_BYTES + 1), "文件过大"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_with_a_reason_and_leave_nothing(home, name):
    data, reason = HOSTILE[name]
    assert len(bomb_png()) < 120
    with pytest.raises(media.MediaError, match=reason):
        media.ingest(home, data, name)
    assert files(home) == []


def test_metadata_and_gps_are_stripped_and_orientation_applied(home):
    exif = Image.Exif()
    exif[0x010E] = "<script>alert(1)</script>"  # ImageDescription
    exif[0x0112] = 6  # rotate 90° when shown
    exif[0x8825] = {1: "N", 2: (26.0, 34.0, 12.0), 3: "E", 4: (108.0, 25.0, 1.0)}  # GPS: a home in 台江
    data = picture(size=(320, 200), exif=exif, comment=b"<script>alert(2)</script>")
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    stored = media.ingest(home, data, "苗族刺绣.jpg")
    assert (stored["width"], stored["height"]) == (200, 320) and stored["original_name"] == "苗族刺绣.jpg"
    folder = media.folder(home, stored["storage_id"])
    for path in folder.iterdir():
        raw = path.read_bytes()
        assert b"<script>" not in raw and b"Exif" not in raw, path.name
        with Image.open(path) as image:
            assert not image.getexif() and "exif" not in image.info and "comment" not in image.info
    with Image.open(folder / "master.jpg") as master:
        assert master.getpixel((190, 5))[2] > 120  # the blue block, turned, is now at the top right
    assert sorted(p.name for p in folder.iterdir()) == ["large.jpg", "master.jpg", "medium.jpg", "thumb.jpg"]
    with Image.open(folder / "thumb.jpg") as thumb:
        assert max(thumb.size) <= media.SIZES["thumb"]


def test_png_text_chunks_are_dropped_and_transparency_kept(home):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (0, 0, 0, 0)).save(out, "PNG", pnginfo=info)
    stored = media.ingest(home, out.getvalue(), "a.png")
    master = media.folder(home, stored["storage_id"]) / "master.png"
    assert b"<script>" not in master.read_bytes() and stored["format"] == "png"
    with Image.open(master) as image:
        assert image.mode == "RGBA" and not image.text


@pytest.mark.parametrize(
    "name, kept",
    [("../../etc/passwd", "passwd"), ("a\x00b.jpg", "ab.jpg"), ("C:\\照片\\苗绣.jpg", "苗绣.jpg"), ("", "未命名")],
)
def test_the_client_file_name_is_only_metadata(home, name, kept):
    stored = media.ingest(home, picture(), name)
    assert stored["original_name"] == kept
    assert all(home / "media" / "images" in p.parents for p in files(home))
    assert len(stored["storage_id"]) == 32 and len(stored["sha256"]) == 64


def test_upload_through_the_workspace_and_rebuild(corpus_index, tmp_path):
    from heritage import users
    from tests.test_curate import PASSWORDS, Session, token
    from web import create_app

    home, db = corpus_index
    users.add_user(db, "uploader", PASSWORDS["zhang"], "reviewer")  # C134 is published
    app = create_app({"TESTING": True, "HERITAGE_HOME": str(home)})
    curator = Session(app)
    curator.post("/login", username="uploader", password=PASSWORDS["zhang"])
    curator.csrf = token(curator.text("/login"))  # a new session, a new token
    upload = lambda data, name: curator.client.post(  # noqa: E731
        "/curate/records/C134/images",
        data={
            "csrf_token": curator.csrf,
            "image": (io.BytesIO(data), name),
            "caption": "蜡染局部",
            "author": "测试",
            "rights": "CC BY 4.0",
        },
        content_type="multipart/form-data",
    )
    refused = upload(bomb_png(), "bomb.png")
    assert refused.status_code == 302 and "图片未保存" in curator.text("/curate/records/C134")
    assert db.execute("SELECT count(*) FROM media WHERE record_id = 'C134' AND medium = 'image'").fetchone()[0] == 0
    upload(picture(), "蜡染.jpg")
    upload(picture("PNG"), "第二张.png")
    rows = media.images(db, "C134")
    assert [r["original_name"] for r in rows] == ["蜡染.jpg", "第二张.png"] and rows[0]["caption"] == "蜡染局部"
    curator.post(f"/curate/images/{rows[1]['id']}/move", step="up")
    assert [r["original_name"] for r in media.images(db, "C134")] == ["第二张.png", "蜡染.jpg"]
    public = app.test_client()
    page = public.get("/records/C134").get_data(as_text=True)
    assert f"/images/{rows[0]['id']}/thumb.jpg" in page and "蜡染局部" in page
    image = public.get(f"/images/{rows[0]['id']}/large.jpg")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    image.close()
    assert public.get(f"/images/{rows[0]['id']}/master.jpg").status_code == 404
    thumb = media.folder(home, rows[0]["storage_id"]) / "thumb.jpg"
    thumb.unlink()
    result = CliRunner().invoke(main, ["--home", str(home), "media", "rebuild"])
    assert result.exit_code == 0 and "已重新生成 2 张" in result.output and thumb.exists()
    curator.post(f"/curate/images/{rows[0]['id']}/delete")
    assert not media.folder(home, rows[0]["storage_id"]).exists() and len(media.images(db, "C134")) == 1
    with write(db):
        db.execute("DELETE FROM media WHERE medium = 'image'")


def test_migration_0009_names_each_row_by_its_medium(tmp_path):
    from heritage.db import connect
    from heritage.migrations import MIGRATIONS, migrate

    old = connect(tmp_path / "old.db")
    with write(old):
        old.table("migrations").create({"name": str, "applied_at": str}, pk="name")
    for name, function in MIGRATIONS:
        if name.startswith("0009"):
            break
        with write(old):
            function(old)
            old.table("migrations").insert({"name": name, "applied_at": "2026-01-01T00:00:00+00:00"})
    with write(old):
        old.table("records").insert(
            {"id": "C1", "title": "苗族蜡染技艺", "category": "传统技艺", "status": "草稿", "access": "public"}
        )
        old.table("media").insert_all(
            [
                {"id": "M1", "record_id": "C1", "kind": "image", "position": 0},
                {"id": "cover-C1", "record_id": "C1", "kind": "cover"},
            ]
        )
    assert "0009_sound_and_video" in migrate(old)
    assert dict(old.execute("SELECT id, medium FROM media").fetchall()) == {"M1": "image", "cover-C1": "cover"}
    assert {"duration", "codecs", "captions"} <= set(old.table("media").columns_dict) and "kind" not in old.table(
        "media"
    ).columns_dict
    assert media.images(old, "C1")[0]["id"] == "M1" and old.table("media_jobs").count == 0


def test_without_ffmpeg_sound_and_video_are_refused_and_jobs_say_why(home, db, monkeypatch):
    from heritage import probe, recordings, transcode

    monkeypatch.setattr(probe.shutil, "which", lambda name: None)
    with pytest.raises(media.MediaError, match="服务器未安装 ffmpeg"):
        recordings.ingest(home, io.BytesIO(b"ID3" + b"\0" * 100), "苗歌.mp3")
    assert [p for p in (home / "media").rglob("*") if p.is_file()] == []
    with write(db):
        db.table("records").insert(
            {"id": "C1", "title": "苗族飞歌", "category": "传统音乐", "status": "草稿", "access": "public"}
        )
        stored = {"storage_id": "ab" * 16, "format": "mp3", "duration": 3.0, "original_name": "苗歌.mp3"}
        transcode.enqueue(db, media.add(db, "C1", stored, {}, probe.AUDIO))
    transcode.work(home, db)
    assert [job["message"] for job in transcode.recordings(db, "C1")] == ["转码失败：服务器未安装 ffmpeg"]


def _ended(pid: int) -> bool:
    """Whether a process has ended (gone, or a zombie nobody has reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith(("Z", "X"))
    except (FileNotFoundError, ProcessLookupError):
        return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="需要 Linux 的 /proc")
def test_the_media_worker_ends_when_its_parent_is_gone_even_before_it_started(home, db):
    import subprocess
    import sys
    import time

    parent = (
        "import multiprocessing, os\n"
        "from heritage import transcode\n"
        "worker = multiprocessing.get_context('spawn').Process("
        f"target=transcode.run_worker_process, args=({str(home)!r}, 0.2))\n"
        "worker.start()\n"
        "print(worker.pid, flush=True)\n"
        "os._exit(0)  # gone at once, before the worker has even imported its modules\n"
    )
    with subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True) as started:
        pid = int(started.stdout.readline())  # the worker holds the pipe open while it lives: read one line only
    deadline = time.monotonic() + 60
    while not _ended(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _ended(pid)
