"""What the archive hands back: entries, add results, destruction results (plain dataclasses)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Entry:
    """One document version as the catalog knows it, with its decrypted metadata.

    ``title`` and the other free-text fields are ``None`` once the document is destroyed.
    """

    ref: str  # 档号
    doc_id: str
    version: int
    status: str  # current / superseded / destroyed
    category: str
    category_name: str
    doc_type: str | None
    year: int
    retention: str
    sensitivity: str
    project: str | None
    period: str | None
    date: date
    received: date
    size: int
    item_no: int
    added_at: str
    on_hold: bool = False
    supersedes: str | None = None  # doc_id of the previous version
    destroyed_at: str | None = None
    title: str | None = None
    doc_no: str | None = None
    responsible: str | None = None
    notes: str | None = None
    parties: tuple[str, ...] = ()
    filename: str | None = None
    pages: int | None = None
    text_status: str | None = None  # what text extraction found: ok / empty / image_only / unsupported …

    @property
    def suffix(self) -> str:
        return Path(self.filename).suffix.lower() if self.filename else ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["parties"] = list(self.parties)
        return data


@dataclass(frozen=True)
class AddResult:
    """The outcome of archiving one document."""

    ref: str  # the 档号 given (or, for a duplicate, the 档号 that already holds these bytes)
    doc_id: str
    version: int
    duplicate: bool = False
    warnings: tuple[str, ...] = ()
    filename: str | None = None
    size: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["warnings"] = list(self.warnings)
        return data


@dataclass(frozen=True)
class AddItem:
    """One document for :meth:`archive.Archive.add_many`."""

    source: Path | bytes
    meta: Any  # DocMeta or a mapping validated into one
    filename: str | None = None
    supersedes: str | None = None


@dataclass(frozen=True)
class DestructionResult:
    """What ``destroy`` did: the 档号 destroyed and the 销毁记录 archived for them."""

    destroyed: list[str]
    doc_ids: list[str]
    reason: str
    by: str
    at: str
    record_ref: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
