"""Sound and video for records: an upload is received to disk, probed (heritage.probe), and its streams
copied into a fresh master with no metadata at all; nothing is kept when it is refused.

The master keeps only the first sound stream and, for video, the first picture stream: tags (titles,
comments, GPS location in MP4's udta), chapters, cover art, data tracks (such as a camera's GPS track)
and anything appended to the file are left behind; copying every packet also finds a truncated or
corrupt file, which is refused.  Web versions, the poster frame and the waveform are made later by a
background job (heritage.transcode), never while a request waits."""

from __future__ import annotations

import hashlib
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import IO, Any

from heritage import probe
from heritage.media import MediaError, folder, original_name
from heritage.probe import SAFE_INPUT, Container, Facts

CHUNK = 1024 * 1024
STRIP_TIMEOUT = 600
# ffmpeg options that leave out every tag, chapter and encoder name
NO_METADATA = ["-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact"]
NO_METADATA += ["-flags:v", "+bitexact", "-flags:a", "+bitexact"]


def _receive(home: Path, stream: IO[bytes], limit: int) -> Path:
    """The upload written to the data folder's media/incoming/, read at most ``limit`` + 1 bytes."""
    incoming = Path(home) / "media" / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    path = incoming / secrets.token_hex(16)
    size = 0
    with open(path, "wb") as handle:
        while size <= limit and (chunk := stream.read(min(CHUNK, limit + 1 - size))):
            handle.write(chunk)
            size += len(chunk)
    return path


def _strip(upload: Path, master: Path, container: Container, facts: Facts) -> None:
    """Copy the kept streams into ``master`` without metadata; MediaError when a packet cannot be read.
    Sound alone is also decoded on the way (quick for sound): raw MP3 or AAC with something appended
    would otherwise keep it as one more packet."""
    streams = [f"0:{index}" for index in (facts.video_stream, facts.audio_stream) if index is not None]
    command = ["ffmpeg", "-nostdin", "-v", "error", "-xerror", *SAFE_INPUT, "-i", f"file:{upload}"]
    for stream in streams:
        command += ["-map", stream]
    command += ["-c", "copy", *NO_METADATA]
    if container.muxer in ("mp4", "ipod"):
        command += ["-movflags", "+faststart"]
    partial = master.with_name(master.name + ".tmp")
    command += ["-f", container.muxer, f"file:{partial}"]
    if facts.video_stream is None:
        command += ["-map", f"0:{facts.audio_stream}", "-f", "null", "-"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=STRIP_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        raise MediaError("文件结构异常，处理超时，不予保存") from error
    if done.returncode != 0 or done.stderr.strip():
        raise MediaError("文件不完整或已损坏（有无法读取的数据，或声明的长度与内容不符）")
    partial.replace(master)


def ingest(home: Path, stream: IO[bytes], name: str) -> dict[str, Any]:
    """Check, clean and keep an uploaded sound or video file; returns its medium and the row's columns
    (storage_id, sha256, format, width, height, duration, codecs, original_name).  Nothing is left on
    disk when the file is refused."""
    container = probe.container_for(name)
    limit = probe.MAX_BYTES[container.medium]
    upload = _receive(home, stream, limit)
    storage_id = secrets.token_hex(16)
    target = folder(home, storage_id, container.medium)
    try:
        probe.check_size(container, upload.stat().st_size)
        facts = probe.check(probe.probe(upload), container)
        target.mkdir(parents=True)
        master = target / f"master.{container.kept_as}"
        _strip(upload, master, container, facts)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    finally:
        upload.unlink(missing_ok=True)
    return {
        "medium": container.medium,
        "storage_id": storage_id,
        "sha256": hashlib.sha256(master.read_bytes()).hexdigest(),
        "format": container.kept_as,
        "width": facts.width,
        "height": facts.height,
        "duration": round(facts.duration, 3),
        "codecs": facts.codecs,
        "original_name": original_name(name),
    }


def master_file(home: Path, row: dict[str, Any]) -> Path:
    """A recording's kept master."""
    return folder(home, row["storage_id"], row["medium"]) / f"master.{row['format']}"
