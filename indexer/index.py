"""The index on disk: generations, the one writer, rebuild, outbox sync and status, for either engine.

Layout under ``<home>/index``: one folder per generation (``gen-…``) holding the Whoosh files (or,
for tantivy, its folder: indexer.tantivy_index), the dictionary it was built with and ``meta.json``
(which names the engine); the file ``CURRENT`` names the generation in use and is replaced atomically.  ``writer.lock`` is held by whoever writes (rebuild or sync),
so there is only ever one writer; readers never write and never create an index.
"""

from __future__ import annotations

import ctypes
import fcntl
import itertools
import json
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import sqlite_utils
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import LockError

from heritage import census, outbox, people, store
from heritage.db import now
from indexer import choice, parallel
from indexer.analysis import Segmenter, dictionary, use_dictionary
from indexer.docsets import union
from indexer.documents import SCHEMA_VERSION, dictionary_words, document, make_schema, name_words
from indexer.newwords import new_words, records_containing

Progress = Callable[[int, int], None]
_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
_building: list[bool] = [False]


def _die_with_the_builder() -> None:
    """In a helper process forked by a rebuild: die when the rebuild dies, even by kill -9, so that
    no orphan keeps the writer lock (which it inherits) or waits forever for work."""
    if _building[0] and _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


os.register_at_fork(after_in_child=_die_with_the_builder)


class _LengthsOnce:
    """A segment's per-document reader that reads each field's length column once.

    Whoosh asks for the field length of a document once per posting while it writes a
    segment (a quarter of a million times per 1,000 records, a tenth of indexing time);
    the lengths of a field are the same every time, so read them once."""

    def __init__(self, reader):
        self._reader = reader
        self._lengths: dict[str, list] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = [read(doc, fieldname, default) for doc in range(self._reader.doc_count_all())]
            self._lengths[fieldname] = lengths
        return lengths[docnum]

    def __getattr__(self, name: str):
        return getattr(self._reader, name)


class BuildCodec(W3Codec):
    """Whoosh's own codec (the files are the same), with lengths read once while writing."""

    def per_document_reader(self, storage, segment):
        return _LengthsOnce(super().per_document_reader(storage, segment))


class IndexUnavailable(Exception):
    """There is no usable index yet: run ``heritage index --rebuild``."""


def tantivy() -> Any:
    """indexer.tantivy_index, imported only where a data folder chose tantivy: a Whoosh deployment runs
    without the package installed, and a tantivy one without it is told to install it."""
    try:
        from indexer import tantivy_index
    except ModuleNotFoundError as missing:
        raise IndexUnavailable(
            "所选的检索引擎 tantivy 没有安装：运行 bash scripts/setup（或 .venv/bin/pip install -e .）"
        ) from missing
    return tantivy_index


def index_root(home: Path) -> Path:
    """Where the index generations live."""
    return Path(home) / "index"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def current_generation(home: Path) -> Path | None:
    """The generation folder in use, or None when no index was ever built."""
    pointer = index_root(home) / "CURRENT"
    try:
        name = pointer.read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    return index_root(home) / name if name else None


@contextmanager
def writer_lock(home: Path, wait: float = 30.0) -> Iterator[None]:
    """Hold the one-writer lock of the index (blocks up to ``wait`` seconds)."""
    root = index_root(home)
    root.mkdir(parents=True, exist_ok=True)
    with (root / "writer.lock").open("a") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockError(
                        f"检索索引正被另一个进程写入（如 heritage index --rebuild 正在重建），"
                        f"等了 {wait:g} 秒仍未轮到：请稍后再试"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def worker_presence(home: Path) -> Iterator[None]:
    """Announce a running sync worker for as long as it runs (a shared lock on ``worker.lock``)."""
    root = index_root(home)
    root.mkdir(parents=True, exist_ok=True)
    with (root / "worker.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def worker_running(home: Path) -> bool:
    """True while a sync worker (``heritage serve``, ``heritage index --watch``) drains the outbox."""
    path = index_root(home) / "worker.lock"
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


@dataclass
class Generation:
    """An opened index generation with the segmenter its dictionary gives."""

    path: Path
    index: Any  # whoosh's Index, or tantivy's (meta["engine"])
    segmenter: Segmenter
    meta: dict
    stamp: tuple[int, int] | None = None  # meta.json as it was when opened (a grown dictionary replaces it)

    def changed(self) -> bool:
        """True when the dictionary of this generation grew since it was opened."""
        return _stamp(self.path) != self.stamp


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        found = (path / "meta.json").stat()
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_mtime_ns


def open_generation(home: Path, attempts: int = 5) -> Generation:
    """Open the current generation, retrying the brief errors a concurrent commit can cause; one built by
    another engine than the data folder chose cannot be used (switching is a rebuild)."""
    try:
        wanted = choice.chosen(home)
    except choice.UnknownEngine as error:
        raise IndexUnavailable(str(error)) from None
    for attempt in range(attempts):
        path = current_generation(home)
        if path is None or not path.exists():
            raise IndexUnavailable("检索索引尚未建立：请运行 heritage index --rebuild")
        try:
            stamp = _stamp(path)
            meta = json.loads((path / "meta.json").read_text("utf-8"))
            built_by = meta.get("engine", choice.WHOOSH)
            if built_by != wanted:
                raise IndexUnavailable(
                    f"检索索引由 {built_by} 建立，而数据文件夹设置的检索引擎是 {wanted}：请运行 heritage index --rebuild"
                )
            words = (path / "dictionary.txt").read_text("utf-8").splitlines()
            segmenter = use_dictionary(words)
            opened = (
                tantivy().open_index(path)
                if built_by == choice.TANTIVY
                else whoosh_index.open_dir(str(path), schema=make_schema())
            )
            return Generation(path, opened, segmenter, meta, stamp)
        except (FileNotFoundError, ValueError, whoosh_index.EmptyIndexError, json.JSONDecodeError):
            if attempt == attempts - 1:
                raise IndexUnavailable("检索索引无法打开：请运行 heritage index --rebuild") from None
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def rebuild(home: Path, db: sqlite_utils.Database, procs: int = 2, progress: Progress | None = None) -> int:
    """Build a new generation from the store, in parallel, and swap it in; returns how many records."""
    home = Path(home)
    kind = choice.chosen(home)
    with writer_lock(home, wait=600):
        upto = outbox.last_position(db)
        words, digest = dictionary(dictionary_words(db))
        use_dictionary(words)
        stamp = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"  # and a number: two rebuilds in one second
        generation = next(
            index_root(home) / f"{stamp}-{n}"
            for n in itertools.count()
            if not (index_root(home) / f"{stamp}-{n}").exists()
        )
        generation.mkdir(parents=True)
        total = store.count(db, store.RECORD)
        counted = itertools.count(1)

        def step() -> None:
            if progress:
                progress(next(counted), total)

        if kind == choice.TANTIVY:
            with _helpers(), parallel.workers(procs, words, digest) as workers:  # forked before tantivy's threads
                prepared = workers.ordered(partial(_prepared, str(home)), store.ids(db, store.RECORD))
                done = tantivy().build(generation, prepared, step)
        else:
            carried = people.names_by_record(db)
            documents = (document(r, carried.get(r["id"])) for r in store.iterate(db, store.RECORD))
            done = _build_whoosh(generation, documents, procs, step)
        (generation / "dictionary.txt").write_text("\n".join(words), "utf-8")
        meta = {"schema": SCHEMA_VERSION, "dictionary": digest, "built_at": now(), "records": done, "engine": kind}
        _write_atomic(generation / "meta.json", json.dumps(meta, ensure_ascii=False))
        previous = current_generation(home)
        _write_atomic(index_root(home) / "CURRENT", generation.name)
        outbox.mark_done_upto(db, upto)  # everything up to the snapshot is in the new generation
        _remove_old_generations(home, keep={generation.name, previous.name if previous else ""})
        return done


def _prepared(home: str, record_ids: list[str]) -> list:
    """These records with their inheritors' names, ready for tantivy: the work of a rebuild's workers,
    each reading the store itself (the rebuild only hands out ids)."""
    db = store.open_store(home, readonly=True)
    try:
        names = people.names_by_record(db, record_ids)
        records = store.iterate_some(db, store.RECORD, record_ids)
        return tantivy().prepare_records([(record, names.get(record["id"])) for record in records])
    finally:
        db.conn.close()


def _build_whoosh(generation: Path, documents: Iterator[dict], procs: int, step: Callable[[], None]) -> int:
    """Write a new Whoosh index of the documents into a generation folder (in parallel); how many."""
    index = whoosh_index.create_in(str(generation), make_schema())
    with _helpers():
        writer = index.writer(procs=procs, multisegment=procs > 1, limitmb=256, codec=BuildCodec())
        done = 0
        for doc in documents:
            writer.add_document(**doc)
            done += 1
            step()
        writer.commit()
    return done


@contextmanager
def _helpers() -> Iterator[None]:
    """While a rebuild forks helper processes: they die with it (_die_with_the_builder)."""
    _building[0] = True
    try:
        yield
    finally:
        _building[0] = False


def _remove_old_generations(home: Path, keep: set[str]) -> None:
    """Delete generations other than the current and the previous one (readers may still hold that)."""
    for path in index_root(home).glob("gen-*"):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def sync(home: Path, db: sqlite_utils.Database, batch: int = 500, wait: float = 30.0) -> int:
    """Drain the outbox into the current generation with the one writer; returns records applied.

    Titles and aliases that bring new dictionary words grow the stored dictionary, and the
    records already indexed that hold those words are indexed again with it (indexer.newwords).
    A saved inheritor has the records they carry on indexed again (those linked now, and those the index
    still holds them under), so that their name finds exactly what it should.
    The outbox rows are marked done only after the Whoosh commit and the dictionary are written,
    so a crash at any point replays them; applying a record twice is harmless (update by id)."""
    applied = 0
    with writer_lock(home, wait):
        generation = open_generation(home)
        while True:
            changes = outbox.pending(db, batch)
            if not changes:
                return applied
            saved = [c.entity_id for c in changes if c.entity == store.RECORD.name]
            carried = _carried_by(home, db, {c.entity_id for c in changes if c.entity == store.INHERITOR.name})
            record_ids = list(dict.fromkeys([*saved, *carried]))
            records = {record_id: store.get(db, store.RECORD, record_id) for record_id in record_ids}
            added = new_words(generation.segmenter, records.values())
            if added:
                with _reader(home) as eng:
                    holders = records_containing(eng, added)
                records |= {i: store.get(db, store.RECORD, i) for i in sorted(holders - records.keys())}
                grown = use_dictionary([*generation.segmenter.words, *added])
            carried_names = people.names_by_record(db, records)
            if generation.meta.get("engine") == choice.TANTIVY:
                documents = [document(r, carried_names.get(r["id"])) for r in records.values() if r is not None]
                tantivy().apply(generation.index, records, documents)
            else:
                _apply(generation.index, records, carried_names, wait)
            if added:
                generation = _store_dictionary(generation, grown)
            outbox.mark_done(db, changes)
            applied += len(record_ids)


def _carried_by(home: Path, db: sqlite_utils.Database, inheritor_ids: set[str]) -> list[str]:
    """The records these inheritors carry on now, and those the index holds them under (a link since removed)."""
    if not inheritor_ids:
        return []
    with _reader(home) as eng:
        indexed = eng.record_ids(union(eng.docs("inheritors", i) for i in sorted(inheritor_ids)))
    return sorted(set(people.records_of(db, inheritor_ids)) | indexed)


@contextmanager
def _reader(home: Path) -> Iterator[Any]:
    """The process's engine on the current generation, refreshed and held (indexer.engines.Engine)."""
    from indexer.engine import engine  # the engines import this module

    eng = engine(home)
    with eng.lock:
        eng.refresh()
        yield eng


def _apply(
    index: whoosh_index.Index,
    records: dict[str, dict | None],
    carried: dict[str, dict[str, list[str]]],
    wait: float,
) -> None:
    """Write these records (None: deleted) into the index in one commit.

    Old versions are deleted through one searcher: Whoosh's update_document opens a fresh
    reader of every segment for each document (2,000 records took 137 s, nearly all of it
    opening readers)."""
    writer = _whoosh_writer(index, wait)
    try:
        with writer.searcher() as searcher:
            for record_id in records:
                writer.delete_by_term("id", record_id, searcher=searcher)
        for record in records.values():
            if record is not None:
                writer.add_document(**document(record, carried.get(record["id"])))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise


def _store_dictionary(generation: Generation, grown: Segmenter) -> Generation:
    """Write a grown dictionary beside its generation (readers notice meta.json change)."""
    _write_atomic(generation.path / "dictionary.txt", "\n".join(grown.words))
    meta = generation.meta | {"dictionary": grown.digest, "dictionary_grown_at": now()}
    _write_atomic(generation.path / "meta.json", json.dumps(meta, ensure_ascii=False))
    return Generation(generation.path, generation.index, grown, meta, _stamp(generation.path))


def _whoosh_writer(index: whoosh_index.Index, wait: float = 30.0):
    """Whoosh's own lock can be held by a stray process: wait for it rather than lose the batch."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return index.writer(codec=BuildCodec())
        except LockError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def status(home: Path, db: sqlite_utils.Database) -> dict:
    """How the index compares with the store: missing, stale and extra records, dictionary words the
    index lacks, and the outbox backlog (records waiting, and since when)."""
    changes = outbox.pending(db)
    waiting = {c.entity_id for c in changes if c.entity == store.RECORD.name}
    oldest = min((c.created_at for c in changes if c.created_at), default=None)
    try:
        generation = open_generation(home)
    except IndexUnavailable as error:
        return {"available": False, "message": str(error), "pending": len(changes)}
    stored = store.versions(db, store.RECORD)
    with _reader(home) as eng:
        indexed = {fields["id"]: fields["version"] for fields in map(eng.stored, eng.matching(Q.Every()))}
    store_words, _ = dictionary(dictionary_words(db))
    waiting_words, _ = dictionary(name_words(store.titles_and_aliases(db, waiting)))
    return {
        "available": True,
        "generation": generation.path.name,
        "engine": generation.meta.get("engine", choice.WHOOSH),
        "indexed": len(indexed),
        "missing": sorted(set(stored) - set(indexed)),
        "stale": sorted(i for i in set(stored) & set(indexed) if stored[i] != indexed[i]),
        "extra": sorted(set(indexed) - set(stored)),
        "waiting": sorted(waiting),
        "new_words": sorted(set(store_words) - generation.segmenter.known),
        "waiting_words": sorted(set(waiting_words) - generation.segmenter.known),
        "dictionary_intact": generation.segmenter.digest == generation.meta.get("dictionary"),
        "schema_current": generation.meta.get("schema") == SCHEMA_VERSION,
        "pending": len(changes),
        "oldest_pending": oldest,
    }


class SyncWorker(threading.Thread):
    """Drains the outbox into the index every few seconds, in the background (the web process runs
    one); if another writer holds the lock it simply tries again on the next round.  After a round that
    leaves the outbox empty it counts the census figures the pages show by default, when the store
    changed (heritage.census.precompute).
    While it runs, ``worker_running`` is true, so that ``heritage index`` can leave the work to it."""

    def __init__(self, home: Path, interval: float = 2.0, on_sync: Callable[[int], None] | None = None):
        super().__init__(name="heritage-index-sync", daemon=True)
        self.home, self.interval, self.on_sync = Path(home), interval, on_sync
        self._stopping = threading.Event()

    def run(self) -> None:
        from heritage.store import open_store

        db = open_store(self.home)
        try:
            with worker_presence(self.home):
                while not self._stopping.is_set():
                    try:
                        applied = sync(self.home, db, wait=self.interval)
                        if self.on_sync:
                            self.on_sync(applied)
                    except (LockError, IndexUnavailable):
                        pass
                    if not outbox.pending_count(db):  # saves still coming in are indexed first
                        census.precompute(self.home, db)  # so that pages read the figures, not count them
                    self._stopping.wait(self.interval)
        finally:
            db.conn.close()

    def stop(self) -> None:
        """Finish the current round and end."""
        self._stopping.set()


def run_worker_process(home: str, interval: float = 2.0) -> None:
    """A sync worker as a process of its own, ended with its parent (``heritage serve`` starts one).

    Indexing is pure Python: as a thread of the web process it held the GIL against every request
    thread, and pages that make many SQLite calls (each one gives the GIL up and waits to get it
    back) took seconds while imports were synced."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    SyncWorker(Path(home), interval).run()
