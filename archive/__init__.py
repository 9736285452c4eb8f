"""The encrypted archive: blob store, catalog, filing scheme, audit log, verify, disposition, handover.

Public API (other packages build on these names)::

    from archive import Archive, DocMeta, ListQuery
    with Archive.open(home, passphrase) as arc:
        result = arc.add(path, DocMeta(category="07", doc_type="周报", period="2024-W10"))
        arc.list(ListQuery(project="JFLH"))
"""

from .audit import AuditEntry
from .errors import (
    AlreadyInitialized,
    ArchiveError,
    ConcurrentChange,
    Destroyed,
    DestroyFailed,
    InvalidMeta,
    LastKeySlot,
    NotAnArchive,
    OnHold,
    Tampered,
    Unauthenticated,
    UnknownDocument,
    UnknownKeySlot,
    WrongPassphrase,
)
from .meta import DocMeta, ListQuery
from .models import AddItem, AddResult, DestructionResult, Entry
from .scheme import Category, DocType, Scheme, load_scheme
from .store import Archive, RecoveryReport

__all__ = [
    "AddItem", "AddResult", "AlreadyInitialized", "Archive", "ArchiveError", "AuditEntry", "Category",
    "ConcurrentChange", "DestroyFailed", "Destroyed", "DestructionResult", "DocMeta", "DocType", "Entry",
    "InvalidMeta", "LastKeySlot", "ListQuery", "NotAnArchive", "OnHold", "RecoveryReport", "Scheme", "Tampered",
    "Unauthenticated", "UnknownDocument", "UnknownKeySlot", "WrongPassphrase", "load_scheme",
]  # fmt: skip
