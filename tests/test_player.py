"""Sound and video in a real browser: the real server (`heritage serve`, whose media worker transcodes
the uploads), headless Chromium plays a clip on a record page and on an exhibit page and sees its time
advance; a seek lands where asked (range requests).  Screenshots at desktop and phone width go to
test-artifacts/browser/."""

from __future__ import annotations

import time

import pytest

from heritage import media, probe, recordings, transcode
from heritage.db import write
from tests.live import start_server
from tests.test_browser import CHROMIUM, Watched, browser  # noqa: F401  (the fixture)
from tests.test_recordings import VTT, clip, tone

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="未安装 Debian 的 chromium（scripts/test 以 root 运行时会安装）"),
    pytest.mark.skipif(not probe.available(), reason="未安装 ffmpeg（scripts/setup 以 root 运行时会安装）"),
]
WORKER_DEADLINE = 120  # seconds the serve's worker may take for two short clips on a busy machine


@pytest.fixture(scope="module")
def site(corpus_index, tmp_path_factory):
    """The real server, with a test tone on C078 and a test pattern on C086 (both in the 苗族的节日 exhibit),
    queued before and transcoded by the server's own media worker; its address."""
    home, db = corpus_index
    made = tmp_path_factory.mktemp("clips")
    queued = []
    for record_id, path, caption in (
        ("C078", tone(made / "tone.wav", 12), "测试音：440 Hz 正弦波（ffmpeg 生成，不是真实录音）"),
        ("C086", clip(made / "pattern.mp4", 8, "-c:v", "libx264", "-pix_fmt", "yuv420p"), "测试图案（ffmpeg 生成）"),
    ):
        with open(path, "rb") as handle:
            stored = recordings.ingest(home, handle, path.name)
        medium = stored.pop("medium")
        with write(db):
            media_id = media.add(db, record_id, stored, {"caption": caption, "rights": "CC0"}, medium)
            transcode.enqueue(db, media_id)
        queued.append(media_id)
    folder = media.folder(home, stored["storage_id"], medium)
    (folder / "captions.vtt").write_text(VTT, "utf-8")
    process, address = start_server(home, home.parent / "serve.log")
    deadline = time.monotonic() + WORKER_DEADLINE
    while any((transcode.job(db, m) or {}).get("state") != transcode.DONE for m in queued):
        assert time.monotonic() < deadline, [transcode.job(db, m) for m in queued]
        time.sleep(0.5)
    yield address
    process.terminate()
    process.wait(timeout=30)


def plays(player) -> float:
    """Start a player (muted: the browser lets a muted player start without a click) and wait until it
    has played a second; its currentTime then."""
    player.scroll_into_view_if_needed()
    player.evaluate("p => { p.muted = true; return p.play(); }")
    player.page.wait_for_function("p => p.currentTime > 1", arg=player.element_handle(), timeout=30_000)
    return player.evaluate("p => p.currentTime")


def test_a_song_plays_on_its_record_page_and_seeks(site, browser):
    watched = Watched(browser, viewport={"width": 1280, "height": 900})
    page = watched.page
    page.goto(site + "/records/C078")
    audio = page.locator("section.players audio")
    assert "测试音：440 Hz 正弦波" in page.locator("section.players").inner_text()
    assert page.locator("section.players img.waveform").evaluate("i => i.decode().then(() => i.naturalWidth)") == 1200
    assert plays(audio) > 1
    audio.evaluate("p => { p.pause(); p.currentTime = 9; }")
    page.wait_for_function("p => p.readyState >= 2 && Math.abs(p.currentTime - 9) < 0.5", arg=audio.element_handle())
    watched.shot("player-audio-desktop")
    assert watched.problems == []


def test_a_video_plays_on_the_exhibit_page_with_its_transcript(site, browser):
    for width, name in ((1280, "desktop"), (375, "phone")):
        watched = Watched(browser, viewport={"width": width, "height": 800})
        page = watched.page
        page.goto(site + "/exhibits/miao-festivals")
        video = page.locator("section.players video")
        assert video.count() == 1 and page.locator("section.players audio").count() == 1
        assert "苗家的歌" in page.locator("section.players details.transcript").inner_text()
        assert video.evaluate("v => v.textTracks.length") == 1
        assert plays(video) > 1
        box = video.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the phone
        watched.shot(f"player-video-{name}")
        assert watched.problems == []


def test_a_reviewer_uploads_a_song_to_a_published_record_watches_it_transcode_and_plays_it(
    site, browser, corpus_index, tmp_path
):
    from heritage import users

    home, db = corpus_index
    users.add_user(db, "player-curator", "curator-pass-7", "reviewer")  # C067 is published
    watched = Watched(browser, viewport={"width": 1280, "height": 900})
    page = watched.page
    page.goto(site + "/login")
    page.fill("#username", "player-curator")
    page.fill("#password", "curator-pass-7")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/curate/")
    page.goto(site + "/curate/records/C067")
    page.set_input_files("#r-file", files=[{"name": "a.mp3", "mimeType": "audio/mpeg", "buffer": b"MZ\x90\x00" * 100}])
    page.click("#recording-upload button[type=submit]")
    assert "音视频未保存：无法识别为音频或视频" in page.locator(".flashes").inner_text()
    page.set_input_files("#r-file", str(tone(tmp_path / "合唱测试音.flac", 6, "-c:a", "flac")))
    page.fill("#r-caption", "测试音（ffmpeg 生成）")
    page.click("#recording-upload button[type=submit]")
    assert "正在后台转码为网页版本" in page.locator(".flashes").inner_text()
    assert page.locator("#recordings progress").count() == 1
    watched.shot("player-curator-queued")
    # the page asks how the job goes and reloads once it is done: then the player is there
    page.locator("#recordings audio").wait_for(timeout=WORKER_DEADLINE * 1000)
    assert "已可播放" in page.locator("#recordings .job-label").inner_text()
    assert plays(page.locator("#recordings audio")) > 1
    watched.shot("player-curator-done")
    assert [p for p in watched.problems if "/recordings" in p or "pageerror" in p] == []
