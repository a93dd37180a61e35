"""Accounts in the browser, for admins: add, disable or enable, and set a new password."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from heritage import users
from heritage.users import ROLE_NAMES
from web.db import get_store
from web.sessions import current_user, requires

bp = Blueprint("curate_users", __name__, url_prefix="/curate/users")


@bp.route("/", methods=["GET", "POST"])
@requires("admin")
def accounts():
    """Every account; the form below adds one."""
    db = get_store()
    if request.method == "POST":
        try:
            users.add_user(
                db,
                request.form.get("username", "").strip(),
                request.form.get("password", ""),
                request.form.get("role", ""),
                request.form.get("display_name", "").strip()[:100],
            )
        except ValueError as error:
            flash(f"未建立：{error}")
        else:
            flash(f"已建立账户“{request.form['username'].strip()}”。")
        return redirect(url_for("curate_users.accounts"))
    return render_template("curate/users.html", rows=users.accounts(db), roles=ROLE_NAMES)


@bp.route("/<username>", methods=["POST"])
@requires("admin")
def change(username: str):
    """Disable, enable, or set a new password (which also unlocks the account)."""
    db = get_store()
    if users.get(db, username) is None:
        abort(404)
    action = request.form.get("action")
    try:
        if action == "password":
            users.set_password(db, username, request.form.get("password", ""))
            flash(f"已为“{username}”设置新密码并解除锁定。")
        elif action in ("disable", "enable"):
            if username == current_user()["username"]:
                raise ValueError("不能停用自己的账户")
            users.set_disabled(db, username, action == "disable")
            flash(f"已{'停用' if action == 'disable' else '启用'}“{username}”。")
        else:
            abort(400, description="参数 action 应为 password、disable 或 enable")
    except ValueError as error:
        flash(f"未修改：{error}")
    return redirect(url_for("curate_users.accounts"))
