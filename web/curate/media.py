"""Curators' image uploads: through heritage.media's checks, then ordered or removed; and the public
image files of published records."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for

from heritage import media, store
from heritage.db import write
from heritage.workflow import EDITORS
from web.db import get_db, get_store, home
from web.sessions import requires
from web.visible import audience, record_or_none

bp = Blueprint("curate_media", __name__)


def _back(record_id: str):
    return redirect(url_for("curate.edit", kinds="records", entity_id=record_id) + "#images")


@bp.route("/curate/records/<record_id>/images", methods=["POST"])
@requires(*EDITORS)
def upload(record_id: str):
    """Add an image (JPEG, PNG or WEBP) with caption, author, date and rights."""
    db = get_store()
    if store.find_id(db, store.RECORD, "id", record_id) is None:
        abort(404)
    upload_file = request.files.get("image")
    try:
        if upload_file is None or not upload_file.filename:
            raise media.MediaError("请选择要上传的图片")
        details = media.metadata(request.form)
        stored = media.ingest(home(), upload_file.read(media.MAX_BYTES + 1), upload_file.filename)
    except media.MediaError as error:
        flash(f"图片未保存：{error}")
        return _back(record_id)
    try:
        with write(db):
            media.add(db, record_id, stored, details)
    except BaseException:
        media.remove_files(home(), stored["storage_id"])
        raise
    flash(f"已保存图片“{stored['original_name']}”（{stored['width']}×{stored['height']}，已去除全部元数据）。")
    return _back(record_id)


def _image_record(media_id: str) -> str:
    files = media.image_files(get_store(), media_id) or abort(404)
    return files[0]


@bp.route("/curate/images/<media_id>/move", methods=["POST"])
@requires(*EDITORS)
def move(media_id: str):
    """One place earlier or later."""
    record_id = _image_record(media_id)
    db = get_store()
    with write(db):
        media.move(db, media_id, -1 if request.form.get("step") == "up" else 1)
    return _back(record_id)


@bp.route("/curate/images/<media_id>/delete", methods=["POST"])
@requires(*EDITORS)
def delete(media_id: str):
    """Remove an image and its files."""
    record_id = _image_record(media_id)
    db = get_store()
    with write(db):
        storage_id = media.delete(db, media_id)
    media.remove_files(home(), storage_id)
    flash("已删除图片。")
    return _back(record_id)


def _send(media_id: str, size: str, visible: Callable[[str], bool]):
    """One web size of an image whose record passes ``visible``; else 404."""
    files = media.image_files(get_db(), media_id) if size in media.SIZES else None
    path = media.folder(home(), files[1]) / f"{size}.jpg" if files and visible(files[0]) else None
    if path is None or not path.exists():
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=86400)


@bp.route("/images/<media_id>/<size>.jpg")
def image(media_id: str, size: str):
    """An image of a published record the reader may see, in one of the web sizes."""
    return _send(media_id, size, lambda record_id: record_or_none(record_id, audience()) is not None)


@bp.route("/curate/images/<media_id>/<size>.jpg")
@requires(*EDITORS)
def curator_image(media_id: str, size: str):
    """Any record's image, for curators."""
    return _send(media_id, size, lambda record_id: True)
