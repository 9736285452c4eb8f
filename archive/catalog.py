"""The SQLite catalog: one row per document version, wrapped data keys, holds, settings.

In the clear only what filtering and numbering need (档号 parts, category and type codes,
project code, period, dates, retention, sensitivity, status, sizes, digests, version links).
Title, 文号, 责任者, notes, parties, filename, page count and the extracted text are sealed
with the document's own data key (associated data: doc id, version, field), so destroying
the key (crypto-shredding) makes them unreadable too.

Each row carries a keyed MAC over its clear columns, so a changed catalog row is detected.
Writes go through :meth:`Catalog.write` (``BEGIN IMMEDIATE``: one writer at a time across
processes; 件号 allocation, blob move and audit entry happen under that lock).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any, Iterator

from .crypto import digests_equal, keyed_digest
from .home import create_private_file

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id        TEXT PRIMARY KEY,
    ref           TEXT NOT NULL,            -- 档号 (shared by every version of the 件)
    version       INTEGER NOT NULL,
    fonds         TEXT NOT NULL,            -- 全宗号
    year          INTEGER NOT NULL,         -- 年度
    retention     TEXT NOT NULL,            -- 保管期限 Y / D30 / D10
    problem_code  TEXT NOT NULL,            -- 机构（问题）代码
    item_no       INTEGER NOT NULL,         -- 件号
    category      TEXT NOT NULL,
    doc_type      TEXT,
    project       TEXT,
    period        TEXT,
    date          TEXT NOT NULL,            -- 文件日期
    received      TEXT NOT NULL,            -- 收文日期
    sensitivity   TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('current', 'superseded', 'destroyed')),
    size          INTEGER NOT NULL,
    blob          TEXT UNIQUE,              -- keyed digest of the plaintext; NULL once destroyed
    sealed_sha256 TEXT,                     -- SHA-256 of the stored (sealed) blob file
    meta          BLOB,                     -- sealed JSON: title, doc_no, responsible, notes, parties, filename, pages
    text          BLOB,                     -- sealed extracted text
    added_at      TEXT NOT NULL,
    supersedes    TEXT,                     -- doc_id of the previous version
    destroyed_at  TEXT,
    indexed       INTEGER NOT NULL DEFAULT 0,  -- 1 when the search index reflects this row's status
    row_mac       TEXT NOT NULL,
    UNIQUE (ref, version)
);
CREATE INDEX IF NOT EXISTS documents_group ON documents (fonds, year, retention, problem_code, item_no);
CREATE INDEX IF NOT EXISTS documents_status ON documents (status, category);
CREATE INDEX IF NOT EXISTS documents_unindexed ON documents (indexed) WHERE indexed = 0;
CREATE TABLE IF NOT EXISTS doc_keys (
    doc_id  TEXT PRIMARY KEY,
    wrapped BLOB NOT NULL                   -- the data key sealed under the wrap subkey
);
CREATE TABLE IF NOT EXISTS holds (
    ref    TEXT PRIMARY KEY,
    since  TEXT NOT NULL,
    actor  TEXT NOT NULL,
    reason BLOB NOT NULL                    -- sealed
);
CREATE TABLE IF NOT EXISTS audit (
    seq    INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    ref    TEXT,
    doc_id TEXT,
    detail BLOB,                            -- sealed JSON
    mac    TEXT NOT NULL                    -- HMAC-SHA256 over the previous mac and this entry
);
"""

# The clear columns a row MAC covers. ``indexed`` is bookkeeping; ``meta``/``text`` are sealed
# with associated data of their own.
MAC_COLUMNS: tuple[str, ...] = (
    "doc_id", "ref", "version", "fonds", "year", "retention", "problem_code", "item_no", "category",
    "doc_type", "project", "period", "date", "received", "sensitivity", "status", "size", "blob",
    "sealed_sha256", "added_at", "supersedes", "destroyed_at",
)  # fmt: skip


# A version's row with what reading it needs: its wrapped data key (NULL once destroyed) and
# whether its 件 is under a legal hold. Callers add WHERE / ORDER BY on ``d`` (documents).
ENTRY_SELECT = (
    "SELECT d.*, k.wrapped, (h.ref IS NOT NULL) AS on_hold FROM documents d"
    " LEFT JOIN doc_keys k USING (doc_id) LEFT JOIN holds h ON h.ref = d.ref"
)


def as_blob(value: Any) -> bytes | None:
    """A BLOB column's bytes, or None when the column holds something else (tampering)."""
    return bytes(value) if isinstance(value, (bytes, memoryview)) else None


class Catalog:
    """A connection to ``catalog.sqlite`` with the pragmas the archive relies on."""

    def __init__(self, path: Path, row_key: bytes | None = None):
        self.path = path
        self._row_key = row_key
        if not path.exists():
            create_private_file(path)  # WAL and SHM files inherit this 0600 mode
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=60.0, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        # A tampered row may hold bytes where text belongs; read it as text and let the MAC fail.
        self.conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",  # a committed document survives power loss
            "PRAGMA secure_delete=ON",  # shredded keys are overwritten, not left in free pages
            "PRAGMA temp_store=MEMORY",  # no SQLite temp files outside the home
            "PRAGMA foreign_keys=ON",
            "PRAGMA busy_timeout=60000",
        ):
            self.conn.execute(pragma)

    def set_row_key(self, key: bytes) -> None:
        self._row_key = key

    def create_schema(self) -> None:
        self.conn.executescript(SCHEMA)  # idempotent (IF NOT EXISTS); runs in its own transaction
        with self.write():
            self.set_setting("schema_version", str(SCHEMA_VERSION))

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, exclusive across processes; rolled back on any error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: a consistent view while several queries run."""
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            self.conn.execute("COMMIT")

    # --- settings ---

    def setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set_setting(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    # --- rows ---

    def row_mac(self, row: dict[str, Any] | sqlite3.Row) -> str:
        """The keyed MAC of a row's clear columns."""
        assert self._row_key is not None, "catalog opened without its row key"
        payload = json.dumps([row[c] for c in MAC_COLUMNS], ensure_ascii=True, separators=(",", ":"))
        return keyed_digest(self._row_key, payload.encode()).hexdigest()

    def row_is_authentic(self, row: sqlite3.Row) -> bool:
        return digests_equal(self.row_mac(row), row["row_mac"])

    def insert_document(self, row: dict[str, Any]) -> None:
        row = {**row, "row_mac": self.row_mac(row)}
        columns = ", ".join(row)
        self.conn.execute(f"INSERT INTO documents ({columns}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))

    def update_document(self, doc_id: str, **changes: Any) -> None:
        """Change columns of a row and re-sign it (inside a write transaction)."""
        current = self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        row = {**dict(current), **changes}
        row["row_mac"] = self.row_mac(row)
        names = [*changes, "row_mac"]
        assignments = ", ".join(f"{name} = ?" for name in names)
        self.conn.execute(f"UPDATE documents SET {assignments} WHERE doc_id = ?", (*[row[n] for n in names], doc_id))

    def document(self, doc_id: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()

    def versions(self, ref: str) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM documents WHERE ref = ? ORDER BY version", (ref,)).fetchall()

    def by_blob(self, blob: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM documents WHERE blob = ?", (blob,)).fetchone()

    def next_item_no(self, fonds: str, year: int, retention: str, problem_code: str) -> int:
        """The next 件号 in a group: tombstones keep theirs, so numbers are never reused."""
        row = self.conn.execute(
            "SELECT COALESCE(MAX(item_no), 0) + 1 AS n FROM documents"
            " WHERE fonds = ? AND year = ? AND retention = ? AND problem_code = ?",
            (fonds, year, retention, problem_code),
        ).fetchone()
        return int(row["n"])

    def wrapped_key(self, doc_id: str) -> bytes | None:
        row = self.conn.execute("SELECT wrapped FROM doc_keys WHERE doc_id = ?", (doc_id,)).fetchone()
        return bytes(row["wrapped"]) if row else None

    def checkpoint(self) -> bool:
        """Fold the WAL into the database and truncate it (so shredded pages leave the WAL); True if done."""
        busy, _, _ = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
