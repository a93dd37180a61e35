"""Counts of what the store holds: by category, ethnic group and province, county coverage, native names,
inheritors and exhibits."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from heritage.regions import divisions


def census_stats(db: sqlite_utils.Database) -> dict[str, Any]:
    """The numbers behind ``heritage stats``, as plain data."""
    records = db.execute("SELECT count(*) FROM records").fetchone()[0]
    by_category = dict(
        db.execute("SELECT category, count(*) FROM records GROUP BY category ORDER BY count(*) DESC, category")
    )
    by_ethnic = dict(
        db.execute(
            "SELECT value, count(DISTINCT record_id) FROM record_values WHERE field = 'ethnic_groups'"
            " GROUP BY value ORDER BY 2 DESC, value"
        )
    )
    tree = divisions()
    by_province: dict[str, int] = {}
    for code, number in db.execute(
        "SELECT substr(value, 1, 2), count(DISTINCT record_id) FROM record_values"
        " WHERE field = 'region_codes' GROUP BY 1 ORDER BY 2 DESC"
    ):
        province = tree.get(code + "0000")
        by_province[province.name if province else code] = number
    with_county = db.execute(
        "SELECT count(DISTINCT record_id) FROM record_values WHERE field = 'region_codes'"
        " AND substr(value, 5, 2) != '00'"
    ).fetchone()[0]
    return {
        "records": records,
        "inheritors": db.execute("SELECT count(*) FROM inheritors").fetchone()[0],
        "exhibits": db.execute("SELECT count(*) FROM exhibits").fetchone()[0],
        "with_native_names": db.execute(
            "SELECT count(DISTINCT record_id) FROM record_values WHERE field = 'native_names'"
        ).fetchone()[0],
        "by_category": by_category,
        "by_ethnic": by_ethnic,
        "by_province": by_province,
        "county_coverage": round(with_county / records, 4) if records else 0.0,
    }
