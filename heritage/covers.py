"""Cover images drawn from a record (category colour, numeral, title): never a fake photograph."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from heritage.vocab import category_by_name

SIZE = (960, 640)
PAPER = (247, 242, 232)  # 宣纸
INK = (38, 42, 54)  # 墨色
# One accent per category, from the traditional palette, so that a visitor learns them.
CATEGORY_COLOURS = {
    "民间文学": (46, 78, 126),  # 黛蓝
    "传统音乐": (122, 58, 104),  # 紫棠
    "传统舞蹈": (194, 76, 52),  # 朱红
    "传统戏剧": (163, 32, 45),  # 胭脂
    "曲艺": (176, 120, 40),  # 赭黄
    "传统体育、游艺与杂技": (36, 110, 90),  # 石绿
    "传统美术": (180, 70, 110),  # 海棠
    "传统技艺": (30, 80, 110),  # 靛青
    "传统医药": (92, 118, 52),  # 苍绿
    "民俗": (190, 60, 40),  # 丹
}
_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


@lru_cache(maxsize=1)
def cjk_font_file() -> str | None:
    """A font file on this machine that has Chinese glyphs, or None."""
    for candidate in _FONT_FILES:
        if Path(candidate).exists():
            return candidate
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found and Path(found).exists() and "DejaVu" not in found:
            return found
    return None


def _font(size: int) -> ImageFont.FreeTypeFont:
    path = cjk_font_file()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)  # type: ignore[return-value]


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Any, width: int) -> list[str]:
    lines, line = [], ""
    for char in text:
        if draw.textlength(line + char, font=font) > width and line:
            lines.append(line)
            line = char
        else:
            line += char
    return lines + [line] if line else lines


def _card(heading: str, title: str, subtitle: str, colour: tuple[int, int, int]) -> bytes:
    """A PNG card: a band in the colour, a heading, the title in large ink, a rule and a subtitle."""
    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 56, SIZE[1]), fill=colour)
    for y in range(24, SIZE[1], 48):  # a quiet 回纹-like rhythm down the band
        draw.rectangle((16, y, 40, y + 24), outline=PAPER, width=3)
        draw.rectangle((24, y + 8, 32, y + 16), fill=PAPER)
    draw.text((104, 64), heading, font=_font(34), fill=colour)
    title_font = _font(84 if len(title) <= 8 else 64)
    y = 150
    for line in _wrap(draw, title, title_font, SIZE[0] - 180)[:3]:
        draw.text((100, y), line, font=title_font, fill=INK)
        y += int(title_font.size * 1.3)
    draw.line((104, y + 24, 360, y + 24), fill=colour, width=4)
    draw.text((104, y + 52), subtitle[:40], font=_font(30), fill=INK)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def render_cover(record: dict[str, Any]) -> bytes:
    """A PNG cover for a record: a band in its category colour, the numeral, the title, its people and place."""
    name = record.get("category") or ""  # a reader's view may lack any field but the title
    category = category_by_name(name)
    band = f"{category.numeral}　{name}" if category else name
    subtitle = "　".join(filter(None, ["、".join(record.get("ethnic_groups") or []), record.get("region_text") or ""]))
    return _card(band, record["title"], subtitle, CATEGORY_COLOURS.get(name, INK))


def render_exhibit_cover(exhibit: dict[str, Any]) -> bytes:
    """A PNG cover for an exhibit with no photograph: its own title, never another record's."""
    return _card("专题展览", exhibit["title"], "智慧民族之家", INK)


def cover_file(home: Path, record_id: str) -> Path:
    """Where a record's cover is kept in the data folder."""
    return Path(home) / "media" / "covers" / f"{record_id}.png"


def exhibit_cover_file(home: Path, exhibit_id: str) -> Path:
    """Where an exhibit's drawn cover is kept in the data folder."""
    return Path(home) / "media" / "covers" / "exhibits" / f"{exhibit_id}.png"


def _save(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (readers never see half a PNG)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    partial.write_bytes(data)
    os.replace(partial, path)


def current(path: Path, updated_at: str, draw: Callable[[], bytes]) -> Path:
    """A cached drawing: drawn now when missing or not newer than ``updated_at`` (the store's ISO time)."""
    changed = dt.datetime.fromisoformat(updated_at).timestamp() + 1  # the store keeps whole seconds
    if not path.is_file() or path.stat().st_mtime < changed:
        _save(path, draw())
    return path


def write_cover(home: Path, record: dict[str, Any]) -> dict[str, Any]:
    """Render and store a record's cover; returns its media metadata."""
    data = render_cover(record)
    _save(cover_file(home, record["id"]), data)
    return {
        "id": f"cover-{record['id']}",
        "record_id": record["id"],
        "position": 0,
        "medium": "cover",
        "storage_id": f"covers/{record['id']}.png",
        "sha256": hashlib.sha256(data).hexdigest(),
        "format": "PNG",
        "width": SIZE[0],
        "height": SIZE[1],
        "caption": f"{record['title']}（题图）",
        "author": "智慧民族之家",
        "taken_on": None,
        "rights": "CC BY 4.0",
        "original_name": None,
        "created_at": None,
    }
