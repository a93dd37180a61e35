"""Store connections per request: read-only for pages, writable only where a form saves."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from flask import Flask, current_app, g

from heritage.store import open_store


def home() -> Path:
    """The data folder the site serves."""
    return Path(current_app.config["HERITAGE_HOME"])


def get_db() -> sqlite_utils.Database:
    """The request's read-only connection, opened on first use."""
    if "db" not in g:
        g.db = open_store(home(), readonly=True)
    return g.db


def close_db(_error: BaseException | None = None) -> None:
    """Close the request's connections, if any."""
    for name in ("db", "store"):
        database = g.pop(name, None)
        if database is not None:
            database.conn.close()


def init_app(app: Flask) -> None:
    """Close connections at the end of every request."""
    app.teardown_appcontext(close_db)


def get_store() -> sqlite_utils.Database:
    """The request's writable connection (curator pages and forms), opened on first use."""
    if "store" not in g:
        g.store = open_store(home())
    return g.store
