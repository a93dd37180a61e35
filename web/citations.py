"""A source as the reader sees it: the text as written, with each web address in it a link."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

ADDRESS = re.compile(r"https?://[^\s，；、。）」》]+")


def cited(source: str) -> Markup:
    """The source escaped, each http(s) address in it a link that sends no referrer."""
    parts, last = [], 0
    for found in ADDRESS.finditer(source):
        link = Markup('<a class="source" href="{0}" rel="nofollow noopener noreferrer">{0}</a>').format(found[0])
        parts += [escape(source[last : found.start()]), link]
        last = found.end()
    parts.append(escape(source[last:]))
    return Markup("").join(parts)
