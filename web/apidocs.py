"""The open data API explained for people (/api/), read from the OpenAPI document so it never drifts:
each endpoint, its parameters with their limits, and an example address that works on this site."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import unquote, urlencode

from flask import Blueprint, render_template

from heritage import articles, exhibits, listings, store
from web.db import get_db
from web.openapi import openapi

bp = Blueprint("apidocs", __name__)
TYPES = {"string": "文本", "integer": "整数", "number": "数", "boolean": "是或否", "date": "日期 YYYY-MM-DD"}
PLACES = {"query": "查询", "path": "路径"}
MAX_SHOWN = 12  # enumerations longer than this are shown in part
# Sample values for the example addresses (path ids are taken from the store).
SAMPLES = {"q": "蜡染", "category": "传统技艺"}


def limits(schema: dict[str, Any]) -> str:
    """A parameter's type and limits in words: 整数，1–50，默认 10; 可选：公开、研究人员……"""
    parts = [TYPES.get(schema.get("format", ""), TYPES.get(schema.get("type", ""), schema.get("type", "")))]
    if "enum" in schema:
        values = [str(v) for v in schema["enum"]]
        more = f" 等 {len(values)} 项" if len(values) > MAX_SHOWN else ""
        parts.append("可选：" + "、".join(values[:MAX_SHOWN]) + more)
    if "minimum" in schema and "maximum" in schema:
        parts.append(f"{schema['minimum']}–{schema['maximum']}")
    elif "minimum" in schema:
        parts.append(f"至少 {schema['minimum']}")
    if "default" in schema:
        parts.append(f"默认 {schema['default']}")
    return "，".join(p for p in parts if p)


def _sample(name: str, schema: dict[str, Any], path: str) -> str | None:
    if name == "id":
        return _first_public_id(path.split("/")[2])
    if schema.get("format") == "date":
        return (dt.date.today() + dt.timedelta(days=90 if name == "to" else 0)).isoformat()
    return SAMPLES.get(name)


def _first_public_id(collection: str) -> str | None:
    """The smallest id the public may open in one of the API's collections (records, exhibits, …)."""
    db = get_db()
    if collection in ("exhibits", "articles"):
        shown = (exhibits if collection == "exhibits" else articles).listing(db)
        return min((item["id"] for item in shown), default=None)
    first = listings.visible_page(db, store.RECORD if collection == "records" else store.INHERITOR, 1)
    return first[0][0] if first else None


def example(path: str, parameters: list[dict[str, Any]]) -> str | None:
    """An address that calls the endpoint with its required parameters and a sample query; None
    when the store has nothing to show for it."""
    query = {}
    for p in parameters:
        value = _sample(p["name"], p["schema"], path)
        if value is None and p["required"]:
            return None
        if value is not None and p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", value)
        elif value is not None:
            query[p["name"]] = value
    return path + ("?" + urlencode(query) if query else "")


@bp.route("/api/")
def guide():
    """Every endpoint of the JSON API, with parameters, limits and an example."""
    spec = openapi()
    endpoints = []
    for path, item in spec["paths"].items():
        operation = item["get"]
        address = example(path, operation["parameters"])
        endpoints.append(
            {
                "path": path,
                "summary": operation["summary"],
                "example": address,
                "example_text": unquote(address or ""),
                "parameters": [
                    p | {"limits": limits(p["schema"]), "place": PLACES[p["in"]]} for p in operation["parameters"]
                ],
            }
        )
    return render_template("api.html", info=spec["info"], endpoints=endpoints)
