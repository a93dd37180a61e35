"""Signing in and out (the session itself, roles and CSRF are web.sessions)."""

from __future__ import annotations

import re
import secrets
import time

from flask import Blueprint, redirect, render_template, request, session, url_for

from heritage import users
from heritage.workflow import EDITORS
from web.db import get_store
from web.sessions import current_user

bp = Blueprint("auth", __name__)
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


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
    return same_site_path(target) or url_for("curate.dashboard" if role in EDITORS else "public.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in. The message is the same for an unknown user, a wrong password, a locked or disabled account."""
    error = None
    if request.method == "POST":
        account = users.authenticate(
            get_store(), request.form.get("username", "")[:64], request.form.get("password", "")[:256]
        )
        if account:
            target = _safe_next(request.args.get("next"), account["role"])
            session.clear()
            session.update(
                user=account["username"],
                session_version=account["session_version"],
                since=time.time(),
                seen=time.time(),
                csrf=secrets.token_urlsafe(32),
            )
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
