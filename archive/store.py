"""``Archive``: the public face of the encrypted archive.

It opens a data home with a passphrase, holds the master key in memory only, and offers
add / list / read / export / verify / disposition / audit over the layers below it:
``keys`` (key slots) → ``crypto`` (sealing) → ``blobs`` + ``catalog`` + ``audit`` (storage)
→ ``ingest``, ``verify``, ``disposition`` (services). The CLI makes one call into it per command.

Keys, all derived from the master key with HKDF (``crypto.derive_subkey``):

    wrap         wraps each document's fresh data key (associated data: doc id + version)
    blob-name    names blobs: HMAC of the plaintext (same bytes → same name, no plain hash)
    row          MAC over each catalog row's clear columns
    audit-chain  MAC chaining the audit log
    audit-detail seals audit details and hold reasons
    check        proves the key file belongs to this catalog
    index        handed to the search engine (``Sealer``), which encrypts its files with it

Services built on the archive (handover, search, future ones) use only its extension surface,
never its private members:

    sealer(purpose)       a ``Sealer`` under a key derived for that purpose (the master key stays inside)
    ensure_schema(sql)    the service's own tables and indexes in the catalog
    write_transaction()   the catalog's write transaction; ``audit(...)`` inside it commits with the change
    query(sql, params)    a read of the catalog (inside a write transaction it sees that transaction's changes)
    export_many(...)      decrypt many documents to files, every ``export`` audit entry in one transaction
    reopen_search_engine()  open the search index afresh (after it was wiped and recreated)
"""

from __future__ import annotations

import contextlib
import json
import re
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from docgen.cn import mask_id_numbers
from docgen.errors import Problem
from docgen.fsutil import atomic_writer

from .audit import AuditEntry, AuditLog, default_actor, utc_now
from .blobs import BlobStore
from .catalog import ENTRY_SELECT, SCHEMA as CATALOG_SCHEMA, Catalog, as_blob
from .crypto import Sealer, derive_subkey, digests_equal, keyed_digest, open_stream, unseal
from .errors import (
    AlreadyInitialized,
    ArchiveError,
    Destroyed,
    InvalidMeta,
    NotAnArchive,
    Tampered,
    Unauthenticated,
    UnknownDocument,
)
from .home import Home
from .ingest import Ingest, IngestContext, blob_aad, dek_aad, field_aad
from .keys import DEFAULT_PROFILE, PROFILES, KeyFile, SlotInfo, new_keyfile
from .meta import DocMeta, ListQuery, parse_query
from .models import AddItem, AddResult, DestructionResult, Entry
from .refs import FONDS_PATTERN, parse_wanted
from .scheme import Scheme, load_scheme

if TYPE_CHECKING:
    import sqlite3

    from index.api import IndexDoc, SearchEngine

    from .verify import VerifyReport

INDEX_BATCH = 64
PURPOSE_PATTERN = re.compile(r"[a-z][a-z0-9.-]{0,39}")
# what ensure_schema accepts: CREATE [UNIQUE] TABLE|INDEX IF NOT EXISTS <name> [ON <table>]
_SERVICE_DDL = re.compile(
    r"CREATE\s+(?:UNIQUE\s+)?(TABLE|INDEX)\s+IF\s+NOT\s+EXISTS\s+(\w+)(?:\s+ON\s+(\w+))?", re.IGNORECASE
)
_CATALOG_NAMES = frozenset(name.lower() for _, name, _ in _SERVICE_DDL.findall(CATALOG_SCHEMA))


class _Keys:
    """Purpose keys derived from the master key; never written anywhere."""

    __slots__ = ("wrap", "blob_name", "row", "audit_chain", "audit_detail", "check", "index")

    def __init__(self, master: bytes):
        for name in self.__slots__:
            setattr(self, name, derive_subkey(master, name.replace("_", "-")))

    def __repr__(self) -> str:
        return "_Keys(<hidden>)"


# the archive's own key purposes: never handed out by Archive.sealer
RESERVED_PURPOSES = frozenset(name.replace("_", "-") for name in _Keys.__slots__)


@dataclass(frozen=True)
class RecoveryReport:
    """What :meth:`Archive.recover` cleaned up after an interrupted run."""

    orphan_blobs: int
    stale_temp_files: int
    indexed: int
    index_warning: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Archive:
    """An open archive. Use :meth:`init` or :meth:`open`; close it (or use ``with``)."""

    def __init__(self, home: Home, master: bytes, keyfile: KeyFile, slot_id: str, catalog: Catalog, actor: str | None):
        self.home = home
        self._keyfile = keyfile
        self._slot_id = slot_id
        self._master = master
        self._keys = _Keys(master)
        self._catalog = catalog
        self._catalog.set_row_key(self._keys.row)
        self._blobs = BlobStore(home.blobs, home.tmp)
        self._audit = AuditLog(catalog.conn, self._keys.audit_chain, Sealer(self._keys.audit_detail))
        self.actor = actor or default_actor()
        self.scheme: Scheme = load_scheme()
        self.fonds: str = catalog.setting("fonds") or ""
        self.archive_id: str = keyfile.archive_id
        self._engine: SearchEngine | None = None
        self._engine_error: str | None = None
        self._writing = False  # inside write_transaction()

    # --- lifecycle ---

    @classmethod
    def init(
        cls,
        home: Path,
        passphrase: str,
        *,
        fonds: str,
        kdf: str = DEFAULT_PROFILE,
        actor: str | None = None,
    ) -> "Archive":
        """Create a new archive in ``home`` (missing or empty) for 全宗号 ``fonds``."""
        problems = []
        if not FONDS_PATTERN.match(fonds or ""):
            problems.append(Problem("fonds", "全宗号", "应为 1–10 位大写字母或数字（DA/T 22 建议 4 位，如 BJ01）", fonds))
        if kdf not in PROFILES:
            problems.append(Problem("kdf", "密钥派生参数", f"应为 {' / '.join(PROFILES)}", kdf))
        if not passphrase:
            problems.append(Problem("passphrase", "口令", "不能为空"))
        if problems:
            raise InvalidMeta("无法创建档案库", problems)
        layout = Home(Path(home))
        if not layout.is_empty_or_missing():
            raise AlreadyInitialized(f"{layout.root} 已存在且不为空；档案库只能建在新目录或空目录中")
        layout.create()
        keyfile, master = new_keyfile(passphrase, kdf)
        keys = _Keys(master)
        catalog = Catalog(layout.catalog, keys.row)
        catalog.create_schema()
        with catalog.write():
            catalog.set_setting("archive_id", keyfile.archive_id)
            catalog.set_setting("fonds", fonds)
            catalog.set_setting("key_check", _key_check(keys, keyfile.archive_id))
            catalog.set_setting("created", utc_now())
            AuditLog(catalog.conn, keys.audit_chain, Sealer(keys.audit_detail)).append(
                "init", actor or default_actor(), detail={"fonds": fonds, "kdf": kdf, "slot": keyfile.slots[0].id}
            )
        keyfile.save(layout.keys)  # last: a home without keys.json is visibly unfinished
        return cls(layout, master, keyfile, keyfile.slots[0].id, catalog, actor)

    @classmethod
    def open(cls, home: Path, passphrase: str, *, actor: str | None = None) -> "Archive":
        """Open the archive in ``home``; ``WrongPassphrase`` if no key slot opens."""
        layout = Home(Path(home))
        keyfile = KeyFile.load(layout.keys)
        if not layout.catalog.is_file():
            raise NotAnArchive(f"{layout.root} 没有目录库 {layout.catalog.name}")
        master, slot_id = keyfile.unlock(passphrase)
        catalog = Catalog(layout.catalog)
        archive_id = catalog.setting("archive_id")
        check = catalog.setting("key_check") or ""
        if archive_id != keyfile.archive_id or not digests_equal(_key_check(_Keys(master), keyfile.archive_id), check):
            catalog.close()
            raise Tampered("密钥文件与目录库不属于同一个档案库")
        archive = cls(layout, master, keyfile, slot_id, catalog, actor)
        archive._blobs.remove_stale_pending()
        return archive

    def close(self) -> None:
        if self._engine is not None:
            try:
                self._engine.close()
            finally:
                self._engine = None
        self._catalog.close()
        self._master = b""

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Archive({str(self.home.root)!r}, fonds={self.fonds!r})"

    # --- adding ---

    def add(
        self,
        source: Path | bytes,
        meta: DocMeta | dict[str, Any],
        *,
        filename: str | None = None,
        supersedes: str | None = None,
    ) -> AddResult:
        """Archive one document (a file path or bytes); returns its 档号, or the existing one for a duplicate."""
        return Ingest(self).run(self._context(AddItem(source, meta, filename, supersedes)))

    def add_many(
        self,
        items: Iterable[AddItem | tuple],
        progress: Callable[[int, AddResult], None] | None = None,
    ) -> list[AddResult]:
        """Archive many documents, each in its own transaction; the index is updated in batches.

        ``items`` are ``AddItem`` or tuples ``(source, meta[, filename[, supersedes]])``;
        ``progress(n, result)`` is called after the n-th. Metadata of every item is validated
        first (all problems at once, nothing added). An interrupted earlier run is cleaned up
        first (:meth:`recover`), so re-running the same folder completes it: what is already
        archived comes back as a duplicate.
        """
        items = [item if isinstance(item, AddItem) else AddItem(*item) for item in items]
        self._validate_all(items)
        self.recover()
        results: list[AddResult] = []
        batch: list[IndexDoc] = []
        deletes: list[str] = []
        ingest = Ingest(self)
        for number, item in enumerate(items, 1):
            ctx = self._context(item, defer_index=True)
            result = ingest.run(ctx)
            if not result.duplicate and ctx.index_doc is not None:
                batch.append(ctx.index_doc)
                if ctx.previous is not None:
                    deletes.append(ctx.previous["doc_id"])
            if len(batch) >= INDEX_BATCH:
                self._flush_index(batch, deletes, results)
            results.append(result)
            if progress:
                progress(number, result)
        self._flush_index(batch, deletes, results)
        return results

    def _flush_index(self, batch: list["IndexDoc"], deletes: list[str], results: list[AddResult]) -> None:
        if not batch and not deletes:
            return
        warning = self._apply_index(list(batch), list(deletes), [d.doc_id for d in batch] + deletes)
        if warning and results:
            last = results[-1]
            results[-1] = AddResult(**{**last.__dict__, "warnings": (*last.warnings, warning)})
        batch.clear()
        deletes.clear()

    def _context(self, item: AddItem, defer_index: bool = False) -> IngestContext:
        source = item.source if isinstance(item.source, bytes) else Path(item.source)
        filename = item.filename or (source.name if isinstance(source, Path) else "document.bin")
        return IngestContext(source, item.meta, filename, item.supersedes, defer_index)

    def _validate_all(self, items: list[AddItem]) -> None:
        from .meta import validate_meta

        problems: list[Problem] = []
        for number, item in enumerate(items, 1):
            try:
                validate_meta(item.meta, self.scheme)
            except InvalidMeta as error:
                name = item.filename or (Path(item.source).name if not isinstance(item.source, bytes) else "")
                problems.extend(
                    Problem(f"[{number}] {name} {p.path}".replace("  ", " "), p.label, p.message, p.value, p.severity)
                    for p in error.problems
                )
            if not isinstance(item.source, bytes) and not Path(item.source).is_file():
                problems.append(Problem(f"[{number}] source", "文件", "不存在或不是文件", str(item.source)))
        if any(p.severity == "error" for p in problems):
            raise InvalidMeta("文件信息有误，未归档任何文件", problems)

    def recover(self) -> RecoveryReport:
        """Clean up after an interrupted run: orphan blobs, stale temp files, the index catching up."""
        with self._catalog.write():  # under the write lock no other process is mid-add
            known = {row[0] for row in self._catalog.conn.execute("SELECT blob FROM documents WHERE blob IS NOT NULL")}
            orphans = [name for name in self._blobs.names() if name not in known]
            for name in orphans:
                self._blobs.remove(name)
            stale = self._blobs.remove_stale_pending()
            if orphans or stale:
                self._audit.append("repair", self.actor, detail={"orphan_blobs": len(orphans), "stale_temp_files": stale})
        indexed, warning = self.sync_index()
        return RecoveryReport(len(orphans), stale, indexed, warning)

    # --- reading ---

    def list(self, query: ListQuery | dict[str, Any] | None = None) -> list[Entry]:
        """Entries matching ``query`` (current versions unless ``status`` says otherwise), in 档号 order."""
        query = parse_query(query)
        sql, params = _list_sql(query, self.scheme)
        return [self._entry(row) for row in self._catalog.conn.execute(sql, params).fetchall()]

    def entry(self, ref_or_doc_id: str) -> Entry:
        """One version with its decrypted metadata (``档号`` = current version, ``档号@N``, or a doc id)."""
        return self._entry(self._resolve(ref_or_doc_id))

    def versions(self, ref_or_doc_id: str) -> list[Entry]:
        """Every version of the 件 this reference belongs to, oldest first."""
        ref = self._resolve(ref_or_doc_id)["ref"]
        rows = self._catalog.conn.execute(f"{ENTRY_SELECT} WHERE d.ref = ? ORDER BY d.version", (ref,)).fetchall()
        return [self._entry(row) for row in rows]

    def read(self, ref_or_doc_id: str) -> bytes:
        """The document's bytes, decrypted and authenticated (audited as ``read``)."""
        row = self._readable(ref_or_doc_id)
        self._record("read", [row])
        return b"".join(self._plain_chunks(row))

    def export(self, ref_or_doc_id: str, dest: Path) -> Path:
        """Stream the decrypted document to ``dest`` (atomic and durable; audited as ``export``)."""
        return self.export_many([ref_or_doc_id], lambda entry: Path(dest), detail={"dest": str(dest)})[0]

    def export_many(
        self,
        refs: Iterable[str],
        dest_for: Callable[[Entry], Path],
        *,
        purpose: str | None = None,
        detail: dict[str, Any] | None = None,
        durable: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Path]:
        """Decrypt many documents to files; their ``export`` audit entries share one transaction.

        Every reference is resolved first (an unknown or destroyed one raises before anything is
        audited or written) and ``dest_for(entry)`` names its file, once per reference, in order.
        Then one ``export`` entry per document (``detail``, plus ``purpose`` when given) commits
        in a single transaction (so not inside :meth:`write_transaction`, which could still roll
        back: ``RuntimeError``), and only then is each document streamed to its file through
        ``docgen.fsutil.atomic_writer``: a document that fails authentication (``Tampered``)
        leaves no partial file and stops the run; files written before it stay. ``durable=False``
        skips the fsyncs, for a caller that makes the whole output durable itself (a handover
        package is renamed into place whole and checked by its digests). ``progress(n, total)``
        is called after each file. Returns the files, in the order of ``refs``.
        """
        rows = [self._readable(ref) for ref in refs]
        files = [Path(dest_for(self._entry(row))) for row in rows]
        self._record("export", rows, {**(detail or {}), **({"purpose": purpose} if purpose else {})})
        for number, (row, dest) in enumerate(zip(rows, files), 1):
            with atomic_writer(dest, durable=durable) as out:
                for chunk in self._plain_chunks(row):
                    out.write(chunk)
            if progress:
                progress(number, len(rows))
        return files

    def read_text(self, doc_id: str) -> str:
        """The extracted text of a version (for snippets and index rebuilds); '' once destroyed."""
        return self._text(self._resolve(doc_id))

    def _text(self, row: "sqlite3.Row", key: bytes | None = None) -> str:
        """The extracted text of ``row`` (with its data key, if the caller has unwrapped it already)."""
        if row["text"] is None or row["wrapped"] is None:
            return ""
        key = key or self._data_key(row)
        try:
            sealed = as_blob(row["text"]) or b""
            return zlib.decompress(unseal(key, sealed, field_aad(row["doc_id"], row["version"], "text"))).decode("utf-8")
        except (Unauthenticated, zlib.error):
            raise Tampered(f"{row['ref']}: 全文未通过认证（被修改或调换）；运行 docgen archive verify") from None

    # --- audit ---

    def audit(self, action: str, detail: dict[str, Any], ref: str | None = None, doc_id: str | None = None) -> int:
        """Record an event of another component (handover, search …); ``detail`` is stored sealed.

        Inside :meth:`write_transaction` the entry commits with that transaction's changes.
        """
        with self.write_transaction():
            return self._audit.append(action, self.actor, ref=ref, doc_id=doc_id, detail=detail)

    def log(
        self, *, ref: str | None = None, action: str | None = None, since: str | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """Audit entries, oldest first (``limit`` keeps the newest N)."""
        if ref:
            wanted = parse_wanted(ref)
            ref = wanted.ref if wanted and wanted.ref else ref
        return self._audit.entries(ref=ref, action=action, since=since, limit=limit)

    # --- the extension surface for services (handover, search …) ---

    def sealer(self, purpose: str) -> Sealer:
        """A ``Sealer`` under a key derived from the master key for one service ``purpose``.

        The same purpose (e.g. ``"handover"``) gives the same key whenever this archive is
        opened; another purpose or another archive gives another key; the master key itself
        never leaves the archive. The archive's own purposes (``RESERVED_PURPOSES``: wrap, row,
        audit-detail, index …) are refused, so a service can neither read nor forge what the
        archive seals.
        """
        if not PURPOSE_PATTERN.fullmatch(purpose or "") or purpose in RESERVED_PURPOSES:
            raise ValueError(f"not a service key purpose: {purpose!r}")
        if not self._master:
            raise ArchiveError("档案库已关闭")
        return Sealer(derive_subkey(self._master, purpose))

    @contextlib.contextmanager
    def write_transaction(self) -> Iterator["sqlite3.Connection"]:
        """The catalog's write transaction, yielding its connection, for a service's own tables.

        Exclusive across processes (``BEGIN IMMEDIATE``), committed on a clean exit, rolled back
        on any error. :meth:`audit`, :meth:`query` and a nested ``write_transaction`` called
        inside it join it: an audit entry commits with the change it records, or not at all.
        Reading or exporting documents inside it is refused (their audit must commit first).
        """
        if self._writing:
            yield self._catalog.conn
            return
        with self._catalog.write() as conn:
            self._writing = True
            try:
                yield conn
            finally:
                self._writing = False

    def query(self, sql: str, params: Sequence[Any] = ()) -> list["sqlite3.Row"]:
        """The rows of one ``SELECT`` on the catalog; inside :meth:`write_transaction` it sees its changes."""
        if not sql.lstrip().upper().startswith("SELECT"):
            raise ValueError("query() runs one SELECT; change rows inside write_transaction()")
        return self._catalog.conn.execute(sql, tuple(params)).fetchall()

    def ensure_schema(self, sql: str) -> None:
        """Create a service's own tables and indexes in the catalog where they are missing.

        ``sql`` holds ``CREATE [UNIQUE] TABLE|INDEX IF NOT EXISTS`` statements only, separated by
        ``;`` (``--`` comments allowed, without ``;``). The archive's own tables and indexes, and
        indexes on its tables, are refused. The write lock is taken only when something is missing.
        """
        wanted: list[tuple[str, str, str]] = []  # (type, name, statement)
        for chunk in sql.split(";"):
            statement = re.sub(r"--[^\n]*", "", chunk).strip()
            if not statement:
                continue
            match = _SERVICE_DDL.match(statement)
            if match is None:
                raise ValueError(f"ensure_schema() takes CREATE … IF NOT EXISTS statements only: {statement[:60]!r}")
            kind, name, table = match.groups()
            if {name.lower(), (table or "").lower()} & _CATALOG_NAMES or name.lower().startswith("sqlite_"):
                raise ValueError(f"ensure_schema() cannot create or index the archive's own {name}")
            wanted.append((kind.lower(), name.lower(), statement))
        present = {(row["type"], row["name"].lower()) for row in self.query("SELECT type, name FROM sqlite_master")}
        if all((kind, name) in present for kind, name, _ in wanted):
            return
        with self.write_transaction() as conn:
            for _, _, statement in wanted:
                conn.execute(statement)

    def reopen_search_engine(self) -> "SearchEngine | None":
        """Close the search engine, forget why it failed to open, and open the index again.

        For the index's owner once it has wiped and recreated the index (``docgen index
        rebuild``); None, with the reason in ``engine_error``, if it still cannot open.
        """
        engine, self._engine, self._engine_error = self._engine, None, None
        if engine is not None:
            engine.close()
        return self._index_engine()

    # --- verify and disposition (in their own modules) ---

    def verify(self, full: bool = False, progress: Callable[[str, int, int], None] | None = None) -> "VerifyReport":
        """四性检测: authenticity, integrity, (with ``full``) usability, security. Never raises."""
        from .verify import run_verify

        return run_verify(self, full=full, progress=progress)

    def due(self, on: date | None = None) -> list[Entry]:
        """Current documents whose 保管期限 has run out on ``on`` (default today)."""
        from .disposition import due

        return due(self, on or date.today())

    def destroy(self, refs: Iterable[str], reason: str, *, by: str | None = None) -> DestructionResult:
        """Crypto-shred whole 件 (all versions), keep tombstones, archive a 销毁记录."""
        from .disposition import destroy

        return destroy(self, list(refs), reason, by=by or self.actor)

    def hold(self, ref: str, reason: str) -> None:
        """Put a legal hold on a 件: it cannot be destroyed until released."""
        from .disposition import hold

        hold(self, ref, reason)

    def release(self, ref: str) -> None:
        """Lift a legal hold."""
        from .disposition import release

        release(self, ref)

    # --- search index ---

    def index_docs(self) -> Iterator["IndexDoc"]:
        """Every current version as an ``IndexDoc`` (for ``docgen index rebuild``)."""
        rows = self._catalog.conn.execute(f"{ENTRY_SELECT} WHERE d.status = 'current' ORDER BY d.rowid").fetchall()
        for row in rows:
            yield self._index_doc(row)

    def rebuild_index(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the search index from the archive; returns how many documents it holds."""
        engine = self._index_engine()
        if engine is None:
            raise ArchiveError(f"搜索索引不可用：{self._engine_error}")
        # what is gone before the rebuild reads the catalog stays out of the new index; a version
        # destroyed or superseded while it runs may be in it, and stays owed to the index (sync_index)
        gone = [row[0] for row in self._catalog.conn.execute("SELECT doc_id FROM documents WHERE status != 'current'")]
        seen: list[str] = []

        def docs() -> Iterator["IndexDoc"]:
            for number, doc in enumerate(self.index_docs(), 1):
                seen.append(doc.doc_id)
                if progress:
                    progress(number)
                yield doc

        engine.rebuild(docs())
        with self._catalog.write():
            self._catalog.conn.executemany(
                "UPDATE documents SET indexed = 1 WHERE doc_id = ? AND status = 'current'", [(d,) for d in seen]
            )
            self._catalog.conn.executemany("UPDATE documents SET indexed = 1 WHERE doc_id = ?", [(d,) for d in gone])
            self._audit.append("index.rebuild", self.actor, detail={"documents": len(seen)})
        return len(seen)

    def sync_index(self) -> tuple[int, str | None]:
        """Bring the index up to date with rows it has not seen; (rows handled, warning)."""
        rows = self._catalog.conn.execute(f"{ENTRY_SELECT} WHERE d.indexed = 0").fetchall()
        if not rows:
            return 0, None
        current = [self._index_doc(r) for r in rows if r["status"] == "current"]
        gone = [r["doc_id"] for r in rows if r["status"] != "current"]
        # a crash may have left some of these in the index already: delete first, then add;
        # a destroyed document's postings must leave the index files too, not just be marked deleted
        purge = any(r["status"] == "destroyed" for r in rows)
        warning = self._apply_index(current, gone + [d.doc_id for d in current], [r["doc_id"] for r in rows], purge)
        return (0 if warning else len(rows)), warning

    def unindexed_count(self) -> int:
        return self._catalog.conn.execute("SELECT COUNT(*) FROM documents WHERE indexed = 0").fetchone()[0]

    def search_engine(self) -> "SearchEngine | None":
        """The search engine on this archive's index (opened on first use), or None if it cannot open.

        Why it could not open is in ``engine_error``.
        """
        return self._index_engine()

    @property
    def engine_error(self) -> str | None:
        return self._engine_error

    def _index_engine(self) -> "SearchEngine | None":
        if self._engine is None and self._engine_error is None:
            try:
                from index.engine import open_index

                self._engine = open_index(self.home.index, Sealer(self._keys.index))
            except Exception as error:  # the archive keeps working without its index
                self._engine_error = f"{type(error).__name__}: {error}"
        return self._engine

    def _apply_index(
        self, adds: list["IndexDoc"], deletes: list[str], mark: list[str], purge: bool = False
    ) -> str | None:
        """Tell the engine; mark rows indexed when it worked; a warning string when it did not."""
        engine = self._index_engine()
        if engine is None:
            return f"搜索索引未更新（{self._engine_error}）；稍后运行 docgen index rebuild"
        try:
            if deletes:
                engine.delete(deletes, purge=purge)
            if adds:
                engine.add(adds)
        except Exception as error:  # the document is safely archived; the index can be rebuilt
            return f"搜索索引未更新（{type(error).__name__}）；运行 docgen index rebuild"
        with self._catalog.write():
            self._catalog.conn.executemany("UPDATE documents SET indexed = 1 WHERE doc_id = ?", [(d,) for d in mark])
        return None

    def _index_doc_from(self, ctx: IngestContext) -> "IndexDoc":
        from index.api import IndexDoc

        meta = ctx.meta
        assert meta is not None and ctx.category is not None
        return IndexDoc(
            doc_id=ctx.doc_id,
            ref=ctx.ref,
            title=meta.title or Path(ctx.filename).stem,
            text=mask_id_numbers(ctx.text),
            category=ctx.category.code,
            year=ctx.year,
            date=ctx.when,
            project=meta.project,
            sensitivity=ctx.sensitivity,
            retention=ctx.retention,
            names=tuple(meta.parties),
        )

    def _index_doc(self, row: "sqlite3.Row") -> "IndexDoc":
        from index.api import IndexDoc

        key = None if row["wrapped"] is None else self._data_key(row)  # unwrapped once for meta and text
        fields = self._fields(row, key)
        return IndexDoc(
            doc_id=row["doc_id"],
            ref=row["ref"],
            title=fields.get("title") or "",
            text=mask_id_numbers(self._text(row, key)),
            category=row["category"],
            year=row["year"],
            date=date.fromisoformat(row["date"]),
            project=row["project"],
            sensitivity=row["sensitivity"],
            retention=row["retention"],
            names=tuple(fields.get("parties") or ()),
        )

    # --- keys ---

    def key_slots(self) -> list[SlotInfo]:
        """The key slots (id, created, KDF profile); the one used to open is marked ``in_use``."""
        return self._keyfile.infos(self._slot_id)

    def add_key(self, passphrase: str, *, kdf: str = DEFAULT_PROFILE) -> str:
        """Add a passphrase (a new key slot); returns its id."""
        return self._change_keys("key.add", lambda kf: kf.add_slot(self._master, passphrase, kdf))

    def remove_key(self, slot_id: str) -> None:
        """Remove a key slot; refuses the last one (``LastKeySlot``)."""
        self._change_keys("key.remove", lambda kf: kf.remove_slot(slot_id) or slot_id)

    def change_key(self, new_passphrase: str, *, kdf: str | None = None) -> str:
        """Replace the passphrase this archive was opened with; returns the new slot id."""
        old = self._slot_id
        profile = kdf or next(s.profile for s in self._keyfile.slots if s.id == old)

        def change(kf: KeyFile) -> str:
            new_id = kf.add_slot(self._master, new_passphrase, profile)
            kf.remove_slot(old)
            return new_id

        self._slot_id = self._change_keys("key.change", change)
        return self._slot_id

    def _change_keys(self, action: str, change: Callable[[KeyFile], str]) -> str:
        """Apply ``change`` to a fresh copy of the key file under the catalog's write lock."""
        with self._catalog.write():
            keyfile = KeyFile.load(self.home.keys)  # another process may have changed it
            slot_id = change(keyfile)
            self._audit.append(action, self.actor, detail={"slot": slot_id})
            keyfile.save(self.home.keys)  # saved last: a failure before leaves the old file
        self._keyfile = keyfile
        return slot_id

    # --- internals shared with ingest, verify and disposition ---

    def _resolve(self, text: str) -> "sqlite3.Row":
        """The row a user's reference names (with its wrapped key and hold flag)."""
        wanted = parse_wanted(text)
        if wanted is None:
            raise UnknownDocument(f"不是有效的档号或文件编号：{text}")
        if wanted.doc_id:
            row = self._catalog.conn.execute(f"{ENTRY_SELECT} WHERE d.doc_id = ?", (wanted.doc_id,)).fetchone()
        elif wanted.version:
            row = self._catalog.conn.execute(
                f"{ENTRY_SELECT} WHERE d.ref = ? AND d.version = ?", (wanted.ref, wanted.version)
            ).fetchone()
        else:  # the current version, or the newest if the 件 was destroyed
            row = self._catalog.conn.execute(
                f"{ENTRY_SELECT} WHERE d.ref = ? ORDER BY (d.status = 'current') DESC, d.version DESC LIMIT 1", (wanted.ref,)
            ).fetchone()
        if row is None:
            raise UnknownDocument(f"没有这份文件：{text}")
        return row

    def _readable(self, text: str) -> "sqlite3.Row":
        row = self._resolve(text)
        if row["status"] == "destroyed":
            raise Destroyed(f"{row['ref']} 已于 {row['destroyed_at']} 销毁")
        return row

    def _current_for_supersede(self, text: str) -> tuple["sqlite3.Row | None", Problem | None]:
        label = "取代的文件"
        try:
            row = self._resolve(text)
        except UnknownDocument as error:
            return None, Problem("supersedes", label, error.message, text)
        if row["status"] != "current":
            status = {"destroyed": "已销毁", "superseded": "已有更新的版本"}[row["status"]]
            return None, Problem("supersedes", label, f"{row['ref']} 第 {row['version']} 版{status}，只能取代现行版本", text)
        return row, None

    def _data_key(self, row: "sqlite3.Row") -> bytes:
        wrapped = row["wrapped"]
        if wrapped is None:
            raise Tampered(f"{row['ref']}: 缺少数据密钥；运行 docgen archive verify")
        try:
            return unseal(self._keys.wrap, as_blob(wrapped) or b"", dek_aad(row["doc_id"], row["version"]))
        except Unauthenticated:
            raise Tampered(f"{row['ref']}: 数据密钥未通过认证（被修改或调换）") from None

    def _fields(self, row: "sqlite3.Row", key: bytes | None = None) -> dict[str, Any]:
        if row["meta"] is None or row["wrapped"] is None:
            return {}
        try:
            sealed = as_blob(row["meta"]) or b""
            plain = unseal(key or self._data_key(row), sealed, field_aad(row["doc_id"], row["version"], "meta"))
        except Unauthenticated:
            raise Tampered(f"{row['ref']}: 文件信息未通过认证（被修改或调换）；运行 docgen archive verify") from None
        return json.loads(plain)

    def _plain_chunks(self, row: "sqlite3.Row") -> Iterator[bytes]:
        key = self._data_key(row)
        try:
            handle = self._blobs.open(row["blob"])
        except (FileNotFoundError, TypeError, ValueError):
            raise Tampered(f"{row['ref']}: 存储文件缺失；从备份恢复 blobs/ 或运行 docgen archive verify") from None
        with handle:
            try:
                yield from open_stream(key, handle, blob_aad(row["doc_id"], row["version"]))
            except Unauthenticated:
                raise Tampered(f"{row['ref']}: 存储文件未通过认证（被修改、截断或调换）") from None

    def _record(self, action: str, rows: "list[sqlite3.Row]", detail: dict[str, Any] | None = None) -> None:
        """Commit one ``action`` entry per row, in one transaction, before any of their plaintext leaves.

        Refused inside :meth:`write_transaction`: that transaction could still roll back, and the
        plaintext would have left unaudited.
        """
        if self._writing:
            raise RuntimeError(f"{action} inside write_transaction(): its audit entries must commit first")
        with self._catalog.write():
            for row in rows:
                self._audit.append(action, self.actor, ref=row["ref"], doc_id=row["doc_id"], detail=detail or {})

    def _entry(self, row: "sqlite3.Row") -> Entry:
        """The entry of a row read with ``ENTRY_SELECT`` (wrapped key and hold flag included)."""
        fields = self._fields(row)
        category = self.scheme.category(row["category"])
        return Entry(
            ref=row["ref"],
            doc_id=row["doc_id"],
            version=row["version"],
            status=row["status"],
            category=row["category"],
            category_name=category.name if category else "",
            doc_type=row["doc_type"],
            year=row["year"],
            retention=row["retention"],
            sensitivity=row["sensitivity"],
            project=row["project"],
            period=row["period"],
            date=date.fromisoformat(row["date"]),
            received=date.fromisoformat(row["received"]),
            size=row["size"],
            item_no=row["item_no"],
            added_at=row["added_at"],
            on_hold=bool(row["on_hold"]),
            supersedes=row["supersedes"],
            destroyed_at=row["destroyed_at"],
            title=fields.get("title"),
            doc_no=fields.get("doc_no"),
            responsible=fields.get("responsible"),
            notes=fields.get("notes"),
            parties=tuple(fields.get("parties") or ()),
            filename=fields.get("filename"),
            pages=fields.get("pages"),
            text_status=fields.get("text_status"),
        )


def _key_check(keys: _Keys, archive_id: str) -> str:
    return keyed_digest(keys.check, f"docgen/key-check|{archive_id}".encode()).hexdigest()


def _list_sql(query: ListQuery, scheme: Scheme) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []

    def where(clause: str, value: Any) -> None:
        clauses.append(clause)
        params.append(value)

    if query.status != "all":
        where("d.status = ?", query.status)
    if query.category:
        category = scheme.category(query.category)
        where("d.category = ?", category.code if category else query.category)
    for column in ("doc_type", "project", "year", "period", "sensitivity", "retention"):
        if getattr(query, column) is not None:
            where(f"d.{column} = ?", getattr(query, column))
    for column, lower, upper in (("date", query.date_from, query.date_to), ("received", query.received_from, query.received_to)):
        if lower:
            where(f"d.{column} >= ?", lower.isoformat())
        if upper:
            where(f"d.{column} <= ?", upper.isoformat())
    if query.on_hold is not None:
        clauses.append("h.ref IS NOT NULL" if query.on_hold else "h.ref IS NULL")
    sql = ENTRY_SELECT
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY d.year, d.problem_code, d.retention, d.item_no, d.version"
    if query.limit:
        sql += f" LIMIT {int(query.limit)} OFFSET {int(query.offset)}"
    elif query.offset:
        sql += f" LIMIT -1 OFFSET {int(query.offset)}"
    return sql, params


__all__ = ["RESERVED_PURPOSES", "Archive", "RecoveryReport"]
