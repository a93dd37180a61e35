"""The tantivy index of a generation: its schema, made from the one schema (indexer.documents.make_schema),
and its documents, made from the one document (indexer.documents.document) with our own tokens.

Tantivy runs no tokenizer of its own: every text field is given pre-tokenized, each token at the
position indexer.analysis gave it (a long word's sub-words share its position, as in Whoosh), so
there is one tokenizer in the code.  Keyword fields hold their comma-separated values as raw terms."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any

import tantivy
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT

from indexer.documents import document, make_schema

FOLDER = "tantivy"  # inside a generation's folder
_HEAP = 128_000_000  # the writer's memory before it writes a segment (tantivy's own batches)


def _fields() -> dict[str, Any]:
    return dict(make_schema().items())


def make_tantivy_schema() -> tantivy.Schema:
    """The schema of indexer.documents in tantivy's types: text with positions, raw keywords, an integer year."""
    builder = tantivy.SchemaBuilder()
    for name, field in _fields().items():
        if isinstance(field, TEXT):
            builder.add_text_field(
                name, tokenizer_name="raw", index_option="position" if field.format.supports("positions") else "freq"
            )
        elif isinstance(field, ID):
            builder.add_text_field(name, stored=field.stored, tokenizer_name="raw", fast=field.column_type is not None)
        elif isinstance(field, KEYWORD):
            builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
        elif isinstance(field, NUMERIC):
            builder.add_integer_field(name, indexed=True, fast=True)
        elif isinstance(field, STORED):
            builder.add_integer_field(name, stored=True)
    return builder.build()


# A document ready for tantivy, made where the tokenizing runs (a worker process) and cheap to send:
# each text field as its tokens joined by NUL (no token holds one: indexer.analysis cuts words of
# letters) and their positions as machine integers; keyword values; integers; plain strings.
Prepared = tuple[list[tuple[str, str, bytes]], list[tuple[str, str]], list[tuple[str, int]]]
_SEPARATOR = "\x00"


class Converter:
    """Our documents as tantivy's: text fields through the same analyzers as Whoosh's schema."""

    def __init__(self) -> None:
        fields = _fields()
        self.analyzers = {name: f.analyzer for name, f in fields.items() if isinstance(f, TEXT)}
        self.keywords = {name for name, f in fields.items() if isinstance(f, KEYWORD)}
        self.integers = {name for name, f in fields.items() if isinstance(f, (NUMERIC, STORED))}

    def prepare(self, doc: dict[str, Any]) -> Prepared:
        """A document's tokens and values (the costly part, done once, in any process)."""
        texts: list[tuple[str, str, bytes]] = []
        strings: list[tuple[str, str]] = []
        integers: list[tuple[str, int]] = []
        for name, value in doc.items():
            if name in self.analyzers:
                tokens, positions = self.analyzers[name].columns(value, "index")
                if tokens:
                    texts.append((name, _SEPARATOR.join(tokens), array("I", positions).tobytes()))
            elif name in self.keywords:
                strings += [(name, part.strip()) for part in str(value).split(",") if part.strip()]
            elif name in self.integers:
                integers.append((name, int(value)))
            elif value != "":
                strings.append((name, str(value)))
        return texts, strings, integers

    def __call__(self, doc: dict[str, Any]) -> tantivy.Document:
        return tantivy_document(self.prepare(doc))


def tantivy_document(prepared: Prepared) -> tantivy.Document:
    """The tantivy document of a prepared one (in the writer's process)."""
    texts, strings, integers = prepared
    out = tantivy.Document()
    for name, joined, packed in texts:
        positions = array("I")
        positions.frombytes(packed)
        tokens = list(map(tantivy.Token, joined.split(_SEPARATOR), positions, repeat(0), repeat(0)))
        out.add_pre_tokenized_text(name, tantivy.PreTokenizedString("", tokens))
    for name, text in strings:
        out.add_text(name, text)
    for name, number in integers:
        out.add_integer(name, number)
    return out


@lru_cache(maxsize=1)
def _converter() -> Converter:
    return Converter()


def prepare_records(chunk: list[tuple[dict[str, Any], dict[str, list[str]] | None]]) -> list[Prepared]:
    """Records, each with its inheritors' names (heritage.people.names_by_record), as prepared documents:
    what a rebuild's workers do."""
    return [_converter().prepare(document(record, people)) for record, people in chunk]


def open_index(generation: Path) -> tantivy.Index:
    """The tantivy index of a generation folder (ValueError when there is none)."""
    folder = Path(generation) / FOLDER
    if not (folder / "meta.json").exists():
        raise FileNotFoundError(folder)
    return tantivy.Index.open(str(folder))


def commit_stamp(generation: Path) -> tuple[int, int] | None:
    """Tantivy's meta.json as it is now: replaced by every commit."""
    try:
        found = (Path(generation) / FOLDER / "meta.json").stat()
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_mtime_ns


def build(generation: Path, documents: Iterable[Prepared], progress: Callable[[], None] | None = None) -> int:
    """Write a new tantivy index of prepared documents (Converter.prepare) into a generation folder, in
    one commit; how many."""
    folder = Path(generation) / FOLDER
    folder.mkdir(parents=True)
    index = tantivy.Index(make_tantivy_schema(), path=str(folder), reuse=False)
    writer = index.writer(_HEAP, 1)
    done = 0
    for prepared in documents:
        writer.add_document(tantivy_document(prepared))
        done += 1
        if progress:
            progress()
    writer.commit()
    writer.wait_merging_threads()
    return done


def apply(index: tantivy.Index, ids: Iterable[str], documents: Iterable[dict[str, Any]]) -> None:
    """Replace these records' documents (deleted ones have none) in one commit."""
    writer = index.writer(_HEAP // 4, 1)
    try:
        for record_id in ids:
            writer.delete_documents_by_term("id", record_id)
        convert = Converter()
        for doc in documents:
            writer.add_document(convert(doc))
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    finally:
        writer.wait_merging_threads()
