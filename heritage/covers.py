"""Covers drawn for records and exhibits as patterns (示意图案) in their category's colours, seeded by
their ids and kept as files: never a fake photograph, never the title again."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from heritage import patterns

SIZE = (960, 640)
SCALE = 2  # drawn at twice the size and reduced, so curves and diagonals come out smooth
PAPER = (247, 242, 232)  # 宣纸
INK = (38, 42, 54)  # 墨色
STYLE = "patterns"  # the folder the covers of this drawing style are kept in: a new style, a new folder,
# so that `heritage init` and the pages redraw every cover drawn in an older one
LABEL = "示意图案"  # what a drawn cover is called on every page: a pattern, never a photograph
# Each category's colour, from the traditional palette, so that a visitor learns them, and a detail colour
# that is no other category's.
PALETTES = {
    "民间文学": ((46, 78, 126), (214, 168, 74)),  # 黛蓝, 缃色
    "传统音乐": ((122, 58, 104), (204, 154, 82)),  # 紫棠, 金
    "传统舞蹈": ((194, 76, 52), (230, 180, 70)),  # 朱红, 金黄
    "传统戏剧": ((163, 32, 45), (216, 164, 52)),  # 胭脂, 金黄
    "曲艺": ((176, 120, 40), (40, 40, 48)),  # 赭黄, 墨
    "传统体育、游艺与杂技": ((36, 110, 90), (222, 190, 110)),  # 石绿, 浅金
    "传统美术": ((180, 70, 110), (60, 44, 60)),  # 海棠, 黛紫
    "传统技艺": ((30, 80, 110), (104, 148, 178)),  # 靛青, 浅靛
    "传统医药": ((92, 118, 52), (214, 168, 90)),  # 苍绿, 琥珀
    "民俗": ((190, 60, 40), (222, 170, 60)),  # 丹, 金
}
CATEGORY_COLOURS = {category: main for category, (main, _) in PALETTES.items()}
# Each category's motifs; a word in the title or subcategory names the one its craft is known by.
CATEGORY_MOTIFS = {
    "民间文学": ("clouds", "weave", "paper_cut"),
    "传统音乐": ("waves", "drum"),
    "传统舞蹈": ("drum", "paper_cut", "waves"),
    "传统戏剧": ("clouds", "brocade", "paper_cut"),
    "曲艺": ("clouds", "waves"),
    "传统体育、游艺与杂技": ("weave", "brocade", "drum"),
    "传统美术": ("paper_cut", "cross_stitch", "brocade"),
    "传统技艺": ("batik", "brocade", "cross_stitch", "weave"),
    "传统医药": ("herbs", "clouds"),
    "民俗": ("paper_cut", "drum", "clouds", "cross_stitch", "brocade"),
}
KEYWORD_MOTIFS = (
    (("蜡染", "扎染", "蓝染", "印染", "枫香"), "batik"),
    (("刺绣", "挑花", "绣", "服饰"), "cross_stitch"),
    (("织锦", "锦", "织", "纺"), "brocade"),
    (("铜鼓", "鼓"), "drum"),
    (("剪纸", "窗花", "刻纸"), "paper_cut"),
    (("医", "药", "疗"), "herbs"),
    (("编", "结", "竹", "藤"), "weave"),
    (("歌", "曲", "调", "琴", "笛", "芦笙", "乐", "唢呐"), "waves"),
    (("戏", "说唱", "书", "传说", "故事", "史诗"), "clouds"),
)


def _seed(key: str) -> random.Random:
    """A random source that gives the same draws for the same key on every machine."""
    return random.Random(int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big"))


def motif_of(record: dict[str, Any]) -> str:
    """The motif a record's cover is drawn in: the one its title or subcategory names, else one of its
    category's, chosen by its id."""
    words = f"{record.get('title') or ''}{record.get('subcategory') or ''}"
    for keys, motif in KEYWORD_MOTIFS:
        if any(key in words for key in keys):
            return motif
    choices = CATEGORY_MOTIFS.get(record.get("category") or "", ("clouds", "brocade", "waves"))
    return _seed(record["id"]).choice(choices)


def label(record: dict[str, Any]) -> str:
    """What the page says under a drawn cover: 示意图案 and the motif, so no one takes it for a photograph."""
    return f"{LABEL}：{patterns.MOTIFS[motif_of(record)][0]}，按类别配色绘制，非照片"


def _palette(category: str, rng: random.Random, motif: str) -> patterns.Palette:
    """The category's colour as the figure on paper, or as the ground under a paper figure (wax resist is
    always pale on the dye)."""
    main, detail = PALETTES.get(category, (INK, (176, 120, 40)))
    if motif == "batik" or rng.random() < 0.5:
        return patterns.Palette(ground=main, figure=PAPER, detail=detail)
    return patterns.Palette(ground=PAPER, figure=main, detail=detail)


def record_image(record: dict[str, Any]) -> Image.Image:
    """A record's drawn pattern: its motif in its category's colours, the proportions seeded by its id
    (drawn at SCALE times the size and reduced)."""
    motif = motif_of(record)
    rng = _seed(f"{record['id']}:{motif}")
    palette = _palette(record.get("category") or "", rng, motif)
    width, height = SIZE[0] * SCALE, SIZE[1] * SCALE
    image = Image.new("RGB", (width, height), palette.ground)
    draw = ImageDraw.Draw(image)
    patterns.MOTIFS[motif][1](draw, rng, palette, width, height)
    _hem(draw, CATEGORY_COLOURS.get(record.get("category") or "", INK), width, height)
    return image.reduce(SCALE)


def _hem(draw: ImageDraw.ImageDraw, colour: patterns.Colour, width: int, height: int) -> None:
    """A hem along the foot in the category's colour, a fret (回纹) of paper squares along it, so every cover
    of a category shares a mark whatever its motif."""
    top = height - height // 10
    draw.rectangle((0, top, width, height), fill=colour)
    draw.line((0, top, width, top), fill=PAPER, width=SCALE * 3)
    unit = (height - top) // 2
    for x in range(unit // 2, width, unit * 2):
        y = top + unit // 2
        draw.rectangle((x, y, x + unit, y + unit), outline=PAPER, width=SCALE * 3)
        draw.rectangle((x + unit // 3, y + unit // 3, x + unit - unit // 3, y + unit - unit // 3), fill=PAPER)


def _png(image: Image.Image) -> bytes:
    """A PNG of at most 64 colours (three colours and their smoothed edges), lightly compressed: smaller
    than the full-colour image and quicker to write."""
    out = io.BytesIO()
    image.quantize(64, method=Image.Quantize.FASTOCTREE).save(out, "PNG", compress_level=3)
    return out.getvalue()


def render_cover(record: dict[str, Any]) -> bytes:
    """A PNG cover for a record: a pattern from its category and craft, never its title, never a photograph."""
    return _png(record_image(record))


def render_exhibit_cover(exhibit: dict[str, Any]) -> bytes:
    """A PNG cover for an exhibit with no photograph: side by side, the patterns of its first three records."""
    records = [item["record"] for item in exhibit.get("items", [])][:3] or [
        {"id": exhibit["id"], "title": exhibit.get("title") or "", "category": ""}
    ]
    gutter = 8
    panel = (SIZE[0] - gutter * (len(records) - 1)) // len(records)
    image = Image.new("RGB", SIZE, PAPER)
    left = (SIZE[0] - panel) // 2
    for n, record in enumerate(records):
        image.paste(record_image(record).crop((left, 0, left + panel, SIZE[1])), (n * (panel + gutter), 0))
    return _png(image)


def cover_file(home: Path, record_id: str) -> Path:
    """Where a record's cover is kept in the data folder."""
    return Path(home) / "media" / "covers" / STYLE / f"{record_id}.png"


def exhibit_cover_file(home: Path, exhibit_id: str) -> Path:
    """Where an exhibit's drawn cover is kept in the data folder."""
    return Path(home) / "media" / "covers" / STYLE / "exhibits" / f"{exhibit_id}.png"


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
        "storage_id": f"covers/{STYLE}/{record['id']}.png",
        "sha256": hashlib.sha256(data).hexdigest(),
        "format": "PNG",
        "width": SIZE[0],
        "height": SIZE[1],
        "caption": label(record),
        "author": "智慧民族之家",
        "taken_on": None,
        "rights": "CC BY 4.0",
        "original_name": None,
        "created_at": None,
    }
