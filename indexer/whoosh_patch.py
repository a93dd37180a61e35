"""A fix for a hang in Whoosh 2.7.4 (unmaintained since 2016), applied once when the search engine loads.

To find the top results faster, Whoosh skips blocks of postings that cannot reach the lowest score
still wanted.  A union of two matchers (UnionMatcher, AndMaybeMatcher) skips while the two block
qualities add up to no more than that score, asking one side at a time to skip to the balance; when
float rounding puts the sum at or under the score but the side's own quality just over the balance,
that side skips nothing and the loop never ends (a search thread spinning for ever).  Skipping only
saves work, so here a round that skips nothing ends it: the collector then scores the current
document as usual.  Whoosh's IntersectionMatcher already guards against this itself."""

from __future__ import annotations

from whoosh.matching import binary, mcore


def _skip_together(a: mcore.Matcher, b: mcore.Matcher, minquality: float) -> int:
    """Skip blocks of ``a`` and ``b`` until together they may reach ``minquality``; stop when no skip helps."""
    skipped = 0
    aq, bq = a.block_quality(), b.block_quality()
    while a.is_active() and b.is_active() and aq + bq <= minquality:
        if aq < bq:
            step = a.skip_to_quality(minquality - bq)
            aq = a.block_quality()
        else:
            step = b.skip_to_quality(minquality - aq)
            bq = b.block_quality()
        if not step:
            break
        skipped += step
    return skipped


def _union_skip(self: binary.UnionMatcher, minquality: float) -> int:
    self._id = None
    a, b = self.a, self.b
    if not (a.is_active() or b.is_active()):
        raise mcore.ReadTooFar
    if not a.is_active():
        return b.skip_to_quality(minquality)
    if not b.is_active():
        return a.skip_to_quality(minquality)
    return _skip_together(a, b, minquality)


def _and_maybe_skip(self: binary.AndMaybeMatcher, minquality: float) -> int:
    a, b = self.a, self.b
    if not a.is_active():
        raise mcore.ReadTooFar
    if not b.is_active():
        return a.skip_to_quality(minquality)
    return _skip_together(a, b, minquality)


binary.UnionMatcher.skip_to_quality = _union_skip
binary.AndMaybeMatcher.skip_to_quality = _and_maybe_skip
