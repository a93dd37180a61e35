"""Who the user is, role checks for curator routes, and CSRF protection (helpers, not a blueprint).

Sessions are Flask's signed cookies, short-lived: 30 minutes idle, 8 hours at most.  Every
state-changing request must carry the session's CSRF token and must not come from another site
(Origin and Sec-Fetch-Site are checked as well)."""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, g, redirect, request, session, url_for

from heritage import users
from web.db import get_db

IDLE = dt.timedelta(minutes=30)
LONGEST = dt.timedelta(hours=8)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def current_user() -> dict[str, Any] | None:
    """The signed-in user (username, role, display_name), checked against the store once per request:
    a session started before the account's last sign-out or password change is over."""
    if "user" not in g:
        g.user = None
        name = session.get("user")
        if name:
            account = users.get(get_db(), name)
            if account and not account["disabled"] and account["session_version"] == session.get("session_version"):
                g.user = account
            else:
                session.clear()
    return g.user


def requires(*roles: str) -> Callable:
    """Only these roles may use the view; others are sent to sign in (or refused with 403)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if user["role"] not in roles:
                abort(403)
            return view(*args, **kwargs)

        checked.roles = frozenset(roles)
        return checked

    return decorate


def csrf_token() -> str:
    """The session's CSRF token, for a hidden field in every form."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _same_site() -> bool:
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    return origin is None or urlsplit(origin).netloc == request.host


def protect() -> None:
    """Before every request: end stale sessions; refuse state changes without the token or from elsewhere."""
    stamp = time.time()
    if session.get("user"):
        if (
            stamp - session.get("seen", 0) > IDLE.total_seconds()
            or stamp - session.get("since", 0) > LONGEST.total_seconds()
        ):
            session.clear()
            flash("登录已超时，请重新登录。")
        else:
            session["seen"] = stamp
    if request.method in UNSAFE:
        sent = request.form.get("csrf_token", "") or request.headers.get("X-CSRF-Token", "")
        if not _same_site() or not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
            abort(403, description="表单已过期或来自其他网站，请刷新页面后重试。")
