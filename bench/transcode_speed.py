"""Sound and video: the upload check (probe, metadata stripped, sound decoded) and the background job
(web version and waveform or poster), for clips made by ffmpeg's generators; beside a peer measured in
the same run: the same ffmpeg encode run bare (no progress reporting, no job bookkeeping).  Prints
times and the sizes of every file kept.

Run: .venv/bin/python bench/transcode_speed.py [--seconds 30] [--long 180]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

from heritage import media, probe, recordings, transcode
from heritage.db import write
from heritage.store import open_store
from heritage.visibility import PUBLIC, PUBLISHED


def ffmpeg(out: Path, *args: str) -> Path:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args, str(out)], check=True)
    return out


def made(folder: Path, medium: str, seconds: int) -> Path:
    """A camera-like 720p H.264 clip with sound, or a CD-quality WAV of a tone with noise."""
    sound = f"sine=frequency=440:duration={seconds},aformat=channel_layouts=stereo"
    if medium == probe.AUDIO:
        return ffmpeg(folder / f"tone-{seconds}.wav", "-f", "lavfi", "-i", sound)
    picture = f"testsrc2=size=1280x720:rate=30:duration={seconds}"
    return ffmpeg(
        folder / f"pattern-{seconds}.mp4",
        *("-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", sound),
        *("-c:v", "libx264", "-preset", "ultrafast", "-b:v", "6M", "-pix_fmt", "yuv420p", "-c:a", "aac"),
    )


def measure(home: Path, db, path: Path) -> None:
    start = time.perf_counter()
    with open(path, "rb") as handle:
        stored = recordings.ingest(home, handle, path.name)
    checked = time.perf_counter() - start
    medium = stored.pop("medium")
    with write(db):
        media_id = media.add(db, "B1", stored, {}, medium)
        transcode.enqueue(db, media_id)
    start = time.perf_counter()
    transcode.work(home, db)
    job = time.perf_counter() - start
    row = dict(db.table("media").get(media_id))
    folder = media.folder(home, row["storage_id"], medium)
    master = recordings.master_file(home, row)
    web = folder / transcode.WEB_FILES[medium][0]
    start = time.perf_counter()
    bare = transcode.commands(master, folder / "bare", medium, row["duration"])[0]
    (folder / "bare").mkdir()
    subprocess.run([*bare[:1], "-nostdin", "-v", "error", *bare[1:]], check=True)
    peer = time.perf_counter() - start
    sizes = " · ".join(f"{p.name} {p.stat().st_size / 1024:,.0f} KB" for p in sorted(folder.iterdir()) if p.is_file())
    print(
        f"| {path.name} ({path.stat().st_size / 1024 / 1024:.1f} MB) | {checked:.2f} | {job:.1f} | {peer:.1f} | "
        f"{web.stat().st_size / 1024 / 1024:.2f} MB | {sizes} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="短片时长（秒）")
    parser.add_argument("--long", type=int, default=180, help="长视频时长（秒）；0 不测")
    args = parser.parse_args()
    if not probe.available():
        print("未安装 ffmpeg，跳过。")
        return
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "instance"
        db = open_store(home)
        with write(db):
            db.table("records").insert(
                {"id": "B1", "title": "测速", "category": "传统音乐", "status": PUBLISHED, "access": PUBLIC}
            )
        print("| 文件 | 上传检查（秒） | 后台任务（秒） | 对照：同样的 ffmpeg 直接运行（秒） | 网页版本 | 保存的文件 |")
        print("|---|---:|---:|---:|---:|---|")
        clips = [(probe.AUDIO, args.seconds), (probe.VIDEO, args.seconds)]
        for medium, seconds in clips + ([(probe.VIDEO, args.long)] if args.long else []):
            measure(home, db, made(Path(folder), medium, seconds))


if __name__ == "__main__":
    main()
