"""The audit log: append-only, each entry chained to the previous by a keyed SHA-256 MAC.

Entries live in the catalog (table ``audit``) so an entry is committed in the same transaction
as the change it records: no document is ever added without its ``add`` entry. The chain MAC is
HMAC-SHA256 under a subkey of the master key over (previous MAC, seq, time, actor, action, 档号,
doc id, SHA-256 of the sealed detail): editing, deleting or reordering any entry breaks every
later link, and without the key nobody can recompute the chain. Details (reasons, queries,
file names, anything that could be content) are sealed; 档号, action, actor and time are not.
A truncated tail cannot be detected from inside the home; ``verify`` prints the chain head so
it can be recorded elsewhere.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .crypto import Sealer, digests_equal, keyed_digest
from .errors import Unauthenticated

GENESIS = "0" * 64
ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{0,39}$")


def default_actor() -> str:
    """Who is acting: ``DOCGEN_ACTOR``, else the OS user."""
    actor = os.environ.get("DOCGEN_ACTOR")
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class AuditEntry:
    """One audit entry, decrypted."""

    seq: int
    at: str
    actor: str
    action: str
    ref: str | None
    doc_id: str | None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


class AuditLog:
    """Appends to and reads the chained log; needs the chain key and a sealer for details."""

    def __init__(self, conn: sqlite3.Connection, chain_key: bytes, detail_sealer: Sealer):
        self.conn = conn
        self._chain_key = chain_key
        self._sealer = detail_sealer

    def append(
        self,
        action: str,
        actor: str,
        *,
        ref: str | None = None,
        doc_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int:
        """Add an entry; call inside a write transaction (the caller's ``BEGIN IMMEDIATE``)."""
        if not ACTION_PATTERN.match(action):
            raise ValueError(f"bad audit action {action!r}")
        last = self.conn.execute("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, previous = (last["seq"] + 1, last["mac"]) if last else (1, GENESIS)
        sealed = self._sealer.seal(json.dumps(detail or {}, ensure_ascii=False, default=str).encode(), _aad(seq))
        at = utc_now()
        mac = self._mac(previous, seq, at, actor, action, ref, doc_id, sealed)
        self.conn.execute(
            "INSERT INTO audit (seq, at, actor, action, ref, doc_id, detail, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, at, actor, action, ref, doc_id, sealed, mac),
        )
        return seq

    def entries(
        self,
        *,
        ref: str | None = None,
        action: str | None = None,
        since: str | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """Entries, newest last; filters by 档号, action (prefix match on ``key.``), start time."""
        clauses, params = [], []
        if ref:
            clauses.append("ref = ?")
            params.append(ref)
        if action:
            clauses.append("(action = ? OR action LIKE ?)")
            params.extend([action, f"{action}.%"])
        if since:
            clauses.append("at >= ?")
            params.append(since)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = f"SELECT * FROM audit {where} ORDER BY seq DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = self.conn.execute(sql, params).fetchall()
        return [self._decode(row) for row in reversed(rows)]

    def head(self) -> dict[str, Any]:
        """The newest entry's seq and MAC: record it elsewhere to detect a truncated log later."""
        last = self.conn.execute("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        return {"seq": last["seq"], "mac": last["mac"]} if last else {"seq": 0, "mac": GENESIS}

    def check(self) -> tuple[int, list[ChainProblem]]:
        """Walk the whole chain; (entries checked, problems)."""
        problems: list[ChainProblem] = []
        previous, expected_seq, count = GENESIS, 1, 0
        for row in self.conn.execute("SELECT * FROM audit ORDER BY seq"):
            count += 1
            if row["seq"] != expected_seq:
                problems.append(ChainProblem(row["seq"], f"entries {expected_seq}–{row['seq'] - 1} are missing"))
            mac = self._mac(
                previous, row["seq"], row["at"], row["actor"], row["action"], row["ref"], row["doc_id"], row["detail"]
            )
            if not digests_equal(mac, row["mac"]):
                problems.append(ChainProblem(row["seq"], "entry does not match its chain MAC (changed or reordered)"))
            else:
                try:
                    self._sealer.unseal(_blob(row["detail"]), _aad(row["seq"]))
                except Unauthenticated:
                    problems.append(ChainProblem(row["seq"], "entry detail fails authentication"))
            previous, expected_seq = row["mac"], row["seq"] + 1
        return count, problems

    def _decode(self, row: sqlite3.Row) -> AuditEntry:
        try:
            detail = json.loads(self._sealer.unseal(_blob(row["detail"]), _aad(row["seq"])))
        except (Unauthenticated, ValueError):
            detail = {"error": "detail fails authentication"}
        return AuditEntry(row["seq"], row["at"], row["actor"], row["action"], row["ref"], row["doc_id"], detail)

    def _mac(self, previous, seq, at, actor, action, ref, doc_id, sealed) -> str:
        detail_digest = hashlib.sha256(_blob(sealed)).hexdigest()
        payload = json.dumps([previous, seq, at, actor, action, ref, doc_id, detail_digest], ensure_ascii=True)
        return keyed_digest(self._chain_key, payload.encode()).hexdigest()


def _blob(value: Any) -> bytes:
    """Bytes of a BLOB column; text put there by tampering hashes as its UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    return bytes(value or b"")


def _aad(seq: int) -> bytes:
    return f"docgen/audit|{seq}".encode()
