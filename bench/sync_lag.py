"""Sync lag: how long rows imported with `heritage import` take to become searchable while the
server (`heritage serve`, its sync worker running) serves the national list plus the shipped
corpus, polled through /api/search; beside, in the same run, the import alone and the same rows
synced by a one-shot `heritage index` on a copy of the data folder with no server.

Run: .venv/bin/python bench/sync_lag.py [--rows 2000]
Every generated title is new, so every sync batch also grows the dictionary.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load import prepare, start_server  # noqa: E402

CHARS = "山水云风花月星河林石金木火土日光春秋冬夏江湖海天青红白黑龙凤鹤鹿竹梅兰菊松柏桃李"
KINDS = (("节", "民俗"), ("歌", "传统音乐"), ("舞", "传统舞蹈"), ("技艺", "传统技艺"), ("绣", "传统美术"))


def write_rows(path: Path, count: int, tag: str, seed: int = 1) -> Path:
    """A CSV of published records with new titles (牡丹江月歌甲17) and a few sentences of text."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["项目名称", "类别", "民族", "分布区域", "基本内容", "状态"])
        for number in range(count):
            word = "".join(rng.choice(CHARS) for _ in range(3))
            suffix, category = rng.choice(KINDS)
            text = f"{word}{suffix}流传于当地村寨，每逢农闲时节由老人带领青年传习，" * rng.randint(3, 12)
            writer.writerow(
                [
                    f"{word}{suffix}{tag}{number}",
                    category,
                    rng.choice(["苗族", "侗族", "彝族"]),
                    rng.choice(["贵州省台江县", "云南省楚雄市", "湖南省通道侗族自治县"]),
                    text,
                    "已发布",
                ]
            )
    return path


def heritage(home: Path, *args: str) -> float:
    """Run a heritage command; returns its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from heritage.cli import main; main()", "--home", str(home), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def searchable_total(address: str) -> int:
    with urllib.request.urlopen(address + "/api/search?q=&limit=1", timeout=30) as response:
        return json.load(response)["total"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home, copy = Path(folder) / "instance", Path(folder) / "copy"
        total = prepare(home)
        shutil.copytree(home, copy)
        rows = write_rows(Path(folder) / "rows.csv", options.rows, "甲")
        server, address = start_server(home)
        try:
            before = searchable_total(address)
            started = time.perf_counter()
            imported = heritage(home, "import", str(rows))
            while searchable_total(address) < before + options.rows:
                time.sleep(0.2)
            searchable = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
        imported_alone = heritage(copy, "import", str(rows))
        synced_alone = heritage(copy, "index")
    print(f"\n{total:,} 条记录的数据文件夹；导入 {options.rows:,} 条新记录（每个标题都是新词）\n")
    print("| 测量 | 秒 | 每秒条数 |")
    print("|---|---:|---:|")
    for label, seconds in (
        ("网站运行中：heritage import 到 /api/search 全部找得到", searchable),
        ("　其中 heritage import 本身", imported),
        ("对照：无网站时 heritage import", imported_alone),
        ("对照：无网站时随后一次 heritage index（同样的行）", synced_alone),
    ):
        print(f"| {label} | {seconds:.1f} | {options.rows / seconds:,.0f} |")


if __name__ == "__main__":
    main()
