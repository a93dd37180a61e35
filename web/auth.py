"""Signing in and out, who the user is, role checks for curator routes, and CSRF protection.

Sessions are Flask's signed cookies, short-lived: 30 minutes idle, 8 hours at most.  Every
state-changing request must carry the session's CSRF token and must not come from another site
(Origin and Sec-Fetch-Site are checked as well)."""
from __future__ import annotations

import datetime as dt
import functools
import hmac
import re
import secrets
import time
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from heritage import users
from web.db import get_db, get_store

bp = Blueprint("auth", __name__)
IDLE = dt.timedelta(minutes=30)
LONGEST = dt.timedelta(hours=8)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


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
        if stamp - session.get("seen", 0) > IDLE.total_seconds() or stamp - session.get("since", 0) > LONGEST.total_seconds():
            session.clear()
            flash("登录已超时，请重新登录。")
        else:
            session["seen"] = stamp
    if request.method in UNSAFE:
        sent = request.form.get("csrf_token", "") or request.headers.get("X-CSRF-Token", "")
        if not _same_site() or not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
            abort(403, description="表单已过期或来自其他网站，请刷新页面后重试。")


def same_site_path(target: str | None) -> str | None:
    """``target`` as a path on this site, read the way browsers read a URL, or None.

    Browsers drop tabs and line breaks anywhere, trim C0 controls and spaces at both ends and take
    a backslash for a slash; what is left must start with one slash (no scheme, no ``//`` host)."""
    cleaned = re.sub(r"[\t\r\n]", "", target or "").strip(_C0_AND_SPACE)
    cleaned = cleaned.replace("\\", "/")
    if cleaned.startswith("/") and not cleaned.startswith("//"):
        return cleaned
    return None


def _safe_next(target: str | None, role: str) -> str:
    """Only a path on this site (never an open redirect); by default the workspace, or the site for researchers."""
    return same_site_path(target) or url_for("public.index" if role == "researcher" else "curate.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in. The message is the same for an unknown user, a wrong password, a locked or disabled account."""
    error = None
    if request.method == "POST":
        account = users.authenticate(get_store(), request.form.get("username", "")[:64],
                                     request.form.get("password", "")[:256])
        if account:
            target = _safe_next(request.args.get("next"), account["role"])
            session.clear()
            session.update(user=account["username"], session_version=account["session_version"],
                           since=time.time(), seen=time.time(), csrf=secrets.token_urlsafe(32))
            session.permanent = True
            return redirect(target)
        error = f"用户名或密码不正确。连续输错 {users.MAX_FAILURES} 次后账户将锁定 {users.LOCK_MINUTES} 分钟。"
    return render_template("login.html", error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: this session and every other session of the account end."""
    user = current_user()
    if user:
        users.end_sessions(get_store(), user["username"])
    session.clear()
    return redirect(url_for("public.index"))
