"""Safe highlighted snippets: the window of a text with the most query words, escaped, words in <mark>."""

from __future__ import annotations

from markupsafe import Markup, escape

from indexer import analysis


def highlight(text: str, marks: set[str], width: int = 120) -> Markup:
    """A window of the text around the most query words, escaped, with the words in <mark>."""
    text = text or ""
    spans = analysis.mark_spans(text, marks)
    if not spans:
        return escape(text[:width] + ("…" if len(text) > width else ""))
    best_start, best = 0, -1
    for start, _ in spans:
        count = sum(1 for s, e in spans if start <= s and e <= start + width)
        if count > best:
            best, best_start = count, start
    begin = max(0, best_start - width // 4)
    end = min(len(text), begin + width)
    pieces, at = [], begin
    for start, stop in spans:
        if start >= at and stop <= end:
            pieces += [escape(text[at:start]), Markup("<mark>"), escape(text[start:stop]), Markup("</mark>")]
            at = stop
    pieces.append(escape(text[at:end]))
    return Markup("").join([Markup("…" if begin else ""), *pieces, Markup("…" if end < len(text) else "")])
