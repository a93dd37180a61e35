"""Curators' uploads of images (through heritage.media's checks) and of sound and video (through
heritage.recordings', transcoded later by heritage.transcode's worker), with captions; ordered or removed;
and the public files of published records, sound and video served with range requests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, request, send_file, url_for
from werkzeug.datastructures import FileStorage

from heritage import captions, media, probe, recordings, store, transcode, workflow
from heritage.db import write
from heritage.workflow import EDITORS
from web.db import get_db, get_store, home
from web.sessions import current_user, requires
from web.visible import audience, record_or_none

bp = Blueprint("curate_media", __name__)
# what the site serves of a recording, and as what
RECORDING_FILES = {
    "web.m4a": "audio/mp4",
    "web.mp4": "video/mp4",
    "waveform.png": "image/png",
    "poster.jpg": "image/jpeg",
    captions.FILE_NAME: "text/vtt",
}
FORM_BYTES = 64 * 1024  # room for a form's other fields beside the file


def _back(record_id: str, part: str = "images"):
    return redirect(url_for("curate.edit", kinds="records", entity_id=record_id) + f"#{part}")


@bp.before_app_request
def _recording_limit():
    """A recording's upload may be larger than the site's other forms (before the form is read)."""
    if request.endpoint == "curate_media.upload_recording":
        limit = max(probe.MAX_BYTES.values()) + FORM_BYTES
        if (request.content_length or 0) > limit:
            audio, video = (probe.MAX_BYTES[m] // 1024 // 1024 for m in (probe.AUDIO, probe.VIDEO))
            abort(413, description=f"音频至多 {audio} MB，视频至多 {video} MB")
        request.max_content_length = limit


def _take(record_id: str, field: str, what: str, ingest: Callable[[FileStorage], dict[str, Any]]):
    """The form's details and the checked, kept upload of ``field`` for a record; None, with the reason
    flashed, when it is refused (nothing is kept then)."""
    if store.find_id(get_store(), store.RECORD, "id", record_id) is None:
        abort(404)
    if _refused(record_id, f"{what}未保存"):
        return None
    upload_file = request.files.get(field)
    try:
        if upload_file is None or not upload_file.filename:
            raise media.MediaError(f"请选择要上传的{what}")
        return media.metadata(request.form), ingest(upload_file)
    except media.MediaError as error:
        flash(f"{what}未保存：{error}")
        return None


def _refused(record_id: str, what: str) -> bool:
    """Whether the user may not change the record's media now (heritage.workflow.locked), the reason flashed."""
    reason = workflow.locked(store.get(get_store(), store.RECORD, record_id), current_user()["role"])
    if reason:
        flash(f"{what}：{reason}。")
    return reason is not None


def _add(record_id: str, stored: dict[str, Any], details: dict[str, Any], medium: str) -> str:
    """The kept upload's row (its files are removed when the row cannot be written); its id."""
    db = get_store()
    try:
        with write(db):
            media_id = media.add(db, record_id, stored, details, medium)
            if medium != media.IMAGE:
                transcode.enqueue(db, media_id)
    except BaseException:
        media.remove_files(home(), stored["storage_id"], medium)
        raise
    return media_id


@bp.route("/curate/records/<record_id>/images", methods=["POST"])
@requires(*EDITORS)
def upload(record_id: str):
    """Add an image (JPEG, PNG or WEBP) with caption, author, date and rights."""
    taken = _take(
        record_id,
        "image",
        "图片",
        lambda file: media.ingest(home(), file.read(media.MAX_BYTES + 1), file.filename or ""),
    )
    if taken:
        details, stored = taken
        _add(record_id, stored, details, media.IMAGE)
        flash(f"已保存图片“{stored['original_name']}”（{stored['width']}×{stored['height']}，已去除全部元数据）。")
    return _back(record_id)


def _for_the_reader(record_id: str) -> bool:
    """Whether the reader may see the record's media: the record's own rule (heritage.visibility)."""
    return record_or_none(record_id, audience()) is not None


def _for_curators(record_id: str) -> bool:
    """Curators see every record's media."""
    return True


def _part(row: dict[str, Any]) -> str:
    return "images" if row["medium"] == media.IMAGE else "recordings"


@bp.route("/curate/images/<media_id>/move", methods=["POST"])
@bp.route("/curate/recordings/<media_id>/move", methods=["POST"])
@requires(*EDITORS)
def move(media_id: str):
    """One place earlier or later."""
    db = get_store()
    row = media.get(db, media_id) or abort(404)
    if _refused(row["record_id"], "顺序未改"):
        return _back(row["record_id"], _part(row))
    with write(db):
        media.move(db, media_id, -1 if request.form.get("step") == "up" else 1)
    return _back(row["record_id"], _part(row))


@bp.route("/curate/images/<media_id>/delete", methods=["POST"])
@bp.route("/curate/recordings/<media_id>/delete", methods=["POST"])
@requires(*EDITORS)
def delete(media_id: str):
    """Remove an image, a sound or a video and its files."""
    db = get_store()
    row = media.get(db, media_id) or abort(404)
    if _refused(row["record_id"], "未删除"):
        return _back(row["record_id"], _part(row))
    with write(db):
        storage_id, medium = media.delete(db, media_id)
    media.remove_files(home(), storage_id, medium)
    flash("已删除图片。" if medium == media.IMAGE else f"已删除{probe.MEDIUM_NAMES[medium]}“{row['original_name']}”。")
    return _back(row["record_id"], _part(row))


@bp.route("/curate/records/<record_id>/recordings", methods=["POST"])
@requires(*EDITORS)
def upload_recording(record_id: str):
    """Add a sound or a video with caption, author, date and rights; its web versions are made in the background."""
    taken = _take(
        record_id, "recording", "音视频", lambda file: recordings.ingest(home(), file.stream, file.filename or "")
    )
    if taken:
        details, stored = taken
        medium = stored.pop("medium")
        _add(record_id, stored, details, medium)
        flash(
            f"已保存{probe.MEDIUM_NAMES[medium]}“{stored['original_name']}”（{stored['duration']:.0f} 秒，"
            "已去除全部元数据），正在后台转码为网页版本。"
        )
    return _back(record_id, "recordings")


@bp.route("/curate/recordings/<media_id>/captions", methods=["POST"])
@requires(*EDITORS)
def upload_captions(media_id: str):
    """Add or replace a recording's captions or transcript (WebVTT)."""
    db = get_store()
    row = media.get(db, media_id)
    if row is None or row["medium"] == media.IMAGE:
        abort(404)
    if _refused(row["record_id"], "字幕未保存"):
        return _back(row["record_id"], "recordings")
    upload_file = request.files.get("captions")
    try:
        if upload_file is None or not upload_file.filename:
            raise media.MediaError("请选择 WebVTT 字幕文件（.vtt）")
        cues = captions.read(upload_file.read(captions.MAX_BYTES + 1), row["duration"])
    except media.MediaError as error:
        flash(f"字幕未保存：{error}")
        return _back(row["record_id"], "recordings")
    captions.keep(home(), db, row, cues, upload_file.filename)
    flash(f"已保存字幕（{len(cues)} 条）。")
    return _back(row["record_id"], "recordings")


@bp.route("/curate/recordings/<media_id>/job")
@requires(*EDITORS)
def job(media_id: str):
    """A recording's transcoding job as JSON (state, label, progress 0–1, message), for the workspace."""
    found = transcode.job(get_db(), media_id) or abort(404)
    return jsonify({k: found[k] for k in ("state", "label", "progress", "message")})


def _folder(row: dict[str, Any]) -> Path:
    return media.folder(home(), row["storage_id"], row["medium"])


def _served(found: tuple[str, Path, str] | None, visible: Callable[[str], bool]):
    """A media file, given as (its record's id, path, type), when the record passes ``visible`` and the
    file exists; else 404.  Range requests are answered (206, 416) so players can seek."""
    if found is None or not visible(found[0]) or not found[1].is_file():
        abort(404)
    _, path, mimetype = found
    return send_file(path, mimetype=mimetype, conditional=True, max_age=86400)


def _recording_file(media_id: str, name: str) -> tuple[str, Path, str] | None:
    """One of a recording's web files or its captions."""
    row = media.get(get_db(), media_id) if name in RECORDING_FILES else None
    if row is None or name not in (*transcode.WEB_FILES.get(row["medium"], ()), captions.FILE_NAME):
        return None
    return row["record_id"], _folder(row) / name, RECORDING_FILES[name]


def _image_file(media_id: str, size: str) -> tuple[str, Path, str] | None:
    """One web size of an image."""
    files = media.image_files(get_db(), media_id) if size in media.SIZES else None
    return (files[0], media.folder(home(), files[1]) / f"{size}.jpg", "image/jpeg") if files else None


@bp.route("/recordings/<media_id>/<name>")
def recording(media_id: str, name: str):
    """A sound's or a video's web file of a published record the reader may see."""
    return _served(_recording_file(media_id, name), _for_the_reader)


@bp.route("/curate/recordings/<media_id>/<name>")
@requires(*EDITORS)
def curator_recording(media_id: str, name: str):
    """Any record's sound or video web file, for curators."""
    return _served(_recording_file(media_id, name), _for_curators)


def _players(rows: list[dict[str, Any]], endpoint: str) -> list[dict[str, Any]]:
    """Recordings with the addresses of their files and their transcript, for the templates."""
    shown = []
    for row in rows:
        web, picture = transcode.WEB_FILES[row["medium"]]
        files = {name: url_for(endpoint, media_id=row["id"], name=name) for name in (web, picture)}
        transcript = captions.transcript(_folder(row) / captions.FILE_NAME)
        track = url_for(endpoint, media_id=row["id"], name=captions.FILE_NAME) if transcript else None
        shown.append(row | {"src": files[web], "picture": files[picture], "track": track, "transcript": transcript})
    return shown


@bp.app_template_global()
def record_recordings(record_id: str) -> list[dict[str, Any]]:
    """A published record's playable sound and video, for the reader (none when the record is not for them)."""
    if not _for_the_reader(record_id):
        return []
    return _players(transcode.recordings(get_db(), record_id, ready=True), "curate_media.recording")


@bp.app_template_global()
def recording_limits() -> str:
    """What the upload form takes, in words."""
    size = {m: probe.MAX_BYTES[m] // 1024 // 1024 for m in probe.MAX_BYTES}
    minutes = {m: probe.MAX_SECONDS[m] // 60 for m in probe.MAX_SECONDS}
    return (
        f"{probe.accepted()}；音频至多 {size[probe.AUDIO]} MB、{minutes[probe.AUDIO]} 分钟，"
        f"视频至多 {size[probe.VIDEO]} MB、{minutes[probe.VIDEO]} 分钟"
    )


@bp.app_template_global()
def exhibit_recordings(items: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(record, its playable recordings) for an exhibit's items that have any."""
    found = [(item["record"], record_recordings(item["record"]["id"])) for item in items]
    return [(record, shown) for record, shown in found if shown]


@bp.app_template_global()
def curator_recordings(record_id: str) -> list[dict[str, Any]]:
    """Any record's sound and video with their jobs, for the workspace."""
    return _players(transcode.recordings(get_db(), record_id), "curate_media.curator_recording")


@bp.route("/images/<media_id>/<size>.jpg")
def image(media_id: str, size: str):
    """An image of a published record the reader may see, in one of the web sizes."""
    return _served(_image_file(media_id, size), _for_the_reader)


@bp.route("/curate/images/<media_id>/<size>.jpg")
@requires(*EDITORS)
def curator_image(media_id: str, size: str):
    """Any record's image, for curators."""
    return _served(_image_file(media_id, size), _for_curators)
