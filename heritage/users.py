"""Accounts: usernames, roles and passwords hashed with a slow KDF (scrypt)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from functools import lru_cache

import sqlite_utils

from heritage.db import now, write

ROLES = ("curator", "reviewer", "admin", "researcher")
ROLE_NAMES = {"curator": "普查员", "reviewer": "审核人", "admin": "管理员", "researcher": "研究人员"}


def role_label(role: str) -> str:
    """A role as the command shows it: its value with the Chinese name, curator（普查员）."""
    return f"{role}（{ROLE_NAMES.get(role, role)}）"


_SCRYPT = {"n": 2**15, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024}


def hash_password(password: str) -> str:
    """A salted scrypt hash, self-describing: scrypt$n$r$p$salt$hash."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True when the password matches a hash made by hash_password."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        computed = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), maxmem=_SCRYPT["maxmem"]
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


def add_user(db: sqlite_utils.Database, username: str, password: str, role: str, display_name: str = "") -> None:
    """Create an account; raises ValueError with a Chinese message on bad input."""
    if not re.fullmatch(r"[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}", username or ""):
        raise ValueError("用户名应为 2–32 位的字母、数字、汉字或 _ . -")
    if role not in ROLES:
        raise ValueError(f"角色应为 {'、'.join(map(role_label, ROLES))} 之一")
    if len(password or "") < 10:
        raise ValueError("密码至少 10 位")
    with write(db):
        if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise ValueError(f"用户“{username}”已存在")
        db.table("users").insert(
            {
                "username": username,
                "password_hash": hash_password(password),
                "role": role,
                "display_name": display_name or username,
                "disabled": 0,
                "failed_logins": 0,
                "locked_until": None,
                "created_at": now(),
            }
        )


MAX_FAILURES = 5
LOCK_MINUTES = 15


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    return hash_password(secrets.token_hex(16))


def authenticate(db: sqlite_utils.Database, username: str, password: str) -> dict | None:
    """The account for these credentials, or None.

    The answer, and the work done (one scrypt), are the same whether the user is unknown, disabled,
    locked or the password wrong.  After MAX_FAILURES wrong passwords in a row the account is locked
    for LOCK_MINUTES; a locked account refuses even the right password."""
    with write(db):
        row = db.execute(
            "SELECT username, password_hash, role, display_name, disabled, failed_logins, locked_until"
            " FROM users WHERE username = ?",
            [username or ""],
        ).fetchone()
        if row is None:
            verify_password(password or "", _decoy_hash())
            return None
        name, stored, role, display, disabled, failures, locked_until = row
        right = verify_password(password or "", stored)
        stamp = now()
        if disabled or (locked_until and locked_until > stamp):
            return None
        if not right:
            failures += 1
            until = None
            if failures >= MAX_FAILURES:
                until = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds")
                failures = 0
            db.execute(
                "UPDATE users SET failed_logins = ?, locked_until = ? WHERE username = ?", [failures, until, name]
            )
            return None
        db.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = ?", [name])
    return get(db, name)


def set_password(db: sqlite_utils.Database, username: str, password: str) -> None:
    """Give an account a new password (and unlock it), ending its sessions; raises ValueError in Chinese."""
    if len(password or "") < 10:
        raise ValueError("密码至少 10 位")
    with write(db):
        changed = db.execute(
            "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL,"
            " session_version = session_version + 1 WHERE username = ?",
            [hash_password(password), username],
        ).rowcount
    if not changed:
        raise ValueError(f"没有用户“{username}”")


def set_disabled(db: sqlite_utils.Database, username: str, disabled: bool = True) -> None:
    """Disable (or enable again) an account: a disabled account cannot sign in."""
    with write(db):
        changed = db.execute("UPDATE users SET disabled = ? WHERE username = ?", [int(disabled), username]).rowcount
    if not changed:
        raise ValueError(f"没有用户“{username}”")


def end_sessions(db: sqlite_utils.Database, username: str) -> None:
    """End every session of an account (each session carries the version it began with)."""
    with write(db):
        db.execute("UPDATE users SET session_version = session_version + 1 WHERE username = ?", [username])


def get(db: sqlite_utils.Database, username: str) -> dict | None:
    """An account's name, role, display name, whether it is disabled and its session version, or None."""
    rows = list(
        db.query(
            "SELECT username, role, display_name, disabled, session_version FROM users WHERE username = ?", [username]
        )
    )
    return rows[0] if rows else None


def accounts(db: sqlite_utils.Database) -> list[dict]:
    """Every account by username: name, role, display name, whether disabled, locked until when."""
    return list(db.query("SELECT username, role, display_name, disabled, locked_until FROM users ORDER BY username"))


def any_account(db: sqlite_utils.Database) -> bool:
    """Whether the store has any account yet."""
    return db.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None
