"""Sets of document numbers: compressed bitmaps (pyroaring's FrozenBitMap64, MIT), whose intersections,
unions and counts run in C over whole blocks of numbers, hundreds of times faster than Python's frozensets
at 10^5 documents.  Every set of documents the engines, ranking, facets and collapse pass around is one."""

from __future__ import annotations

from collections.abc import Iterable

from pyroaring import FrozenBitMap64 as DocSet

EMPTY = DocSet()

__all__ = ["EMPTY", "DocSet", "union"]


def union(sets: Iterable[DocSet]) -> DocSet:
    """The documents of any of the sets."""
    return DocSet.union(EMPTY, *sets)
