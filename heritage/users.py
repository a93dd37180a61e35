"""Accounts: usernames, roles and passwords hashed with a slow KDF (scrypt)."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import sqlite_utils

from heritage.db import now, write

ROLES = ("curator", "reviewer", "admin", "researcher")
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
        computed = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n),
                                  r=int(r), p=int(p), maxmem=_SCRYPT["maxmem"])
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


def add_user(db: sqlite_utils.Database, username: str, password: str, role: str,
             display_name: str = "") -> None:
    """Create an account; raises ValueError with a Chinese message on bad input."""
    if not re.fullmatch(r"[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}", username or ""):
        raise ValueError("用户名应为 2–32 位的字母、数字、汉字或 _ . -")
    if role not in ROLES:
        raise ValueError(f"角色应为 {'、'.join(ROLES)} 之一")
    if len(password or "") < 10:
        raise ValueError("密码至少 10 位")
    with write(db):
        if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise ValueError(f"用户“{username}”已存在")
        db["users"].insert({
            "username": username, "password_hash": hash_password(password), "role": role,
            "display_name": display_name or username, "disabled": 0, "failed_logins": 0,
            "locked_until": None, "created_at": now(),
        })
