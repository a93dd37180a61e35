"""A rebuild's tokenizing in worker processes: records in, ready engine input out, in their order.

Records are streamed in chunks and only a few chunks are in flight at once (never the whole store
in memory); each worker segments with the generation's dictionary (``start`` makes it theirs).
The workers are forked while a rebuild runs, so they die with it (indexer.index).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from multiprocessing.pool import AsyncResult, Pool
from typing import Any

from indexer import analysis

CHUNK = 200  # records a worker is given at a time
_IN_FLIGHT = 2  # chunks waiting or being worked on, per worker


def _start(words: list[str], digest: str) -> None:
    """In a new worker: segment with this dictionary (already built when the worker was forked)."""
    if analysis.segmenter().digest != digest:
        analysis.use_dictionary(words)


class Workers:
    """Worker processes (none: the work runs in this process) that apply a function to chunks of items."""

    def __init__(self, pool: Pool | None, procs: int):
        self.pool, self.procs = pool, procs

    def ordered(self, work: Callable[[list[Any]], list[Any]], items: Iterable[Any]) -> Iterator[Any]:
        """``work`` applied to the items chunk by chunk, results in the items' order."""
        rest = iter(items)
        chunks = iter(lambda: list(islice(rest, CHUNK)), [])
        if self.pool is None:
            for chunk in chunks:
                yield from work(chunk)
            return
        waiting: deque[AsyncResult] = deque()
        for chunk in chunks:
            waiting.append(self.pool.apply_async(work, (chunk,)))
            if len(waiting) >= _IN_FLIGHT * self.procs:
                yield from waiting.popleft().get()
        while waiting:
            yield from waiting.popleft().get()


@contextmanager
def workers(procs: int, words: list[str], digest: str) -> Iterator[Workers]:
    """``procs`` worker processes segmenting with this dictionary (for one, the work runs in this process)."""
    if procs < 2:
        yield Workers(None, 1)
        return
    pool = multiprocessing.get_context("fork").Pool(procs, _start, (words, digest))
    try:
        yield Workers(pool, procs)
    finally:
        pool.terminate()
        pool.join()
