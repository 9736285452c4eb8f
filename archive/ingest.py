"""The ingest pipeline: ordered, named stages over one shared context (paperless-ngx style).

    validate → classify → fingerprint → extract → encrypt → catalog → index

* **validate**: the metadata against the model and the filing scheme, all problems at once.
* **classify**: defaults from the scheme (保管期限, sensitivity), dates, the 件 a new version joins.
* **fingerprint**: the keyed digest of the bytes; the same bytes twice stop here as a duplicate.
* **extract**: text for search (``index.extract``); never fails an ingest.
* **encrypt**: a fresh data key, the bytes sealed chunk by chunk into ``tmp/`` (bounded memory).
* **catalog**: one transaction — duplicate re-check, 件号, blob moved into place, row, wrapped
  key, the audit entry. The audit entry is written here rather than in a stage of its own so
  that no document can ever exist without its ``add`` entry.
* **index**: the search engine learns of the new version (and forgets the one it replaces).
  A crash before this stage leaves the row marked un-indexed; the next bulk add, ``verify
  --repair`` or ``docgen index rebuild`` catches up.

A failure at any stage leaves nothing behind: the pending blob is removed in ``finally``.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterator

from docgen.errors import Problem
from index.extract import EXTRACTABLE_SUFFIXES, IMAGE_SUFFIXES, extract_text

from .blobs import PendingBlob
from .crypto import CHUNK_SIZE, digests_equal, keyed_digest, new_key, seal, seal_stream
from .errors import ArchiveError, ConcurrentChange, InvalidMeta
from .meta import LABELS, DocMeta, validate_meta
from .models import AddResult
from .refs import format_ref
from .scheme import Category

if TYPE_CHECKING:
    import sqlite3

    from index.api import IndexDoc

    from .store import Archive

EXTRACT_LIMIT = 64 * 1024 * 1024  # larger files are archived without text (memory stays bounded)


@dataclass
class IngestContext:
    """Everything the stages share about one document on its way in (its repr shows no key or content)."""

    source: Path | bytes = field(repr=False)
    raw_meta: DocMeta | dict[str, Any]
    filename: str
    supersedes: str | None = None
    defer_index: bool = False
    meta: DocMeta | None = None
    category: Category | None = None
    retention: str = ""
    sensitivity: str = ""
    when: date | None = None
    received: date | None = None
    year: int = 0
    previous: "sqlite3.Row | None" = None
    version: int = 1
    doc_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    content_mac: str = ""
    size: int = 0
    text: str = field(default="", repr=False)
    text_status: str = "unsupported"
    pages: int | None = None
    data_key: bytes = field(default=b"", repr=False)
    pending: PendingBlob | None = None
    sealed_sha256: str = ""
    ref: str = ""
    item_no: int = 0
    result: AddResult | None = None
    index_doc: "IndexDoc | None" = None
    warnings: list[str] = field(default_factory=list)


class Ingest:
    """Runs the stages for one document against an open archive."""

    STAGES: tuple[str, ...] = ("validate", "classify", "fingerprint", "extract", "encrypt", "catalog", "index")

    def __init__(self, archive: "Archive"):
        self.arc = archive

    def run(self, ctx: IngestContext) -> AddResult:
        try:
            for name in self.STAGES:
                getattr(self, f"stage_{name}")(ctx)
                if ctx.result is not None and ctx.result.duplicate:
                    break
        finally:
            if ctx.pending is not None:
                self.arc._blobs.discard(ctx.pending)
        assert ctx.result is not None
        return ctx.result

    # --- stages ---

    def stage_validate(self, ctx: IngestContext) -> None:
        problems: list[Problem] = []
        try:
            ctx.meta, warnings = validate_meta(ctx.raw_meta, self.arc.scheme)
        except InvalidMeta as error:
            problems.extend(error.problems)
            warnings = []
        if ctx.supersedes is not None:
            ctx.previous, problem = self.arc._current_for_supersede(ctx.supersedes)
            if problem:
                problems.append(problem)
        if isinstance(ctx.source, Path) and not ctx.source.is_file():
            problems.append(Problem("source", "文件", "不存在或不是文件", str(ctx.source)))
        if ctx.meta and ctx.previous is not None:
            problems.extend(_supersede_conflicts(ctx.meta, ctx.previous, self.arc))
        if any(p.severity == "error" for p in problems):
            raise InvalidMeta("文件信息有误", problems + warnings)
        ctx.warnings.extend(w.as_line() for w in warnings)

    def stage_classify(self, ctx: IngestContext) -> None:
        meta = ctx.meta
        assert meta is not None
        ctx.category = self.arc.scheme.category(meta.category)
        assert ctx.category is not None
        retention, sensitivity = ctx.category.defaults_for(meta.doc_type)
        ctx.retention = meta.retention or retention
        ctx.sensitivity = meta.sensitivity or sensitivity
        today = date.today()
        if meta.date is None:
            ctx.warnings.append(f"date（{LABELS['date']}）：未填，按今天 {today.isoformat()} 归档")
        ctx.when = meta.date or today
        ctx.received = meta.received or today
        ctx.year = ctx.when.year
        if ctx.previous is not None:  # a new version stays in its 件: same 档号, group and 保管期限
            ctx.retention = ctx.previous["retention"]
            ctx.year = ctx.previous["year"]
            ctx.version = self.arc._catalog.conn.execute(
                "SELECT MAX(version) + 1 FROM documents WHERE ref = ?", (ctx.previous["ref"],)
            ).fetchone()[0]

    def stage_fingerprint(self, ctx: IngestContext) -> None:
        digest = keyed_digest(self.arc._keys.blob_name)
        size = 0
        with _open_source(ctx.source) as src:
            for chunk in iter(lambda: src.read(CHUNK_SIZE), b""):
                digest.update(chunk)
                size += len(chunk)
        ctx.content_mac, ctx.size = digest.hexdigest(), size
        existing = self.arc._catalog.by_blob(ctx.content_mac)
        if existing is not None:
            ctx.result = _duplicate_result(existing, ctx)

    def stage_extract(self, ctx: IngestContext) -> None:
        suffix = Path(ctx.filename).suffix.lower()
        if suffix not in EXTRACTABLE_SUFFIXES:
            ctx.text_status = "image_only" if suffix in IMAGE_SUFFIXES else "unsupported"
            return
        if ctx.size > EXTRACT_LIMIT:
            ctx.text_status = "too_large"
            ctx.warnings.append(f"文件超过 {EXTRACT_LIMIT >> 20} MiB，未提取全文（已归档，可读取）")
            return
        data = ctx.source if isinstance(ctx.source, bytes) else ctx.source.read_bytes()
        extracted = extract_text(data, ctx.filename)
        ctx.text, ctx.text_status, ctx.pages = extracted.text, extracted.status, extracted.pages
        if extracted.status not in ("ok",):
            ctx.warnings.append(f"全文提取：{extracted.status} {extracted.detail}".rstrip())

    def stage_encrypt(self, ctx: IngestContext) -> None:
        ctx.data_key = new_key()
        ctx.pending = self.arc._blobs.new_pending()
        digest, sealed_digest = keyed_digest(self.arc._keys.blob_name), hashlib.sha256()
        with _open_source(ctx.source) as src:
            size = seal_stream(
                ctx.data_key,
                src,
                ctx.pending.handle,
                blob_aad(ctx.doc_id, ctx.version),
                on_plain=digest.update,
                on_sealed=sealed_digest.update,
            )
        self.arc._blobs.finish_writing(ctx.pending)
        if size != ctx.size or not digests_equal(digest.hexdigest(), ctx.content_mac):
            raise ArchiveError(f"{ctx.filename}: 文件在归档过程中被修改，未归档")
        ctx.sealed_sha256 = sealed_digest.hexdigest()

    def stage_catalog(self, ctx: IngestContext) -> None:
        arc, moved = self.arc, False
        try:
            with arc._catalog.write() as conn:
                existing = arc._catalog.by_blob(ctx.content_mac)
                if existing is not None:  # another process archived the same bytes meanwhile
                    ctx.result = _duplicate_result(existing, ctx)
                    return
                self._place(ctx)
                arc._blobs.commit(ctx.pending, ctx.content_mac)
                moved = True
                arc._catalog.insert_document(self._row(ctx))
                conn.execute(
                    "INSERT INTO doc_keys (doc_id, wrapped) VALUES (?, ?)",
                    (ctx.doc_id, seal(arc._keys.wrap, ctx.data_key, dek_aad(ctx.doc_id, ctx.version))),
                )
                if ctx.previous is not None:
                    arc._catalog.update_document(ctx.previous["doc_id"], status="superseded", indexed=0)
                arc._audit.append(
                    "supersede" if ctx.previous is not None else "add",
                    arc.actor,
                    ref=ctx.ref,
                    doc_id=ctx.doc_id,
                    detail={
                        "version": ctx.version,
                        "size": ctx.size,
                        "category": ctx.category.code if ctx.category else None,
                        "supersedes": ctx.previous["doc_id"] if ctx.previous is not None else None,
                    },
                )
        except BaseException:
            if moved:
                arc._blobs.remove(ctx.content_mac)
            raise
        ctx.result = AddResult(
            ctx.ref, ctx.doc_id, ctx.version, False, tuple(ctx.warnings), ctx.filename, ctx.size
        )

    def stage_index(self, ctx: IngestContext) -> None:
        deletes = [ctx.previous["doc_id"]] if ctx.previous is not None else []
        ctx.index_doc = self.arc._index_doc_from(ctx)
        if ctx.defer_index:
            return
        warning = self.arc._apply_index([ctx.index_doc], deletes, [ctx.doc_id, *deletes])
        if warning and ctx.result is not None:
            ctx.result = AddResult(**{**ctx.result.__dict__, "warnings": (*ctx.result.warnings, warning)})

    # --- helpers ---

    def _place(self, ctx: IngestContext) -> None:
        """The 档号 and 件号 (inside the write transaction, so numbers are gap-free across processes)."""
        arc, category = self.arc, ctx.category
        assert category is not None
        if ctx.previous is not None:
            latest = arc._catalog.versions(ctx.previous["ref"])[-1]
            if latest["doc_id"] != ctx.previous["doc_id"] or latest["status"] != "current":
                raise ConcurrentChange(f"{ctx.previous['ref']} 已被其他进程更新；请重试")
            ctx.ref, ctx.item_no = ctx.previous["ref"], ctx.previous["item_no"]
            return
        ctx.item_no = arc._catalog.next_item_no(arc.fonds, ctx.year, ctx.retention, category.problem_code)
        ctx.ref = format_ref(
            arc.fonds, arc.scheme.archive_category, ctx.year, ctx.retention, category.problem_code, ctx.item_no
        )

    def _row(self, ctx: IngestContext) -> dict[str, Any]:
        meta, category = ctx.meta, ctx.category
        assert meta is not None and category is not None and ctx.when and ctx.received
        fields = {
            "title": meta.title or Path(ctx.filename).stem,
            "doc_no": meta.doc_no,
            "responsible": meta.responsible,
            "notes": meta.notes,
            "parties": list(meta.parties),
            "filename": ctx.filename,
            "pages": meta.pages or ctx.pages,
            "text_status": ctx.text_status,
        }
        return {
            "doc_id": ctx.doc_id,
            "ref": ctx.ref,
            "version": ctx.version,
            "fonds": self.arc.fonds,
            "year": ctx.year,
            "retention": ctx.retention,
            "problem_code": category.problem_code,
            "item_no": ctx.item_no,
            "category": category.code,
            "doc_type": meta.doc_type,
            "project": meta.project,
            "period": meta.period,
            "date": ctx.when.isoformat(),
            "received": ctx.received.isoformat(),
            "sensitivity": ctx.sensitivity,
            "status": "current",
            "size": ctx.size,
            "blob": ctx.content_mac,
            "sealed_sha256": ctx.sealed_sha256,
            "meta": seal_field(ctx.data_key, ctx.doc_id, ctx.version, "meta", json.dumps(fields, ensure_ascii=False).encode()),
            "text": seal_field(ctx.data_key, ctx.doc_id, ctx.version, "text", zlib.compress(ctx.text.encode("utf-8"))),
            "added_at": _now(),
            "supersedes": ctx.previous["doc_id"] if ctx.previous is not None else None,
            "destroyed_at": None,
            "indexed": 0,
        }


# --- associated data: what binds each sealed piece to its document ---


def blob_aad(doc_id: str, version: int) -> bytes:
    return f"docgen/blob|{doc_id}|{version}".encode()


def dek_aad(doc_id: str, version: int) -> bytes:
    return f"docgen/dek|{doc_id}|{version}".encode()


def field_aad(doc_id: str, version: int, name: str) -> bytes:
    return f"docgen/field|{doc_id}|{version}|{name}".encode()


def seal_field(key: bytes, doc_id: str, version: int, name: str, data: bytes) -> bytes:
    return seal(key, data, field_aad(doc_id, version, name))


# --- small helpers ---


@contextmanager
def _open_source(source: Path | bytes) -> Iterator[BinaryIO]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    else:
        with open(source, "rb") as handle:
            yield handle


def _duplicate_result(existing: "sqlite3.Row", ctx: IngestContext) -> AddResult:
    ref = existing["ref"] if existing["status"] == "current" else f"{existing['ref']}@{existing['version']}"
    warning = f"内容与 {ref} 相同，未重复存储"
    return AddResult(ref, existing["doc_id"], existing["version"], True, (warning,), ctx.filename, ctx.size)


def _supersede_conflicts(meta: DocMeta, previous: "sqlite3.Row", arc: "Archive") -> list[Problem]:
    """A new version joins its 件: the category and 保管期限 in its 档号 cannot change."""
    problems: list[Problem] = []
    category = arc.scheme.category(meta.category)
    if category is not None and category.code != previous["category"]:
        problems.append(
            Problem("category", LABELS["category"], f"新版本须与 {previous['ref']} 同一类别（{previous['category']}）", meta.category)
        )
    if meta.retention and meta.retention != previous["retention"]:
        problems.append(
            Problem("retention", LABELS["retention"], f"新版本沿用 {previous['ref']} 的保管期限 {previous['retention']}", meta.retention)
        )
    return problems


def _now() -> str:
    from .audit import utc_now

    return utc_now()


ProgressCallback = Callable[[int, int, AddResult], None]
