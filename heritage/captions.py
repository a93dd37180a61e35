"""Captions and transcripts for a recording: a WebVTT file, read with webvtt-py, checked, and kept
rewritten as plain cues (no styles, regions, notes or markup), so what the player and the page show
is text only."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import sqlite_utils
import webvtt
from webvtt.errors import MalformedFileError

from heritage.db import write as write_transaction
from heritage.media import MediaError, folder, original_name

MAX_BYTES = 512 * 1024
MAX_CUES = 5000
MAX_CUE_CHARACTERS = 500
# a cue may end this much after the recording's own end (rounding in the tools that write captions)
LATE_SECONDS = 1.0
FILE_NAME = "captions.vtt"


def _seconds(stamp: Any) -> float:
    """A webvtt-py Timestamp in seconds, milliseconds kept (its start_in_seconds drops them)."""
    return stamp.hours * 3600 + stamp.minutes * 60 + stamp.seconds + stamp.milliseconds / 1000


def _cues(parsed: Any) -> list[dict[str, Any]]:
    return [{"start": _seconds(c.start_time), "end": _seconds(c.end_time), "text": c.text.strip()} for c in parsed]


def read(data: bytes, duration: float) -> list[dict[str, Any]]:
    """The cues of an uploaded WebVTT file (start, end in seconds; text); MediaError says what is wrong."""
    if not data:
        raise MediaError("字幕文件是空的")
    if len(data) > MAX_BYTES:
        raise MediaError(f"字幕文件过大，上限 {MAX_BYTES // 1024} KB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MediaError("字幕文件须是 UTF-8 编码的 WebVTT") from error
    if not text.startswith("WEBVTT"):
        raise MediaError("不是 WebVTT 字幕文件：第一行应是“WEBVTT”")
    try:
        parsed = webvtt.from_buffer(io.StringIO(text))
    except (MalformedFileError, ValueError) as error:
        raise MediaError(f"WebVTT 字幕格式有误：{error}") from error
    cues = _cues(parsed)
    if not cues:
        raise MediaError("字幕文件里没有一条字幕（每条须有“00:00:01.000 --> 00:00:03.000”这样的时间行）")
    if len(cues) > MAX_CUES:
        raise MediaError(f"字幕有 {len(cues)} 条，上限 {MAX_CUES} 条")
    for number, cue in enumerate(cues, 1):
        if cue["end"] <= cue["start"]:
            raise MediaError(f"第 {number} 条字幕的结束时间不晚于开始时间")
        if cue["end"] > duration + LATE_SECONDS:
            raise MediaError(f"第 {number} 条字幕结束于 {cue['end']:.1f} 秒，晚于录音的结尾（{duration:.1f} 秒）")
        if not cue["text"] or len(cue["text"]) > MAX_CUE_CHARACTERS:
            raise MediaError(f"第 {number} 条字幕是空的或超过 {MAX_CUE_CHARACTERS} 字")
    return cues


def _stamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def write(path: Path, cues: list[dict[str, Any]]) -> None:
    """Keep the cues as a plain WebVTT file."""
    blocks = [f"{_stamp(c['start'])} --> {_stamp(c['end'])}\n{c['text']}" for c in cues]
    partial = path.with_name(path.name + ".tmp")
    partial.write_text("WEBVTT\n\n" + "\n\n".join(blocks) + "\n", "utf-8")
    partial.replace(path)


def keep(home: Path, db: sqlite_utils.Database, row: dict[str, Any], cues: list[dict[str, Any]], name: str) -> None:
    """Keep checked cues as a recording's captions (replacing any), noting the uploaded file's name."""
    write(folder(home, row["storage_id"], row["medium"]) / FILE_NAME, cues)
    with write_transaction(db):
        db.execute("UPDATE media SET captions = ? WHERE id = ?", [original_name(name), row["id"]])


def transcript(path: Path) -> list[dict[str, Any]]:
    """A kept caption file's cues, for the transcript under the player; none when there is no file."""
    if not path.is_file():
        return []
    return _cues(webvtt.from_buffer(io.StringIO(path.read_text("utf-8"))))
