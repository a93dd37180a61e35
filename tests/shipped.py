"""Facts about the shipped corpus that tests compare against, read from the corpus itself."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

from heritage import corpus


def shipped_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a shipped CSV file, as a spreadsheet reads them."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def shipped_records() -> list[dict[str, str]]:
    """The rows of the shipped records file."""
    return shipped_rows(corpus.RECORDS_FILE)


def shipped_exhibits() -> list[dict]:
    """The exhibits of corpus/exhibits.toml, as written there (sections with their items)."""
    return tomllib.loads(corpus.EXHIBITS_FILE.read_text("utf-8"))["exhibit"]


def exhibit_record_ids() -> set[str]:
    """The records that the shipped exhibits show."""
    return {item["record"] for e in shipped_exhibits() for section in e["section"] for item in section["items"]}


SHIPPED = len(shipped_records())
