"""Records' media (the ``media`` table: images, sound and video, by ``medium``); and images: an image
upload is checked, cleaned and re-encoded before anything is kept.

Only JPEG, PNG and WEBP are opened (by content, never by name); a picture claiming more pixels
than MAX_PIXELS is refused before it is decoded; the whole picture is decoded (a truncated file
fails here); the EXIF orientation is applied; nothing of the file's metadata survives (EXIF, GPS,
text chunks, ICC, comments): the pixels are re-encoded into a fresh file.  The kept master goes
under a random storage id with its SHA-256; three derivative sizes are made from it.  The
uploaded file name is kept only as metadata.  Sound and video are taken in by heritage.recordings.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import shutil
import unicodedata
import warnings
from pathlib import Path
from typing import Any

import sqlite_utils
from PIL import Image, ImageOps, UnidentifiedImageError

from heritage.db import now
from heritage.fields import clean_text, parse_partial_date

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
SIZES = {"large": 1600, "medium": 800, "thumb": 240}
IMAGE = "image"
# where each medium's files are kept under the data folder's media/
FOLDERS = {IMAGE: "images", "audio": "recordings", "video": "recordings"}


class MediaError(ValueError):
    """An upload that cannot be kept; the message says why, in Chinese."""


def folder(home: Path, storage_id: str, medium: str = IMAGE) -> Path:
    """Where a medium's master and derivatives are kept."""
    return Path(home) / "media" / FOLDERS[medium] / storage_id[:2] / storage_id


def _open(data: bytes) -> Image.Image:
    if not data:
        raise MediaError("文件是空的")
    if len(data) > MAX_BYTES:
        raise MediaError(f"文件过大：{len(data) / 1024 / 1024:.1f} MB，上限 {MAX_BYTES // 1024 // 1024} MB")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            if image.width * image.height > MAX_PIXELS:
                raise MediaError(
                    f"图片声称有 {image.width}×{image.height} 像素，超过上限（{MAX_PIXELS // 1_000_000} 百万像素），不予处理"
                )
            image.load()
        except MediaError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise MediaError("图片像素数异常巨大（疑似“解压炸弹”），不予处理") from error
        except UnidentifiedImageError as error:
            raise MediaError("不是 JPEG、PNG 或 WEBP 图片（按文件内容判断，与扩展名无关）") from error
        except (OSError, SyntaxError, ValueError) as error:
            raise MediaError("图片不完整或已损坏，无法读取") from error
    return image


def _clean(image: Image.Image) -> tuple[Image.Image, str]:
    """Upright pixels with no metadata at all, and the format to keep them in."""
    fmt = image.format
    if fmt is None:  # Image.open(formats=FORMATS) always names one; kept explicit for the type
        raise MediaError("不是 JPEG、PNG 或 WEBP 图片（按文件内容判断，与扩展名无关）")
    upright = ImageOps.exif_transpose(image)
    mode = "RGBA" if upright.mode in ("RGBA", "LA", "P", "PA") and fmt != "JPEG" else "RGB"
    pixels = upright.convert(mode)
    fresh = Image.new(mode, pixels.size)
    fresh.paste(pixels)
    return fresh, fmt


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    options: dict[str, dict[str, Any]] = {
        "JPEG": {"quality": 90, "optimize": True},
        "PNG": {"optimize": True},
        "WEBP": {"quality": 90},
    }
    image.save(out, fmt, **options[fmt])
    return out.getvalue()


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _derive(master: Path) -> None:
    """The three web sizes (JPEG, on white where the master is transparent) beside the master."""
    with Image.open(master) as image:
        image.load()
        for name, edge in SIZES.items():
            copy = image.copy()
            copy.thumbnail((edge, edge))
            if copy.mode == "RGBA":
                flat = Image.new("RGB", copy.size, (255, 255, 255))
                flat.paste(copy, mask=copy.getchannel("A"))
                copy = flat
            _write(master.parent / f"{name}.jpg", _encode(copy.convert("RGB"), "JPEG"))


def original_name(name: str) -> str:
    """The uploaded file name as metadata: its last path part, printable, at most 200 characters."""
    base = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    printable = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return printable.strip()[:200] or "未命名"


def metadata(values: dict[str, str]) -> dict[str, Any]:
    """Caption, author, date (1935, 1935-11 or 1935-11-02) and rights, checked; raises MediaError."""
    try:
        taken = values.get("taken_on", "").strip()
        return {
            "caption": clean_text(values.get("caption", "")),
            "author": clean_text(values.get("author", "")),
            "taken_on": parse_partial_date(taken) if taken else None,
            "rights": clean_text(values.get("rights", "")),
        }
    except ValueError as error:
        raise MediaError(str(error)) from error


def ingest(home: Path, data: bytes, name: str) -> dict[str, Any]:
    """Check, clean and keep an uploaded image; returns storage_id, sha256, format, width, height,
    original_name.  Nothing is written when the image is refused."""
    image, fmt = _clean(_open(data))
    encoded = _encode(image, fmt)
    storage_id = secrets.token_hex(16)
    target = folder(home, storage_id)
    target.mkdir(parents=True)
    try:
        master = target / f"master.{FORMATS[fmt]}"
        _write(master, encoded)
        _derive(master)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return {
        "storage_id": storage_id,
        "sha256": hashlib.sha256(encoded).hexdigest(),
        "format": FORMATS[fmt],
        "width": image.width,
        "height": image.height,
        "original_name": original_name(name),
    }


def add(
    db: sqlite_utils.Database, record_id: str, stored: dict[str, Any], details: dict[str, Any], medium: str = IMAGE
) -> str:
    """Record a kept image (or sound, or video) as the record's last one of its medium, inside an open write
    transaction; returns its id."""
    position = db.execute(
        "SELECT coalesce(max(position), -1) + 1 FROM media WHERE record_id = ? AND medium = ?", [record_id, medium]
    ).fetchone()[0]
    media_id = "M" + secrets.token_hex(8).upper()
    db.table("media").insert(
        {
            "id": media_id,
            "record_id": record_id,
            "position": position,
            "medium": medium,
            "created_at": now(),
            **stored,
            **details,
        }
    )
    return media_id


def images(db: sqlite_utils.Database, record_id: str) -> list[dict[str, Any]]:
    """A record's images in their order."""
    return of_medium(db, record_id, IMAGE)


def image_files(db: sqlite_utils.Database, media_id: str) -> tuple[str, str] | None:
    """An image's record and storage id, or None when there is no such image."""
    row = db.execute(
        "SELECT record_id, storage_id FROM media WHERE id = ? AND medium = ?", [media_id, IMAGE]
    ).fetchone()
    return (row[0], row[1]) if row else None


def get(db: sqlite_utils.Database, media_id: str) -> dict[str, Any] | None:
    """An image's or a recording's row (never a drawn cover's), or None."""
    rows = list(db.query("SELECT * FROM media WHERE id = ? AND medium IN (?, ?, ?)", [media_id, *FOLDERS]))
    return rows[0] if rows else None


def first_images(db: sqlite_utils.Database, record_ids: list[str]) -> dict[str, str]:
    """Each record's first image id, for those of ``record_ids`` that have one."""
    marks = ", ".join("?" * len(record_ids))
    rows = db.execute(
        f"SELECT record_id, id FROM media WHERE medium = ? AND record_id IN ({marks}) ORDER BY position DESC",
        [IMAGE, *record_ids],
    ).fetchall()
    return dict(rows)  # later rows win: the first position is kept


def move(db: sqlite_utils.Database, media_id: str, step: int) -> None:
    """Move an image (or a recording) one place earlier (-1) or later (+1) among its record's of its medium."""
    row = db.execute("SELECT record_id, medium FROM media WHERE id = ?", [media_id]).fetchone()
    if row is None:
        raise MediaError("没有这一媒体文件")
    ordered = [m["id"] for m in of_medium(db, row[0], row[1])]
    at = ordered.index(media_id)
    other = at + step
    if 0 <= other < len(ordered):
        ordered[at], ordered[other] = ordered[other], ordered[at]
    for position, each in enumerate(ordered):
        db.execute("UPDATE media SET position = ? WHERE id = ?", [position, each])


def of_medium(db: sqlite_utils.Database, record_id: str, medium: str) -> list[dict[str, Any]]:
    """A record's media of one medium in their order."""
    return list(
        db.query("SELECT * FROM media WHERE record_id = ? AND medium = ? ORDER BY position", [record_id, medium])
    )


def delete(db: sqlite_utils.Database, media_id: str) -> tuple[str, str]:
    """Remove an image's (or a recording's) row and its jobs, inside an open write transaction; returns its
    storage id and medium, whose files the caller removes with remove_files() once the transaction has committed."""
    row = get(db, media_id)
    if row is None:
        raise MediaError("没有这一媒体文件")
    db.execute("DELETE FROM media_jobs WHERE media_id = ?", [media_id])
    db.execute("DELETE FROM media WHERE id = ?", [media_id])
    return row["storage_id"], row["medium"]


def remove_files(home: Path, storage_id: str, medium: str = IMAGE) -> None:
    """Delete a medium's files (after its row is gone)."""
    shutil.rmtree(folder(home, storage_id, medium), ignore_errors=True)


def rebuild(home: Path, db: sqlite_utils.Database) -> tuple[int, list[str]]:
    """Make every image's derivatives again from its master; (how many, storage ids whose master is missing)."""
    done, missing = 0, []
    for (storage_id,) in db.execute("SELECT storage_id FROM media WHERE medium = ? ORDER BY id", [IMAGE]).fetchall():
        masters = list(folder(home, storage_id).glob("master.*"))
        if not masters:
            missing.append(storage_id)
            continue
        _derive(masters[0])
        done += 1
    return done, missing
