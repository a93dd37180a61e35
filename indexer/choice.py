"""Which search engine a data folder uses, read in this one place: ``SEARCH_ENGINE`` in the folder's
site.cfg, else the environment's HERITAGE_SEARCH_ENGINE, else Whoosh.  Switching is a rebuild."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

WHOOSH, TANTIVY = "whoosh", "tantivy"
ENGINES = (WHOOSH, TANTIVY)
VARIABLE = "HERITAGE_SEARCH_ENGINE"


class UnknownEngine(ValueError):
    """The configured engine is none of ENGINES."""


def chosen(home: Path) -> str:
    """The engine configured for a data folder (UnknownEngine, in Chinese, when it names none we have)."""
    settings = Path(home) / "site.cfg"
    configured = runpy.run_path(str(settings)).get("SEARCH_ENGINE") if settings.is_file() else None
    name = str(configured or os.environ.get(VARIABLE, "") or WHOOSH).strip().lower()
    if name not in ENGINES:
        raise UnknownEngine(
            f"未知的检索引擎“{name}”（site.cfg 的 SEARCH_ENGINE 或环境变量 {VARIABLE}）：应为 {' 或 '.join(ENGINES)}"
        )
    return name
