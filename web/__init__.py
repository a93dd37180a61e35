"""The public site: a Flask app factory, one blueprint per area, served by a real WSGI server."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx
from werkzeug.middleware.proxy_fix import ProxyFix

from heritage import vocab
from web.citations import cited

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
}
ERRORS = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限",
    404: "页面不存在",
    405: "不支持这种请求方式",
    413: "请求内容过大",
    422: "填写有误",
    429: "请求过于频繁",
    500: "服务器出了点问题",
}


class ConfigError(RuntimeError):
    """The app cannot start with this configuration (for instance: production without a secret key)."""


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the site for a data folder: ``HERITAGE_HOME`` in config or the environment (default ./instance).

    The data folder is Flask's instance folder: a ``site.cfg`` there (Python assignments such as
    ``SECRET_KEY = "…"`` or ``TRUSTED_HOSTS = ["heritage.example"]``) is read after the environment,
    and ``config`` last.  Production (anything but TESTING or DEBUG) refuses to start without ``SECRET_KEY``."""
    folder = Path((config or {}).get("HERITAGE_HOME") or os.environ.get("HERITAGE_HOME", "instance")).resolve()
    app = Flask(__name__, instance_path=str(folder), instance_relative_config=True)
    from web.numbers import WholeConverter

    app.url_map.converters["int"] = WholeConverter  # before any route: <int:…> is ASCII and fits SQLite
    app.config.update(
        HERITAGE_HOME=str(folder),
        SECRET_KEY=os.environ.get("HERITAGE_SECRET_KEY"),
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=24 * 1024 * 1024,  # an image of up to 20 MB with its form
        TRUSTED_HOSTS=[h for h in os.environ.get("HERITAGE_TRUSTED_HOSTS", "").split(",") if h] or None,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=30),
        PROXIES=int(os.environ.get("HERITAGE_PROXIES", "0") or 0),
        PROPAGATE_EXCEPTIONS=False,  # even in DEBUG or TESTING an unhandled error gets the Chinese 500 page
    )
    app.config.from_pyfile("site.cfg", silent=True)
    app.config.update(config or {}, HERITAGE_HOME=str(folder))  # always the absolute path
    if not app.config["SECRET_KEY"]:
        if not (app.config.get("TESTING") or app.config.get("DEBUG")):
            raise ConfigError("生产环境必须设置密钥：请设置环境变量 HERITAGE_SECRET_KEY")
        app.config["SECRET_KEY"] = os.urandom(32).hex()
    app.json.ensure_ascii = False
    if app.config["PROXIES"]:  # behind that many reverse proxies: trust their X-Forwarded-* headers
        hops = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from web import (
        api,
        apidocs,
        auth,
        browse,
        census_map,
        clues,
        dashboard,
        db,
        festivals,
        pictures,
        public,
        sessions,
        showcase,
        sitemap,
    )
    from web.curate import exhibits, imports, media, records, users

    db.init_app(app)
    for area in (
        public,
        browse,
        census_map,
        showcase,
        festivals,
        api,
        apidocs,
        sitemap,
        clues,
        auth,
        records,
        dashboard,
        media,
        imports,
        exhibits,
        users,
    ):
        app.register_blueprint(area.bp)
    app.before_request(sessions.protect)
    app.jinja_env.globals.update(
        csrf_token=sessions.csrf_token,
        current_user=sessions.current_user,
        index_lag=records.index_lag,
        record_picture=pictures.record_picture,
    )
    app.jinja_env.filters["native_lang"] = vocab.native_lang
    app.jinja_env.filters["cited"] = cited

    @app.after_request
    def secure(response):
        response.headers.update(SECURITY_HEADERS)
        return response

    for code in ERRORS:
        app.register_error_handler(code, _error_page)
    return app


def _error_page(error: Any):
    code = getattr(error, "code", 500) or 500
    message = ERRORS.get(code, "请求有误")
    detail = getattr(error, "description", "") or ""
    if re.search("[\u4e00-\u9fff]", detail):  # our own explanation, in Chinese (not Werkzeug's English)
        message = f"{message}：{detail}"
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": code, "message": message}}), code
    if request_ctx.url_adapter is None:  # an untrusted Host: no links can be built for it
        return Response(f"{code} {message}", code, mimetype="text/plain")
    return render_template("error.html", code=code, message=message), code
