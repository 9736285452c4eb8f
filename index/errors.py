"""Errors of the index package."""

from __future__ import annotations

from docgen.errors import DocgenError


class SearchError(DocgenError):
    """Base of every index and search error."""


class BadQuery(SearchError):
    """The query string cannot be parsed."""

    exit_code = 2
