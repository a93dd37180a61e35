"""A source as the reader sees it: the text as written, with each web address in it a link."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# http(s) addresses, and addresses written without the scheme (m.fx361.cc/news/…, www.ihchina.cn): a host
# of letters, digits and hyphens with a dot and a top-level domain, then a path, a port or the end
ADDRESS = re.compile(
    r"(?:https?://|(?<![\w.@/-])(?=(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[:/]|$|[^\w.-])))[^\s，；、。（）「」《》]+",
    re.IGNORECASE,
)


def cited(source: str) -> Markup:
    """The source escaped, each web address in it a link that sends no referrer."""
    parts, last = [], 0
    for found in ADDRESS.finditer(source):
        address = found[0]
        target = address if re.match(r"https?://", address, re.IGNORECASE) else f"http://{address}"
        link = Markup('<a class="source" href="{0}" rel="nofollow noopener noreferrer">{1}</a>').format(target, address)
        parts += [escape(source[last : found.start()]), link]
        last = found.end()
    parts.append(escape(source[last:]))
    return Markup("").join(parts)
