"""Web versions of sound and video, made by a background job: the ``media_jobs`` table, one job per
recording, worked by a process of its own (``heritage serve`` starts one beside the index worker;
``heritage media work`` works the queue by hand).

Audio becomes AAC in M4A (``web.m4a``) with a waveform picture (``waveform.png``); video becomes H.264
and AAC in MP4 (``web.mp4``, at most WEB_WIDTH wide) with a poster frame (``poster.jpg``).  Both
files are written in a scratch folder beside the master and moved in when whole; the job's progress
(0–1, from ffmpeg's ``-progress`` report) is saved as it goes, so the workspace can show it."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils

from heritage import probe
from heritage.db import now, write
from heritage.media import folder
from heritage.recordings import NO_METADATA, master_file

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATE_LABELS = {QUEUED: "排队等待转码", RUNNING: "正在转码", DONE: "已可播放", FAILED: "转码失败"}
WEB_FILES = {probe.AUDIO: ("web.m4a", "waveform.png"), probe.VIDEO: ("web.mp4", "poster.jpg")}
WEB_WIDTH = 1280
AUDIO_BITRATE = "128k"
VIDEO_CRF = "23"
WAVEFORM_SIZE = "1200x160"
WAVEFORM_COLOUR = "0x8c2f1f"
# how often (seconds of the recording) the job's progress is saved
PROGRESS_STEP = 2.0
JOB_TIMEOUT = 3 * 60 * 60
_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def enqueue(db: sqlite_utils.Database, media_id: str) -> None:
    """Queue (or queue again) a recording's web versions, inside an open write transaction."""
    db.table("media_jobs").upsert(
        {"media_id": media_id, "state": QUEUED, "progress": 0.0, "message": None, "worker": None}
        | {"queued_at": now(), "started_at": None, "done_at": None},
        pk="media_id",
    )


def job(db: sqlite_utils.Database, media_id: str) -> dict[str, Any] | None:
    """A recording's job: state, its Chinese label, progress (0–1) and message."""
    rows = list(db.query("SELECT * FROM media_jobs WHERE media_id = ?", [media_id]))
    return rows[0] | {"label": STATE_LABELS[rows[0]["state"]]} if rows else None


def recordings(db: sqlite_utils.Database, record_id: str, ready: bool = False) -> list[dict[str, Any]]:
    """A record's sound and video in their order, each with its job (``state``, ``progress``, ``message``);
    with ``ready`` only those whose web versions are made."""
    sql = (
        "SELECT m.*, j.state, j.progress, j.message FROM media m LEFT JOIN media_jobs j ON j.media_id = m.id"
        " WHERE m.record_id = ? AND m.medium IN (?, ?)" + (" AND j.state = ?" if ready else "")
    )
    params = [record_id, *WEB_FILES, *([DONE] if ready else [])]
    rows = list(db.query(sql + " ORDER BY m.medium, m.position", params))
    return [r | {"label": STATE_LABELS.get(r["state"] or "", "")} for r in rows]


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim(db: sqlite_utils.Database) -> dict[str, Any] | None:
    """The oldest queued job, now this process's (a job left running by a worker that died, or by this one
    when a round failed, is queued again)."""
    with write(db):
        for row in db.query("SELECT media_id, worker FROM media_jobs WHERE state = ?", [RUNNING]):
            if row["worker"] == os.getpid() or not _alive(row["worker"]):
                db.execute(
                    "UPDATE media_jobs SET state = ?, worker = NULL WHERE media_id = ?", [QUEUED, row["media_id"]]
                )
        row = db.execute(
            "SELECT j.media_id FROM media_jobs j JOIN media m ON m.id = j.media_id WHERE j.state = ? ORDER BY j.queued_at",
            [QUEUED],
        ).fetchone()
        if row is None:
            return None
        db.execute(
            "UPDATE media_jobs SET state = ?, worker = ?, started_at = ?, progress = 0 WHERE media_id = ?",
            [RUNNING, os.getpid(), now(), row[0]],
        )
        return dict(db.table("media").get(row[0]))


def _finish(db: sqlite_utils.Database, media_id: str, state: str, message: str | None) -> None:
    with write(db):
        db.execute(
            "UPDATE media_jobs SET state = ?, message = ?, progress = ?, done_at = ?, worker = NULL WHERE media_id = ?",
            [state, message, 1.0 if state == DONE else None, now(), media_id],
        )


def _run(command: list[str], duration: float, report: Callable[[float], None]) -> None:
    """Run ffmpeg with ``-progress`` on stdout, reporting the share done; RuntimeError with its errors."""
    with subprocess.Popen(
        [*command[:1], "-nostdin", "-v", "error", "-progress", "pipe:1", "-nostats", *command[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        errors: list[str] = []
        reader = threading.Thread(target=lambda: errors.extend(process.stderr or []), daemon=True)
        reader.start()
        reported = 0.0
        for line in process.stdout or []:
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and value.isdigit() and int(value) / 1e6 - reported >= PROGRESS_STEP:
                reported = int(value) / 1e6
                report(min(reported / duration, 0.99))
        process.wait(JOB_TIMEOUT)
        reader.join()
        if process.returncode != 0:
            raise RuntimeError("".join(errors).strip()[-300:] or f"ffmpeg 退出码 {process.returncode}")


def commands(master: Path, out: Path, medium: str, duration: float) -> list[list[str]]:
    """The ffmpeg runs that make a recording's two web files (the web version first) into ``out``."""
    source = ["ffmpeg", "-i", f"file:{master}"]
    web, picture = WEB_FILES[medium]
    aac = ["-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "2"]
    if medium == probe.AUDIO:
        waveform = f"aformat=channel_layouts=mono,showwavespic=s={WAVEFORM_SIZE}:colors={WAVEFORM_COLOUR}:scale=sqrt"
        return [
            [
                *source,
                "-map",
                "0:a:0",
                *aac,
                *NO_METADATA,
                "-movflags",
                "+faststart",
                "-f",
                "ipod",
                f"file:{out / web}",
            ],
            [*source, "-filter_complex", waveform, "-frames:v", "1", "-f", "image2", f"file:{out / picture}"],
        ]
    scale = f"scale='trunc(min({WEB_WIDTH},iw)/2)*2':-2"
    video = ["-c:v", "libx264", "-preset", "veryfast", "-crf", VIDEO_CRF, "-pix_fmt", "yuv420p", "-vf", scale]
    return [
        [*source, "-map", "0:v:0", "-map", "0:a:0?", *video, *aac, *NO_METADATA, "-movflags", "+faststart"]
        + ["-f", "mp4", f"file:{out / web}"],
        ["ffmpeg", "-ss", f"{min(1.0, duration / 3):.2f}", "-i", f"file:{master}", "-frames:v", "1", "-vf", scale]
        + ["-q:v", "3", "-f", "image2", f"file:{out / picture}"],
    ]


def make(home: Path, row: dict[str, Any], report: Callable[[float], None] = lambda share: None) -> None:
    """Make a recording's web version and picture from its master (RuntimeError when ffmpeg fails)."""
    if not probe.available():
        raise RuntimeError("服务器未安装 ffmpeg")
    master = master_file(home, row)
    if not master.is_file():
        raise RuntimeError("原始文件缺失")
    target = folder(home, row["storage_id"], row["medium"])
    scratch = target / "making"
    scratch.mkdir(exist_ok=True)
    try:
        first, second = commands(master, scratch, row["medium"], row["duration"])
        _run(first, row["duration"], report)
        _run(second, row["duration"], lambda share: None)
        for name in WEB_FILES[row["medium"]]:
            (scratch / name).replace(target / name)
    finally:
        for leftover in scratch.iterdir():
            leftover.unlink()
        scratch.rmdir()


def work_one(home: Path, db: sqlite_utils.Database) -> dict[str, Any] | None:
    """Claim and work the oldest queued job; the recording's row, or None when the queue is empty."""
    row = claim(db)
    if row is None:
        return None

    def report(share: float) -> None:
        with write(db):
            db.execute("UPDATE media_jobs SET progress = ? WHERE media_id = ?", [share, row["id"]])

    try:
        make(home, row, report)
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        _finish(db, row["id"], FAILED, f"转码失败：{error}")
        return row
    _finish(db, row["id"], DONE, None)
    return row


def work(home: Path, db: sqlite_utils.Database, on_done: Callable[[dict[str, Any]], None] = lambda row: None) -> int:
    """Work every queued job; returns how many were worked."""
    count = 0
    while (row := work_one(home, db)) is not None:
        on_done(row)
        count += 1
    return count


def queue_all(db: sqlite_utils.Database) -> int:
    """Queue every recording's web versions again (``heritage media rebuild``); returns how many."""
    with write(db):
        ids = [r[0] for r in db.execute("SELECT id FROM media WHERE medium IN (?, ?) ORDER BY id", list(WEB_FILES))]
        for media_id in ids:
            enqueue(db, media_id)
    return len(ids)


def run_worker_process(home: str, interval: float = 2.0) -> None:
    """The jobs worker as a process of its own, ended with its parent (``heritage serve`` starts one)."""
    from heritage.store import open_store

    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    db = open_store(Path(home))
    parent = multiprocessing.parent_process()
    # the death signal is missed when the parent ended before prctl ran: ask each round too
    while parent is None or parent.is_alive():
        with contextlib.suppress(sqlite3.OperationalError):  # the store busy beyond its timeout: next round
            work(Path(home), db)
        time.sleep(interval)
