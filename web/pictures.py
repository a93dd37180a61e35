"""The picture that stands for a record or an exhibit: a curator's photograph when there is one, else a
cover drawn for it (never a card that names something else)."""

from __future__ import annotations

from flask import url_for

from heritage.media import first_images
from web.db import get_db


def photo_url(media_id: str) -> str:
    """The web size of an image used as a picture."""
    return url_for("curate_media.image", media_id=media_id, size="medium")


def record_picture(record_id: str) -> str:
    """A published record's picture: its first image, else its drawn cover."""
    photo = first_images(get_db(), [record_id]).get(record_id)
    return photo_url(photo) if photo else url_for("public.cover", record_id=record_id)


def exhibit_picture(exhibit_id: str, record_ids: list[str]) -> str:
    """An exhibit's picture: the first photograph among ``record_ids`` (the curator's choice first, then
    the items in order), else the exhibit's own drawn cover."""
    photos = first_images(get_db(), record_ids)
    chosen = next((photos[r] for r in record_ids if r in photos), None)
    return photo_url(chosen) if chosen else url_for("showcase.exhibit_cover", exhibit_id=exhibit_id)
