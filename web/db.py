"""One read-only store connection per request (public pages never write)."""
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
    """Close the request's connection, if any."""
    database = g.pop("db", None)
    if database is not None:
        database.conn.close()


def init_app(app: Flask) -> None:
    """Close connections at the end of every request."""
    app.teardown_appcontext(close_db)
