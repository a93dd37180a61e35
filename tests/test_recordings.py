"""Sound and video: every kind we take is kept with no metadata; hostile files are refused with their
reason and leave nothing; web versions, poster and waveform come from the background job; captions are
checked; the files are served with range requests under the records' access rules.  The media are
made by ffmpeg's own generators (sine tones, test patterns)."""

from __future__ import annotations

import io
import json
import struct
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from heritage import captions, media, probe, recordings, transcode, users
from heritage.cli import main
from heritage.db import write

pytestmark = pytest.mark.skipif(not probe.available(), reason="未安装 ffmpeg（scripts/setup 以 root 运行时会安装）")
GPS = "+26.5667+108.4167/"  # a place in 台江, written into the MP4 as its location


def ffmpeg(out: Path, *args: str) -> Path:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args, str(out)], check=True)
    return out


def tone(out: Path, seconds: float = 3, *codec: str) -> Path:
    return ffmpeg(out, "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", *codec)


def clip(out: Path, seconds: float = 3, *codec: str) -> Path:
    pattern = f"testsrc=size=320x240:rate=25:duration={seconds}"
    return ffmpeg(out, "-f", "lavfi", "-i", pattern, "-f", "lavfi", "-i", f"sine=duration={seconds}", *codec)


TAGS = ["-metadata", "title=秘密标题", "-metadata", "comment=<script>alert(1)</script>", "-metadata", f"location={GPS}"]
MADE = {
    "苗歌.mp3": lambda p: tone(p, 3, "-c:a", "libmp3lame", *TAGS),
    "tone.m4a": lambda p: tone(p, 3, "-c:a", "aac", *TAGS),
    "tone.aac": lambda p: tone(p, 3, "-c:a", "aac", "-f", "adts"),
    "tone.ogg": lambda p: tone(p, 3, "-c:a", "libopus", *TAGS),
    "tone.opus": lambda p: tone(p, 3, "-c:a", "libopus"),
    "tone.wav": lambda p: tone(p, 3, *TAGS),
    "tone.flac": lambda p: tone(p, 3, *TAGS),
    "芦笙舞.mp4": lambda p: clip(p, 3, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", *TAGS),
    "clip.webm": lambda p: clip(p, 3, "-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus", *TAGS),
}
# what the muxers themselves write: the stream's language "und", handlers, brands, WebM's duration
KEPT_TAGS = {"language", "handler_name", "vendor_id", "major_brand", "minor_version", "compatible_brands", "duration"}
KEPT_TAGS |= {"encoder"}  # only ever "Lavf", with no version (checked below)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("made")
    for name, make in MADE.items():
        make(folder / name)
    return folder


def kept(home: Path) -> list[Path]:
    return sorted(p for p in (home / "media").rglob("*") if p.is_file()) if (home / "media").exists() else []


def tags(path: Path) -> dict[str, str]:
    shown = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", "-show_entries", "format_tags:stream_tags", str(path)],
        capture_output=True,
        check=True,
    )
    found = json.loads(shown.stdout)
    every = [found.get("format", {}).get("tags", {}), *(s.get("tags", {}) for s in found.get("streams", []))]
    found_tags = {k.lower(): v for t in every for k, v in t.items()}
    assert found_tags.get("encoder", "Lavf") == "Lavf" and found_tags.get("language", "und") == "und"
    return found_tags


def ingest(home: Path, path: Path, name: str | None = None) -> dict:
    with open(path, "rb") as handle:
        return recordings.ingest(home, handle, name or path.name)


@pytest.mark.parametrize("name", MADE)
def test_each_kind_we_take_is_kept_without_any_metadata(home, made, name):
    stored = ingest(home, made / name)
    assert stored["medium"] == ("video" if name.endswith(("mp4", "webm")) else "audio")
    assert 2.9 < stored["duration"] < 3.1 and stored["original_name"] == name
    master = recordings.master_file(home, stored)
    assert kept(home) == [master]  # the upload itself is gone from media/incoming
    assert set(tags(master)) <= KEPT_TAGS, tags(master)
    assert GPS.encode() not in master.read_bytes() and "秘密".encode() not in master.read_bytes()


def mdat_claims(path: Path, size: int) -> bytes:
    """The file with its media data box claiming ``size`` bytes."""
    data = path.read_bytes()
    at = data.find(b"mdat") - 4
    return data[:at] + struct.pack(">I", size) + data[at + 4 :]


def wav_claiming_hours() -> bytes:
    """One second of 8 kHz sound whose header says its data runs for about 149 hours."""
    form = struct.pack("<HHIIHH", 1, 1, 8000, 8000, 1, 8)
    return (
        b"RIFF"
        + struct.pack("<I", 0xFFFFFFF0)
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + form
        + b"data"
        + struct.pack("<I", 0xFFFFFF00)
        + b"\x80" * 8000
    )


def many_tags(made: Path, out: Path) -> Path:
    """A tone with a 10,000-entry metadata block."""
    block = out.with_suffix(".txt")
    block.write_text(";FFMETADATA1\n" + "".join(f"key{n}=value {n} <script>\n" for n in range(10_000)), "utf-8")
    return ffmpeg(out, "-i", str(made / "苗歌.mp3"), "-i", str(block), "-map_metadata", "1", "-c", "copy")


def faststart(made: Path, out: Path) -> Path:
    return ffmpeg(out, "-i", str(made / "芦笙舞.mp4"), "-c", "copy", "-movflags", "+faststart")


HOSTILE = {
    "truncated moov-last.mp4": (lambda m, t: (m / "芦笙舞.mp4").read_bytes()[:20_000], "无法识别为音频或视频"),
    "truncated faststart.mp4": (lambda m, t: faststart(m, t / "f.mp4").read_bytes()[:40_000], "不完整或已损坏"),
    "hours.wav": (lambda m, t: wav_claiming_hours(), "不完整或已损坏"),
    "renamed executable.mp3": (lambda m, t: Path("/bin/ls").read_bytes(), "无法识别为音频或视频"),
    "a wav.mp3": (lambda m, t: (m / "tone.wav").read_bytes(), "文件内容不是 MP3，与扩展名不符"),
    "an mp3.mp4": (lambda m, t: (m / "苗歌.mp3").read_bytes(), "文件内容不是 MP4/H.264"),
    "video in.m4a": (lambda m, t: (m / "芦笙舞.mp4").read_bytes(), "有画面"),
    "playlist.mp3": (lambda m, t: b"#EXTM3U\n#EXTINF:10.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n", "无法识别"),
    "zip after.mp3": (lambda m, t: (m / "苗歌.mp3").read_bytes() + b"PK\x03\x04<script>" + b"\0" * 200, "不完整"),
    "mpeg4 part 2.mp4": (
        lambda m, t: clip(t / "p2.mp4", 3, "-c:v", "mpeg4", "-c:a", "aac").read_bytes(),
        "编码 mpeg4 不在可接受之列",
    ),
    "h264 in.webm": (
        lambda m, t: clip(t / "h.mkv", 3, "-c:v", "libx264", "-c:a", "libopus").read_bytes(),
        "不在可接受之列",
    ),
    "program.exe": (lambda m, t: b"MZ\x90\x00", "不接受扩展名为“.exe”"),
    "empty.flac": (lambda m, t: b"", "文件是空的"),
    "silence.wav": (lambda m, t: tone(t / "s.wav", 0.2).read_bytes(), "太短"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_with_their_reason_and_leave_nothing(home, made, tmp_path, name):
    make, reason = HOSTILE[name]
    data = make(made, tmp_path)
    with pytest.raises(media.MediaError, match=reason):
        recordings.ingest(home, io.BytesIO(data), name)
    assert kept(home) == []


@pytest.mark.parametrize(
    "name, make",
    [
        (
            "html before.mp3",
            lambda m, t: b"<html><script>alert(1)</script></html>\n" * 20 + (m / "苗歌.mp3").read_bytes(),
        ),
        ("10000 tags.mp3", lambda m, t: many_tags(m, t / "tags.mp3").read_bytes()),
        ("huge mdat.mp4", lambda m, t: mdat_claims(faststart(m, t / "f.mp4"), 0xFFFFFFF0)),
    ],
)
def test_polyglots_and_lying_blocks_are_cleaned(home, made, tmp_path, name, make):
    stored = recordings.ingest(home, io.BytesIO(make(made, tmp_path)), name)
    master = recordings.master_file(home, stored)
    assert b"<script>" not in master.read_bytes() and b"PK\x03\x04" not in master.read_bytes()
    assert set(tags(master)) <= KEPT_TAGS and 2.9 < stored["duration"] < 3.1
    if name.endswith(".mp4"):  # the kept file's box says its true size
        at = master.read_bytes().find(b"mdat") - 4
        assert at + struct.unpack(">I", master.read_bytes()[at : at + 4])[0] == master.stat().st_size


def test_limits_on_size_and_duration(home, made, monkeypatch):
    monkeypatch.setitem(probe.MAX_BYTES, probe.AUDIO, 1000)
    with pytest.raises(media.MediaError, match="文件过大：超过音频的上限"):
        ingest(home, made / "tone.wav")
    monkeypatch.setitem(probe.MAX_BYTES, probe.AUDIO, 100 * 1024 * 1024)
    monkeypatch.setitem(probe.MAX_SECONDS, probe.VIDEO, 2)
    with pytest.raises(media.MediaError, match="视频时长 0 分钟，超过上限 0 分钟"):
        ingest(home, made / "芦笙舞.mp4")
    assert kept(home) == []


def queued(db, home: Path, path: Path, record_id: str = "C1") -> dict:
    """A recording kept for a record and queued for its web versions; its row."""
    stored = ingest(home, path)
    medium = stored.pop("medium")
    with write(db):
        if not db.execute("SELECT 1 FROM records WHERE id = ?", [record_id]).fetchone():
            db.table("records").insert({"id": record_id, "title": "测试", "category": "传统音乐"} | PUBLISHED)
        media_id = media.add(db, record_id, stored, {"caption": "试音"}, medium)
        transcode.enqueue(db, media_id)
    return dict(db.table("media").get(media_id))


PUBLISHED = {"status": "已发布", "access": "public"}


def test_the_job_makes_web_versions_with_progress(home, db, tmp_path):
    song = queued(db, home, tone(tmp_path / "long.flac", 12, "-c:a", "flac"))
    dance = queued(db, home, clip(tmp_path / "dance.webm", 3, "-c:v", "libvpx", "-deadline", "realtime"))
    assert transcode.job(db, song["id"])["label"] == "排队等待转码"
    shares: list[float] = []
    transcode.make(home, song, shares.append)
    assert shares and shares == sorted(shares) and all(0 < s < 1 for s in shares)
    assert transcode.work(home, db) == 2 and transcode.work(home, db) == 0
    for row in (song, dance):
        assert transcode.job(db, row["id"])["state"] == transcode.DONE
        assert transcode.job(db, row["id"])["progress"] == 1.0
    target = media.folder(home, song["storage_id"], "audio")
    assert sorted(p.name for p in target.iterdir()) == ["master.flac", "waveform.png", "web.m4a"]
    assert tags(target / "web.m4a").keys() <= KEPT_TAGS
    with Image.open(target / "waveform.png") as picture:
        assert picture.size == (1200, 160)
    target = media.folder(home, dance["storage_id"], "video")
    assert sorted(p.name for p in target.iterdir()) == ["master.webm", "poster.jpg", "web.mp4"]
    web = probe.probe(target / "web.mp4")
    assert [s["codec_name"] for s in web["streams"]] == ["h264", "aac"]
    with Image.open(target / "poster.jpg") as picture:
        assert picture.size == (320, 240)


def test_a_failed_job_says_why_and_a_dead_workers_job_is_taken_again(home, db, tmp_path):
    row = queued(db, home, tone(tmp_path / "a.wav", 2))
    recordings.master_file(home, row).unlink()
    transcode.work(home, db)
    assert transcode.job(db, row["id"])["message"] == "转码失败：原始文件缺失"
    with write(db):
        transcode.enqueue(db, row["id"])
        db.execute("UPDATE media_jobs SET state = 'running', worker = 999999999 WHERE media_id = ?", [row["id"]])
    assert transcode.claim(db)["id"] == row["id"]  # no process 999999999: its job is queued again


VTT = "WEBVTT\n\nNOTE 采录者的备注\n\n00:00.500 --> 00:01.800 align:start\n<b>哎——</b>唱起来\n\n00:01.800 --> 00:02.900\n<v 歌者>苗家的歌\n"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("00:00.500 --> 00:01.800\n歌\n", "第一行应是“WEBVTT”"),
        ("WEBVTT\n\n", "没有一条字幕"),
        ("WEBVTT\n\n00:02.000 --> 00:01.000\n歌\n", "第 1 条字幕的结束时间不晚于开始时间"),
        ("WEBVTT\n\n00:00.000 --> 00:09.000\n歌\n", "第 1 条字幕结束于 9.0 秒，晚于录音的结尾"),
        ("WEBVTT\n\n00:00.000 --> 00:01.000\n" + "长" * 501 + "\n", "超过 500 字"),
    ],
)
def test_bad_captions_are_refused_with_their_reason(text, reason):
    with pytest.raises(media.MediaError, match=reason):
        captions.read(text.encode(), duration=3.0)


def test_captions_are_kept_as_plain_cues(tmp_path):
    with pytest.raises(media.MediaError, match="UTF-8"):
        captions.read(VTT.encode("gb18030"), 3.0)
    with pytest.raises(media.MediaError, match="过大"):
        captions.read(b"WEBVTT\n\n" + b" " * captions.MAX_BYTES, 3.0)
    cues = captions.read(VTT.encode(), duration=3.0)
    captions.write(tmp_path / "c.vtt", cues)
    text = (tmp_path / "c.vtt").read_text("utf-8")
    assert text == "WEBVTT\n\n00:00:00.500 --> 00:00:01.800\n哎——唱起来\n\n00:00:01.800 --> 00:00:02.900\n苗家的歌\n"
    assert captions.transcript(tmp_path / "c.vtt") == cues


def fetch(client, url: str, **options):
    """A response read whole and closed (a file response holds its file open until then)."""
    response = client.get(url, **options)
    response.get_data()
    response.close()
    return response


@pytest.fixture
def site(corpus_index):
    from tests.test_curate import PASSWORDS, Session, token
    from web import create_app

    home, db = corpus_index
    if not users.get(db, "recorder"):
        users.add_user(db, "recorder", PASSWORDS["zhang"], "reviewer")  # the shipped records are published
    app = create_app({"TESTING": True, "HERITAGE_HOME": str(home)})
    curator = Session(app)
    curator.post("/login", username="recorder", password=PASSWORDS["zhang"])
    curator.csrf = token(curator.text("/login"))
    return app, curator, home, db


def test_workspace_upload_captions_range_requests_and_access(site, made):
    from tests.test_curate import new_record

    app, curator, home, db = site

    def upload(record_id: str, path: Path, name: str | None = None, **form):
        with open(path, "rb") as handle:
            return curator.client.post(
                f"/curate/records/{record_id}/recordings",
                data={"csrf_token": curator.csrf, "recording": (handle, name or path.name), **form},
                content_type="multipart/form-data",
            )

    before = kept(home)
    refused = upload("C134", made / "tone.wav", "a.mp3")
    assert refused.status_code == 302 and refused.headers["Location"].endswith("#recordings")
    assert "音视频未保存：文件内容不是 MP3，与扩展名不符" in curator.text("/curate/records/C134")
    assert kept(home) == before
    upload("C134", made / "苗歌.mp3", caption="飞歌试音", author="测试", rights="CC BY 4.0")
    (song,) = transcode.recordings(db, "C134")
    page = curator.text("/curate/records/C134")
    assert "排队等待转码" in page and "原文件名 苗歌.mp3" in page
    assert curator.get(f"/curate/recordings/{song['id']}/job").get_json()["state"] == "queued"
    public = app.test_client()
    assert "飞歌试音" not in public.get("/records/C134").get_data(as_text=True)  # not playable yet
    assert transcode.work(home, db) == 1
    assert curator.get(f"/curate/recordings/{song['id']}/job").get_json() == {
        "state": "done",
        "label": "已可播放",
        "progress": 1.0,
        "message": None,
    }
    curator.client.post(
        f"/curate/recordings/{song['id']}/captions",
        data={"csrf_token": curator.csrf, "captions": (io.BytesIO(VTT.encode()), "苗歌.vtt")},
        content_type="multipart/form-data",
    )
    page = public.get("/records/C134").get_data(as_text=True)
    src = f"/recordings/{song['id']}/web.m4a"
    assert f'<audio controls preload="metadata" src="{src}">' in page and "飞歌试音" in page
    assert f"/recordings/{song['id']}/captions.vtt" in page and "苗家的歌" in page and "<v 歌者>" not in page
    assert "时长 0:03" in page

    whole = fetch(public, src)
    size = len(whole.data)
    assert whole.status_code == 200 and whole.mimetype == "audio/mp4" and whole.headers["Accept-Ranges"] == "bytes"
    part = fetch(public, src, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.headers["Content-Range"] == f"bytes 100-199/{size}"
    assert part.data == whole.data[100:200]
    tail = fetch(public, src, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.data == whole.data[-50:]
    beyond = fetch(public, src, headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{size}"
    for name in ("master.mp3", "../../mediabase.sqlite", "web.mp4"):
        assert fetch(public, f"/recordings/{song['id']}/{name}").status_code == 404
    assert fetch(public, f"/recordings/{song['id']}/waveform.png").mimetype == "image/png"
    assert fetch(public, f"/images/{song['id']}/800.jpg").status_code == 404  # a recording is not an image

    hidden = new_record(curator, title="未发布的录音")
    upload(hidden, made / "芦笙舞.mp4")
    (dance,) = transcode.recordings(db, hidden)
    transcode.work(home, db)
    assert fetch(public, f"/recordings/{dance['id']}/web.mp4").status_code == 404
    assert fetch(curator.client, f"/curate/recordings/{dance['id']}/web.mp4").status_code == 200
    assert fetch(curator.client, f"/curate/recordings/{dance['id']}/poster.jpg").mimetype == "image/jpeg"

    curator.post(f"/curate/recordings/{song['id']}/delete")
    assert not media.folder(home, song["storage_id"], "audio").exists()
    assert transcode.job(db, song["id"]) is None and fetch(public, src).status_code == 404


def test_an_upload_larger_than_the_limit_is_refused_before_it_is_read(site):
    app, curator, home, db = site
    response = curator.client.post(
        "/curate/records/C134/recordings",
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(600 * 1024 * 1024)},  # what the request claims, not what it sends
    )
    assert response.status_code == 413 and "音频至多 100 MB，视频至多 500 MB" in response.get_data(as_text=True)


def test_rebuild_makes_every_derivative_again(home, db, made):
    row = queued(db, home, made / "tone.ogg")
    transcode.work(home, db)
    web = media.folder(home, row["storage_id"], "audio") / "web.m4a"
    web.unlink()
    result = CliRunner().invoke(main, ["--home", str(home), "media", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "已重新转码 1 个音频和视频" in result.output and web.exists()
    recordings.master_file(home, row).unlink()
    result = CliRunner().invoke(main, ["--home", str(home), "media", "rebuild"])
    assert result.exit_code == 1 and "1 个音频或视频转码失败" in result.output
