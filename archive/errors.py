"""Errors of the archive package: one base, small named subclasses."""

from __future__ import annotations

from docgen.errors import DocgenError


class ArchiveError(DocgenError):
    """Base of every archive error."""


class Unauthenticated(ArchiveError):
    """Ciphertext failed authentication: wrong key, wrong context, or tampered bytes."""
