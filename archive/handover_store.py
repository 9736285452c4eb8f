"""Where projects, faults, packages and confirmations live: tables in the archive's catalog.

They obey the data home's rules: codes and dates in the clear (what filtering needs), every
content field (project and vendor names, people, duties, fault descriptions) in one sealed
JSON column per row, under a key derived from the master key for this purpose. The sealed
column's associated data binds it to its table, its key and its clear columns, so editing a
date or moving a row to another project makes the row fail authentication (``Tampered``).
Writes share the catalog's write transaction with their audit entry: no change without its
entry, no entry without its change.

It uses only the archive's extension surface: ``sealer("handover")`` for the key,
``ensure_schema`` for the tables, ``write_transaction`` / ``audit`` / ``query`` for the rows.
A package's documents leave the archive through ``Archive.export_many`` (see ``handover``).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from .errors import Tampered, Unauthenticated

if TYPE_CHECKING:
    from .store import Archive

SCHEMA = """
CREATE TABLE IF NOT EXISTS projects (
    code          TEXT PRIMARY KEY,
    service_start TEXT NOT NULL,
    service_end   TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    data          BLOB NOT NULL          -- sealed JSON: name, vendor, client, supervisor, duties, source
);
CREATE TABLE IF NOT EXISTS project_faults (
    id         INTEGER PRIMARY KEY,
    project    TEXT NOT NULL REFERENCES projects (code),
    cleared    TEXT NOT NULL,            -- the day the fault was cleared (故障解除)
    added_at   TEXT NOT NULL,
    data       BLOB NOT NULL             -- sealed JSON: ref, title
);
CREATE INDEX IF NOT EXISTS project_faults_by_project ON project_faults (project, cleared);
CREATE TABLE IF NOT EXISTS handover_packages (
    package_id   TEXT PRIMARY KEY,
    project      TEXT NOT NULL REFERENCES projects (code),
    period       TEXT NOT NULL,          -- 2023-09 or 2024Q1
    seq          INTEGER NOT NULL,
    built_at     TEXT NOT NULL,
    built_on     TEXT NOT NULL,          -- Bagging-Date
    documents    INTEGER NOT NULL,
    bag_digest   TEXT NOT NULL,          -- SHA-256 of tagmanifest-sha256.txt: pins every digest of the bag
    data         BLOB NOT NULL,          -- sealed JSON: output path, format, 档号 list, completeness summary
    UNIQUE (project, period, seq)
);
CREATE TABLE IF NOT EXISTS handover_confirmations (
    package_id   TEXT PRIMARY KEY REFERENCES handover_packages (package_id),
    confirmed_on TEXT NOT NULL,          -- the day the receiver took the package
    recorded_at  TEXT NOT NULL,
    data         BLOB NOT NULL           -- sealed JSON: by (who received it), note
);
"""

CLEAR_COLUMNS: dict[str, tuple[str, ...]] = {
    "projects": ("code", "service_start", "service_end", "created_at", "updated_at"),
    "project_faults": ("id", "project", "cleared", "added_at"),
    "handover_packages": ("package_id", "project", "period", "seq", "built_at", "built_on", "documents", "bag_digest"),
    "handover_confirmations": ("package_id", "confirmed_on", "recorded_at"),
}


class HandoverStore:
    """Sealed rows of the handover tables, and the write transaction they share with the audit log."""

    def __init__(self, arc: "Archive"):
        self._arc = arc
        self._sealer = arc.sealer("handover")
        arc.ensure_schema(SCHEMA)

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """The archive's write transaction (exclusive across processes); rolled back on error."""
        with self._arc.write_transaction() as conn:
            yield conn

    def audit(self, action: str, detail: dict[str, Any], ref: str | None = None) -> int:
        """An audit entry; call inside :meth:`write` so it commits with the change it records."""
        return self._arc.audit(action, detail, ref=ref)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Rows of a ``SELECT`` on the clear columns (inside :meth:`write`, with its changes)."""
        return self._arc.query(sql, params)

    # --- sealed rows ---

    def _aad(self, table: str, row: dict[str, Any]) -> bytes:
        clear = [row[c] for c in CLEAR_COLUMNS[table]]
        return ("docgen/handover|" + table + "|" + json.dumps(clear, ensure_ascii=True, default=str)).encode()

    def insert(self, table: str, clear: dict[str, Any], data: dict[str, Any], *, replace: bool = False) -> int:
        """Insert (or replace) a row: ``clear`` columns as given, ``data`` sealed. Returns the rowid.

        Joins the caller's :meth:`write`, or commits on its own.
        """
        with self.write() as conn:
            if table == "project_faults" and clear.get("id") is None:
                clear = {**clear, "id": self._next_id(table)}
            sealed = self._sealer.seal(json.dumps(data, ensure_ascii=False, default=str).encode(), self._aad(table, clear))
            columns = [*clear, "data"]
            verb = "INSERT OR REPLACE" if replace else "INSERT"
            cursor = conn.execute(
                f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                (*clear.values(), sealed),
            )
        return int(cursor.lastrowid or 0)

    def _next_id(self, table: str) -> int:
        return int(self.query(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")[0][0])

    def rows(self, table: str, where: str = "", params: Sequence[Any] = (), order: str = "") -> list[dict[str, Any]]:
        """Rows with their sealed data opened: each a dict of the clear columns plus ``data``."""
        sql = f"SELECT * FROM {table}" + (f" WHERE {where}" if where else "") + (f" ORDER BY {order}" if order else "")
        return [self._open(table, row) for row in self.query(sql, params)]

    def _open(self, table: str, row: sqlite3.Row) -> dict[str, Any]:
        clear = {c: row[c] for c in CLEAR_COLUMNS[table]}
        try:
            data = json.loads(self._sealer.unseal(bytes(row["data"]), self._aad(table, clear)))
        except Unauthenticated:
            key = clear[CLEAR_COLUMNS[table][0]]
            raise Tampered(f"{table} 中 {key} 的记录未通过认证（被修改或调换）；运行 docgen archive verify") from None
        return {**clear, "data": data}
