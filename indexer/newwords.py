"""New words for the domain dictionary without a rebuild: which names bring them, and which indexed
records they change.

A saved title or alias can add a word to the dictionary (铜鼓舞).  jieba's cut of a text changes
only where such a word occurs in it, so the sync adds the word to the stored dictionary and
re-indexes just the records whose indexed text holds it: found in the index as the old cut of the
word (a term, or a phrase of its old tokens), and, for short words that become sub-words, as the
longer indexed words that contain them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from whoosh import query as Q
from whoosh.searching import Searcher

from indexer.analysis import Segmenter, dictionary
from indexer.analysis import words as query_words
from indexer.documents import name_words, record_names

TEXT_FIELDS = ("title", "aliases", "native", "body")
_SUBWORD_SIZES = (2, 3)  # the sizes of dictionary sub-words an indexed long word carries


def new_words(segmenter: Segmenter, records: Iterable[dict[str, Any] | None]) -> list[str]:
    """The normalised dictionary words the records' titles and aliases add to a segmenter's dictionary."""
    names = [name for record in records if record for name in record_names(record)]
    normalized, _ = dictionary(name_words(names))
    return [word for word in normalized if len(word) >= 2 and word not in segmenter.known]


def records_containing(searcher: Searcher, added: list[str]) -> set[str]:
    """Ids of the indexed records whose text holds one of the words, cut as the index cut it.

    Call it while the thread still segments with the dictionary the index was built with.
    Phrases are matched only among the documents that hold all their tokens (sets, cached)."""
    reader = searcher.reader()
    postings: dict[tuple[str, str], frozenset[int]] = {}

    def docs(fieldname: str, token: str) -> frozenset[int]:
        if (fieldname, token) not in postings:
            found = reader.doc_frequency(fieldname, token)
            postings[fieldname, token] = (
                frozenset(reader.postings(fieldname, token).all_ids()) if found else frozenset()
            )
        return postings[fieldname, token]

    docnums: set[int] = set()
    for word in added:
        tokens = query_words(word)
        for fieldname in TEXT_FIELDS if tokens else ():
            candidates = frozenset.intersection(*(docs(fieldname, token) for token in tokens))
            if len(tokens) > 1 and candidates - docnums:
                candidates = frozenset(searcher.docs_for_query(Q.Phrase(fieldname, tokens)))
            docnums |= candidates
    short = {word for word in added if len(word) in _SUBWORD_SIZES}
    for fieldname in TEXT_FIELDS if short else ():
        for term in reader.lexicon(fieldname):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            if len(text) > 2 and _holds_any(text, short):
                docnums |= docs(fieldname, text)
    return {searcher.stored_fields(docnum)["id"] for docnum in docnums}


def _holds_any(text: str, short: set[str]) -> bool:
    """True when a longer indexed word contains one of the short new words."""
    return any(
        text[start : start + size] in short
        for size in _SUBWORD_SIZES
        if size < len(text)
        for start in range(len(text) - size + 1)
    )
