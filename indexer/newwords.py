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
from typing import TYPE_CHECKING, Any

from whoosh import query as Q

from indexer.analysis import Segmenter, dictionary
from indexer.analysis import words as query_words
from indexer.docsets import EMPTY, DocSet
from indexer.documents import name_words, record_names

if TYPE_CHECKING:  # the engines import the index, which imports this module
    from indexer.engines import Engine

TEXT_FIELDS = ("title", "aliases", "native", "body")
_SUBWORD_SIZES = (2, 3)  # the sizes of dictionary sub-words an indexed long word carries


def new_words(segmenter: Segmenter, records: Iterable[dict[str, Any] | None]) -> list[str]:
    """The normalised dictionary words the records' titles and aliases add to a segmenter's dictionary."""
    names = [name for record in records if record for name in record_names(record)]
    normalized, _ = dictionary(name_words(names))
    return [word for word in normalized if len(word) >= 2 and word not in segmenter.known]


def records_containing(eng: Engine, added: list[str]) -> set[str]:
    """Ids of the indexed records whose text holds one of the words, cut as the index cut it.

    Call it while the thread still segments with the dictionary the index was built with (``eng``,
    refreshed, is on that index).  Phrases are matched only among the documents that hold all their tokens."""
    docnums = EMPTY
    for word in added:
        tokens = query_words(word)
        for fieldname in TEXT_FIELDS if tokens else ():
            candidates = DocSet.intersection(*(eng.docs(fieldname, token) for token in tokens))
            if len(tokens) > 1 and candidates - docnums:
                candidates = eng.matching(Q.Phrase(fieldname, tokens))
            docnums |= candidates
    short = {word for word in added if len(word) in _SUBWORD_SIZES}
    for fieldname in TEXT_FIELDS if short else ():
        for text in eng.values(fieldname):
            if len(text) > 2 and _holds_any(text, short):
                docnums |= eng.docs(fieldname, text)
    return eng.record_ids(docnums)


def _holds_any(text: str, short: set[str]) -> bool:
    """True when a longer indexed word contains one of the short new words."""
    return any(
        text[start : start + size] in short
        for size in _SUBWORD_SIZES
        if size < len(text)
        for start in range(len(text) - size + 1)
    )
