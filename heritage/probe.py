"""What an uploaded sound or video file is, asked of ffprobe, and whether we take it.

The name's extension says what the file claims to be; ffprobe, allowed to open only the demuxers we
take and only local files (no playlist can make it read another file or a URL), says what it is.
The two must agree, the codecs must be ones we take, and the duration, size and picture must be
within the limits below; otherwise MediaError says why, in Chinese."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heritage.media import MediaError

AUDIO, VIDEO = "audio", "video"
MEDIUM_NAMES = {AUDIO: "音频", VIDEO: "视频"}
MAX_BYTES = {AUDIO: 100 * 1024 * 1024, VIDEO: 500 * 1024 * 1024}
MAX_SECONDS = {AUDIO: 2 * 60 * 60, VIDEO: 30 * 60}
MIN_SECONDS = 0.5
MAX_VIDEO_PIXELS = 3840 * 2160
# ffprobe's confidence in the format (0–100); a file that is not really this format scores very low
MIN_PROBE_SCORE = 25
PROBE_TIMEOUT = 60
MP4_DEMUXER = "mov,mp4,m4a,3gp,3g2,mj2"
PCM = ("pcm_u8", "pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le")


@dataclass(frozen=True)
class Container:
    """One kind of file we take: its name, medium, ffprobe's demuxer, ffmpeg's muxer, codecs, extension kept."""

    label: str
    medium: str
    demuxer: str
    muxer: str
    audio: tuple[str, ...]
    video: tuple[str, ...] = ()
    kept_as: str = ""


CONTAINERS = {
    "mp3": Container("MP3", AUDIO, "mp3", "mp3", ("mp3",), kept_as="mp3"),
    "m4a": Container("AAC/M4A", AUDIO, MP4_DEMUXER, "ipod", ("aac",), kept_as="m4a"),
    "aac": Container("AAC", AUDIO, "aac", "adts", ("aac",), kept_as="aac"),
    "ogg": Container("Ogg/Opus", AUDIO, "ogg", "ogg", ("opus",), kept_as="opus"),
    "opus": Container("Ogg/Opus", AUDIO, "ogg", "ogg", ("opus",), kept_as="opus"),
    "wav": Container("WAV", AUDIO, "wav", "wav", PCM, kept_as="wav"),
    "flac": Container("FLAC", AUDIO, "flac", "flac", ("flac",), kept_as="flac"),
    "mp4": Container("MP4/H.264", VIDEO, MP4_DEMUXER, "mp4", ("aac", "mp3"), ("h264",), kept_as="mp4"),
    "webm": Container("WebM", VIDEO, "matroska,webm", "webm", ("opus", "vorbis"), ("vp8", "vp9", "av1"), "webm"),
}
DEMUXERS = sorted({name for c in CONTAINERS.values() for name in c.demuxer.split(",")})
# input options for every ffprobe and ffmpeg run on an upload: only our demuxers, only local files
SAFE_INPUT = ["-format_whitelist", ",".join(DEMUXERS), "-protocol_whitelist", "file"]


def available() -> bool:
    """Whether ffmpeg and ffprobe are installed."""
    return shutil.which("ffprobe") is not None and shutil.which("ffmpeg") is not None


def accepted() -> str:
    """The kinds of file we take, for messages and the upload form."""
    extensions: dict[str, list[str]] = {}
    for extension, container in CONTAINERS.items():
        extensions.setdefault(container.label, []).append(f".{extension}")
    return "、".join(f"{label}（{'、'.join(names)}）" for label, names in extensions.items())


def container_for(name: str) -> Container:
    """The container a file's name claims; MediaError when we take no such file."""
    extension = Path(name or "").suffix.lower().lstrip(".")
    if extension not in CONTAINERS:
        raise MediaError(f"不接受扩展名为“.{extension}”的文件；可上传：{accepted()}")
    return CONTAINERS[extension]


def probe(path: Path) -> dict[str, Any]:
    """ffprobe's account of a file (format and streams); MediaError when it cannot read one."""
    if not available():
        raise MediaError("服务器未安装 ffmpeg，暂时不能接收音频和视频")
    command = ["ffprobe", "-v", "error", *SAFE_INPUT, "-print_format", "json", "-show_format", "-show_streams"]
    try:
        done = subprocess.run([*command, f"file:{path}"], capture_output=True, timeout=PROBE_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as error:
        raise MediaError("文件结构异常，分析超时，不予处理") from error
    if done.returncode != 0:
        raise MediaError("无法识别为音频或视频文件（按文件内容判断，与扩展名无关），或文件已损坏")
    return json.loads(done.stdout)


@dataclass(frozen=True)
class Facts:
    """What the checks found: the streams to keep and what the record shows of them."""

    medium: str
    duration: float
    audio_stream: int | None
    video_stream: int | None
    width: int | None
    height: int | None
    codecs: str


def _streams(info: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [
        s
        for s in info.get("streams", [])
        if s.get("codec_type") == kind and not s.get("disposition", {}).get("attached_pic")
    ]


def _duration(info: dict[str, Any], medium: str) -> float:
    try:
        seconds = float(info.get("format", {}).get("duration", ""))
    except ValueError as error:
        raise MediaError("文件没有可读的时长，可能不完整或已损坏") from error
    if seconds < MIN_SECONDS:
        raise MediaError(f"时长只有 {seconds:.1f} 秒，太短")
    if seconds > MAX_SECONDS[medium]:
        raise MediaError(
            f"{MEDIUM_NAMES[medium]}时长 {seconds / 60:.0f} 分钟，超过上限 {MAX_SECONDS[medium] // 60} 分钟"
        )
    return seconds


def check_size(container: Container, size: int) -> None:
    """MediaError when a file is empty or larger than its medium's limit."""
    limit = MAX_BYTES[container.medium]
    if not size:
        raise MediaError("文件是空的")
    if size > limit:
        raise MediaError(f"文件过大：超过{MEDIUM_NAMES[container.medium]}的上限 {limit // 1024 // 1024} MB")


def check(info: dict[str, Any], container: Container) -> Facts:
    """Whether the probed file is the container its name claims, with codecs and duration we take."""
    medium = container.medium
    found = info.get("format", {})
    if found.get("format_name") != container.demuxer or int(found.get("probe_score", 0)) < MIN_PROBE_SCORE:
        raise MediaError(f"文件内容不是 {container.label}，与扩展名不符（按文件内容判断）")
    audio, video = _streams(info, "audio"), _streams(info, "video")
    if medium == VIDEO and not video:
        raise MediaError("视频文件里没有画面")
    if medium == AUDIO and video:
        raise MediaError(f"{container.label} 文件里有画面；视频请用 MP4 或 WebM")
    if medium == AUDIO and not audio:
        raise MediaError("文件里没有声音")
    bad = [s.get("codec_name", "?") for s in audio[:1] if s.get("codec_name") not in container.audio]
    bad += [s.get("codec_name", "?") for s in video[:1] if s.get("codec_name") not in container.video]
    if bad:
        allowed = "、".join((*container.video, *container.audio))
        raise MediaError(f"{container.label} 文件里的编码 {'、'.join(bad)} 不在可接受之列（{allowed}）")
    width, height = (int(video[0].get("width", 0)), int(video[0].get("height", 0))) if video else (None, None)
    if width is not None and height is not None and (width * height > MAX_VIDEO_PIXELS or not width or not height):
        raise MediaError(f"视频画面 {width}×{height}，超过上限（3840×2160）")
    return Facts(
        medium=medium,
        duration=_duration(info, medium),
        audio_stream=int(audio[0]["index"]) if audio else None,
        video_stream=int(video[0]["index"]) if video else None,
        width=width,
        height=height,
        codecs="+".join(s["codec_name"] for s in (*video[:1], *audio[:1])),
    )
