"""Whoosh's union matchers could skip for ever when float rounding sits on the boundary (indexer.whoosh_patch)."""

from __future__ import annotations

import threading

from whoosh.matching import AndMaybeMatcher, ListMatcher, UnionMatcher
from whoosh.scoring import WeightScorer

import indexer.search  # noqa: F401 -- loading the engine applies the patch

# Qualities seen in a real hang: a + b <= minimum, yet b > minimum - a and a > minimum - b.
A, B, MINIMUM = 6.628375913158455, 2.327549471318869, 8.955925384477323


def _leaf(quality: float) -> ListMatcher:
    return ListMatcher([1, 2, 3], [quality] * 3, scorer=WeightScorer(quality))


def test_the_boundary_is_the_one_that_hung():
    assert A + B <= MINIMUM and B > MINIMUM - A and A > MINIMUM - B


def test_union_matchers_stop_skipping_when_no_skip_helps():
    for combine in (UnionMatcher, AndMaybeMatcher):
        matcher = combine(_leaf(A), _leaf(B))
        answer = []
        worker = threading.Thread(target=lambda: answer.append(matcher.skip_to_quality(MINIMUM)), daemon=True)
        worker.start()
        worker.join(10)
        assert answer == [0], combine.__name__
        assert matcher.is_active() and matcher.id() == 1
