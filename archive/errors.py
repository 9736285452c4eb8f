"""Errors of the archive package: one base, small named subclasses."""

from __future__ import annotations

from docgen.errors import DocgenError, InvalidInput


class ArchiveError(DocgenError):
    """Base of every archive error."""


class Unauthenticated(ArchiveError):
    """Ciphertext failed authentication: wrong key, wrong context, or tampered bytes."""


class WrongPassphrase(ArchiveError):
    """No key slot opens with the passphrase given."""

    exit_code = 2


class NotAnArchive(ArchiveError):
    """The data home does not exist or holds no archive."""

    exit_code = 2


class AlreadyInitialized(ArchiveError):
    """``init`` was asked to create an archive where one (or other data) already exists."""

    exit_code = 2


class InvalidMeta(ArchiveError, InvalidInput):
    """Document metadata failed validation; ``problems`` lists every problem."""


class InvalidScheme(ArchiveError, InvalidInput):
    """The filing scheme file is malformed."""


class UnknownDocument(ArchiveError):
    """No document has this 档号 or id."""

    exit_code = 2


class OnHold(ArchiveError):
    """A legal hold blocks the destruction of this document."""


class LastKeySlot(ArchiveError):
    """Removing this key slot would leave the archive with no way to open it."""

    exit_code = 2


class UnknownKeySlot(ArchiveError):
    """No key slot has this id."""

    exit_code = 2


class Tampered(ArchiveError):
    """Stored data failed its integrity check (changed, swapped or truncated)."""


class DestroyFailed(ArchiveError):
    """The documents asked for cannot be destroyed; ``problems`` says why, nothing was changed."""

    exit_code = 2


class Destroyed(UnknownDocument):
    """The document was destroyed: only its tombstone (档号, dates, digests) remains."""

    exit_code = 1


class ConcurrentChange(ArchiveError):
    """Another process changed the same document meanwhile; nothing was written, try again."""
