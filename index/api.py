"""The narrow interface between the archive and a search engine.

The archive only ever talks to a :class:`SearchEngine`: it adds the current version of a
document, deletes what is destroyed or superseded, searches with filters, and rebuilds
from scratch. Another engine (tantivy, SQLite FTS5) can replace Whoosh behind this
interface without touching the archive or the CLI.

The index holds one entry per *current* document version. On supersede the archive
deletes the old version's ``doc_id`` and adds the new one; on destroy it deletes with
``purge``: the engine must then leave nothing of the document in its files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Protocol, Sequence


@dataclass(frozen=True)
class IndexDoc:
    """What the engine is given for one document version. Nothing here is written in the clear."""

    doc_id: str  # the archive's id of this version
    ref: str  # 档号
    title: str
    text: str
    category: str  # filing-scheme code
    year: int
    date: date | None = None
    project: str | None = None  # project code
    sensitivity: str = "最小敏感性"  # 最小敏感性 / 比较敏感 / 非常敏感
    retention: str = "D30"  # Y / D30 / D10
    names: Sequence[str] = field(default_factory=tuple)  # party, person and project names (user dictionary)


@dataclass(frozen=True)
class Filters:
    """Field filters; ``None`` means no restriction."""

    category: str | None = None
    project: str | None = None
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    sensitivity: str | None = None
    retention: str | None = None


@dataclass(frozen=True)
class Hit:
    doc_id: str
    score: float
    terms: tuple[str, ...] = ()  # the query's positive terms, for highlighting snippets


@dataclass(frozen=True)
class Hits:
    total: int
    hits: list[Hit]


class SearchEngine(Protocol):
    """Add, delete, search with filters, rebuild. Implementations must be safe across processes."""

    def add(self, docs: Iterable[IndexDoc]) -> None: ...

    def delete(self, doc_ids: Iterable[str], *, purge: bool = False) -> None:
        """Forget these versions; with ``purge`` nothing of them may remain in the index files."""

    def search(self, query: str, filters: Filters = Filters(), limit: int = 10, offset: int = 0) -> Hits: ...

    def rebuild(self, docs: Iterable[IndexDoc]) -> None: ...

    def close(self) -> None: ...
