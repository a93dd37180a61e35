"""Why a search could not be answered, as a code the site maps to a status, and a Chinese message."""

from __future__ import annotations

# What each code means to a client: its HTTP status (the API and the pages use this table).
STATUS = {"request": 400, "syntax": 400, "filter": 400, "unavailable": 503}


class SearchError(ValueError):
    """A search that cannot be answered: ``code`` is request, syntax, filter or unavailable."""

    def __init__(self, code: str, message: str):
        if code not in STATUS:
            raise ValueError(f"unknown search error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        """The HTTP status this error is answered with."""
        return STATUS[self.code]
