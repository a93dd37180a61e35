"""The curators' costs: a save (revision, outbox, synchronous=FULL), an image through the upload
pipeline, and a sign-in — each beside a plain peer measured in the same run.

Run: .venv/bin/python bench/curate_speed.py [--saves 300] [--images 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

from PIL import Image

from heritage import media, store, users
from heritage.db import connect
from heritage.editing import save
from heritage.store import open_store


def timed(action, times: int) -> list[float]:
    spent = []
    for n in range(times):
        start = time.perf_counter()
        action(n)
        spent.append((time.perf_counter() - start) * 1000)
    return spent


def row(name: str, peer: str, ours: list[float], theirs: list[float]) -> None:
    print(f"| {name} | {statistics.median(ours):.1f} | {max(ours):.1f} | {peer} | {statistics.median(theirs):.1f} |")


def photo(width: int = 4000, height: int = 3000) -> bytes:
    """A 12-megapixel camera-like JPEG with EXIF orientation and GPS."""
    image = Image.effect_noise((width, height), 60).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (26.0, 34.0, 12.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--images", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "instance"
        db = open_store(home)
        record = {
            "title": "测试项目",
            "category": "传统技艺",
            "ethnic_groups": ["苗族"],
            "region_codes": ["522630"],
            "content": "苗族妇女用蜡刀蘸熔蜡在白布上绘制花纹。" * 20,
            "status": "调查中",
        }
        ours = timed(lambda n: save(db, store.RECORD, record | {"id": f"S{n}"}, None, "bench"), options.saves)
        plain = connect(home / "plain.db")
        plain["records"].create({"id": str, "title": str, "category": str, "content": str}, pk="id")
        theirs = timed(
            lambda n: plain["records"].insert(
                {"id": f"S{n}", "title": record["title"], "category": record["category"], "content": record["content"]}
            ),
            options.saves,
        )
        data = photo()
        pipeline = timed(lambda n: media.ingest(home, data, "相机.jpg"), options.images)

        def plain_save(_n: int) -> None:
            out = io.BytesIO()
            Image.open(io.BytesIO(data)).save(out, "JPEG", quality=90)

        pillow = timed(plain_save, options.images)
        users.add_user(db, "bench", "bench-password-1", "curator")
        login = timed(lambda n: users.authenticate(db, "bench", "bench-password-1"), 10)
        unknown = timed(lambda n: users.authenticate(db, "nobody", "bench-password-1"), 10)
    print(
        f"\n保存 {options.saves} 次；图片 {options.images} 张 4000×3000 JPEG（{len(data) / 1e6:.1f} MB，带 EXIF 方向与 GPS）；登录各 10 次\n"
    )
    print("| 操作 | 中位数 ms | 最慢 ms | 对照 | 对照中位数 ms |")
    print("|---|---:|---:|---|---:|")
    row(
        "保存一条记录（乐观锁检查、写行与列表值、修订、发件箱；synchronous=FULL）",
        "sqlite-utils insert 同样的行（同一设置）",
        ours,
        theirs,
    )
    row(
        "上传一张照片（识别、查像素、解码、摆正、去元数据、重新编码、三种尺寸、fsync）",
        "Pillow 打开后另存 JPEG",
        pipeline,
        pillow,
    )
    row("登录：正确的密码（scrypt n=2^15）", "不存在的用户（同样做一次 scrypt）", login, unknown)


if __name__ == "__main__":
    main()
