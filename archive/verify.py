"""四性检测 (DA/T 70-2018): authenticity, integrity, usability, security — read like ``restic check``.

Phases run cheapest first and never stop early; every problem carries a hint for the repair.

* 真实性 authenticity: the catalog file is sound, every row matches its keyed MAC, the audit
  chain is unbroken, every row has the audit entry that added it (and vice versa), and the
  catalog is in the state the audit log describes: no row of a destroyed 件 alive again, the
  legal holds exactly those held and not released (a row put back from an old copy, or a hold
  deleted, is authentic on its own; the chained log is not).
* 完整性 integrity: every live row has its wrapped key and blob; every blob decrypts, is
  complete, matches its keyed digest and sealed-file hash; metadata and text decrypt;
  destroyed documents left nothing behind; 件号 gap-free; versions contiguous; the index
  is not behind (a warning).
* 可用性 usability (``full``): each document opens in its format (docx, pdf, xlsx, images, text).
* 安全性 security: every blob carries the sealed header; permissions are private; no unknown
  files; orphan blobs and stale temp files (left by a crash, only ciphertext) are warnings
  that ``verify --repair`` removes; key slots on the test KDF profile are warnings.

``VerifyReport.ok`` is False when any *error* was found; warnings do not fail the check.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
import zlib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from index.extract import EXTRACTABLE_SUFFIXES, IMAGE_SUFFIXES, TEXT_SUFFIXES

from .catalog import ENTRY_SELECT, as_blob
from .crypto import digests_equal, is_sealed_blob, keyed_digest, open_stream, sealed_blob_size, unseal
from .errors import ArchiveError, Unauthenticated
from .home import loose_mode
from .ingest import EXTRACT_LIMIT, blob_aad, field_aad

if TYPE_CHECKING:
    from .store import Archive

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class VerifyProblem:
    """One finding: what is wrong, where, and what to do about it."""

    phase: str
    code: str
    message: str
    hint: str
    ref: str | None = None
    severity: str = "error"  # "error" fails the check, "warning" does not


@dataclass
class PhaseResult:
    name: str
    label: str
    description: str
    checked: int = 0
    skipped: bool = False
    problems: list[VerifyProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


@dataclass
class VerifyReport:
    """The outcome of ``archive verify``."""

    phases: list[PhaseResult]
    full: bool
    documents: int
    audit_head: dict[str, Any]

    @property
    def problems(self) -> list[VerifyProblem]:
        return [p for phase in self.phases for p in phase.problems]

    @property
    def errors(self) -> list[VerifyProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[VerifyProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "full": self.full,
            "documents": self.documents,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "audit_head": self.audit_head,
            "phases": [
                {
                    "name": p.name,
                    "label": p.label,
                    "ok": p.ok,
                    "checked": p.checked,
                    "skipped": p.skipped,
                    "problems": [asdict(x) for x in p.problems],
                }
                for p in self.phases
            ],
        }


HINT_RESTORE_CATALOG = "从备份恢复 catalog.sqlite（该行在 docgen 之外被改动）"
HINT_RESTORE_BLOB = "从备份恢复该文件的 blobs/ 存储文件；若无备份，按规定销毁并重新归档原件"
HINT_REPAIR = "运行 docgen archive verify --repair 删除（只含密文，不计入档案）"


def run_verify(arc: "Archive", *, full: bool = False, progress: Progress | None = None) -> VerifyReport:
    """Run every phase against an open archive; never raises for what it finds."""
    conn = arc._catalog.conn
    with arc._catalog.snapshot():
        rows = conn.execute(f"{ENTRY_SELECT} ORDER BY d.rowid").fetchall()
        phases = [
            _guard(PhaseResult("authenticity", "真实性", "目录行签名、审计链、目录与审计对应"), _authenticity, arc, rows, progress),
            _guard(PhaseResult("integrity", "完整性", "密钥、存储文件、解密与摘要、件号连续"), _integrity, arc, rows, progress),
            _guard(PhaseResult("usability", "可用性", "按格式打开每份文件", skipped=not full), _usability, arc, rows, progress),
            _guard(PhaseResult("security", "安全性", "密封格式、权限、孤立与未知文件、密钥参数"), _security, arc, rows, progress),
        ]
        head = arc._audit.head()
    return VerifyReport(phases, full, sum(1 for r in rows if r["status"] != "destroyed"), head)


def _guard(phase: PhaseResult, check, arc: "Archive", rows, progress: Progress | None) -> PhaseResult:
    """Run one phase; an unexpected failure becomes a finding instead of a crash."""
    if phase.skipped:
        return phase
    try:
        check(phase, arc, rows, progress)
    except (sqlite3.DatabaseError, OSError, ArchiveError, ValueError) as error:
        phase.problems.append(
            VerifyProblem(phase.name, "phase-failed", f"检查中断：{type(error).__name__}: {error}", HINT_RESTORE_CATALOG)
        )
    return phase


def _add(phase: PhaseResult, code: str, message: str, hint: str, ref: str | None = None, severity: str = "error") -> None:
    phase.problems.append(VerifyProblem(phase.name, code, message, hint, ref, severity))


# --- 真实性 ---


def _authenticity(phase: PhaseResult, arc: "Archive", rows, progress: Progress | None) -> None:
    conn = arc._catalog.conn
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        _add(phase, "catalog-corrupt", f"目录库损坏：{result}", HINT_RESTORE_CATALOG)
    for row in rows:
        phase.checked += 1
        if not arc._catalog.row_is_authentic(row):
            _add(phase, "row-changed", "目录行与其签名不符（被改动）", HINT_RESTORE_CATALOG, row["ref"])
    entries, chain_problems = arc._audit.check()
    phase.checked += entries
    for problem in chain_problems:
        _add(phase, "audit-chain", f"审计日志第 {problem.seq} 条：{problem.message}", "从备份恢复 catalog.sqlite；审计日志不可修改")
    audited = {
        r["doc_id"]: r["ref"]
        for r in conn.execute("SELECT doc_id, ref FROM audit WHERE action IN ('add', 'supersede') AND doc_id IS NOT NULL")
    }
    present = {row["doc_id"] for row in rows}
    for row in rows:
        if row["doc_id"] not in audited:
            _add(phase, "unaudited-row", "目录中的文件没有对应的归档审计记录", HINT_RESTORE_CATALOG, row["ref"])
    for doc_id, ref in audited.items():
        if doc_id not in present:
            _add(phase, "row-missing", f"审计记录中的文件（{doc_id}）在目录中不存在（行被删除）", HINT_RESTORE_CATALOG, ref)
    _check_state_against_audit(phase, conn, rows)


def _check_state_against_audit(phase: PhaseResult, conn, rows) -> None:
    """Destroyed 件 and legal holds as the audit log records them, against the catalog."""
    destroyed = {r["ref"] for r in conn.execute("SELECT DISTINCT ref FROM audit WHERE action = 'destroy'")}
    for row in rows:
        if row["ref"] in destroyed and row["status"] != "destroyed":
            _add(phase, "audit-mismatch", f"审计日志记录此件已销毁，目录中第 {row['version']} 版却仍可读（目录被回滚）",
                 "查明目录为何被回滚，再运行 docgen archive destroy 销毁该件", row["ref"])
    held: set[str] = set()
    for entry in conn.execute("SELECT action, ref FROM audit WHERE action IN ('hold', 'release') ORDER BY seq"):
        (held.add if entry["action"] == "hold" else held.discard)(entry["ref"])
    present = {r["ref"] for r in conn.execute("SELECT ref FROM holds")}
    for ref in sorted(held - present):
        _add(phase, "hold-missing", "审计日志记录此件处于冻结，冻结记录却不在（被删除）",
             "查明冻结记录为何被删除，用 docgen archive hold 重新冻结", ref)
    for ref in sorted(present - held):
        _add(phase, "hold-unaudited", "冻结记录没有对应的审计记录（在 docgen 之外写入）", HINT_RESTORE_CATALOG, ref)


# --- 完整性 ---


def _integrity(phase: PhaseResult, arc: "Archive", rows, progress: Progress | None) -> None:
    live = [r for r in rows if r["status"] != "destroyed"]
    for number, row in enumerate(live, 1):
        phase.checked += 1
        _check_live_row(phase, arc, row)
        if progress:
            progress("integrity", number, len(live))
    for row in rows:
        if row["status"] == "destroyed":
            _check_tombstone(phase, arc, row)
    stray_keys = arc._catalog.conn.execute(
        "SELECT doc_id FROM doc_keys WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
    ).fetchall()
    for key in stray_keys:
        _add(phase, "stray-key", f"数据密钥 {key['doc_id']} 没有对应的文件", HINT_RESTORE_CATALOG)
    _check_numbering(phase, rows)
    behind = sum(1 for r in rows if not r["indexed"])
    if behind:
        _add(phase, "index-behind", f"搜索索引落后 {behind} 个文件版本", "运行 docgen index rebuild", severity="warning")


def _check_live_row(phase: PhaseResult, arc: "Archive", row) -> None:
    ref = row["ref"]
    if row["wrapped"] is None:
        _add(phase, "key-missing", "缺少数据密钥，文件无法解密", HINT_RESTORE_CATALOG, ref)
        return
    try:
        key = arc._data_key(row)
    except ArchiveError:
        _add(phase, "key-invalid", "数据密钥未通过认证（被改动或调换）", HINT_RESTORE_CATALOG, ref)
        return
    for name in ("meta", "text"):
        try:
            plain = unseal(key, as_blob(row[name]) or b"", field_aad(row["doc_id"], row["version"], name))
            if name == "text":
                zlib.decompress(plain)
        except (Unauthenticated, zlib.error):
            _add(phase, f"{name}-invalid", f"加密的{'文件信息' if name == 'meta' else '全文'}未通过认证", HINT_RESTORE_CATALOG, ref)
    if not row["blob"]:
        _add(phase, "blob-missing", "目录行没有存储文件名", HINT_RESTORE_CATALOG, ref)
        return
    path = arc._blobs.path(row["blob"])
    if not path.is_file():
        _add(phase, "blob-missing", f"存储文件缺失：blobs/{row['blob'][:2]}/{row['blob'][:12]}…", HINT_RESTORE_BLOB, ref)
        return
    if path.stat().st_size != sealed_blob_size(row["size"]):
        _add(phase, "blob-size", "存储文件大小不符（被截断或替换）", HINT_RESTORE_BLOB, ref)
    _check_blob_content(phase, arc, row, key, path)


def _check_blob_content(phase: PhaseResult, arc: "Archive", row, key: bytes, path: Path) -> None:
    ref = row["ref"]
    content, sealed = keyed_digest(arc._keys.blob_name), hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as raw:
            for chunk in open_stream(key, _Tee(raw, sealed.update), blob_aad(row["doc_id"], row["version"])):
                content.update(chunk)
                size += len(chunk)
    except Unauthenticated:
        _add(phase, "blob-unauthenticated", "存储文件解密失败（被改动、截断或与其他文件调换）", HINT_RESTORE_BLOB, ref)
        return
    if size != row["size"] or not digests_equal(content.hexdigest(), row["blob"]):
        _add(phase, "digest-mismatch", "解密后的内容与目录中的摘要不符", HINT_RESTORE_BLOB, ref)
    if not digests_equal(sealed.hexdigest(), row["sealed_sha256"] or ""):
        _add(phase, "sealed-digest-mismatch", "存储文件的 SHA-256 与目录不符", HINT_RESTORE_BLOB, ref)


class _Tee(io.RawIOBase):
    """A reader that shows every byte it reads to an observer (for the sealed-file hash)."""

    def __init__(self, raw, observer):
        self._raw, self._observer = raw, observer

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._observer(data)
        return data


def _check_tombstone(phase: PhaseResult, arc: "Archive", row) -> None:
    ref = f"{row['ref']}@{row['version']}"
    if row["wrapped"] is not None:
        _add(phase, "shred-incomplete", "已销毁文件的数据密钥仍在", "重新运行 docgen archive destroy 以完成密钥销毁", ref)
    if row["meta"] is not None or row["text"] is not None or row["blob"] is not None:
        _add(phase, "shred-incomplete", "已销毁文件仍留有加密内容", "重新运行 docgen archive destroy 以完成销毁", ref)


def _check_numbering(phase: PhaseResult, rows) -> None:
    groups: dict[tuple, set[int]] = defaultdict(set)
    versions: dict[str, list] = defaultdict(list)
    for row in rows:
        groups[(row["fonds"], row["year"], row["retention"], row["problem_code"])].add(row["item_no"])
        versions[row["ref"]].append(row)
    for (fonds, year, retention, problem), numbers in sorted(groups.items()):
        missing = sorted(set(range(1, max(numbers) + 1)) - numbers)
        if missing:
            shown = "、".join(f"{n:04d}" for n in missing[:10]) + ("…" if len(missing) > 10 else "")
            _add(phase, "item-gap", f"{fonds}-{year}-{retention}-{problem} 组件号缺号：{shown}", HINT_RESTORE_CATALOG)
    for ref, items in versions.items():
        numbers = sorted(r["version"] for r in items)
        if numbers != list(range(1, len(numbers) + 1)):
            _add(phase, "version-gap", f"版本号不连续：{numbers}", HINT_RESTORE_CATALOG, ref)
        current = [r for r in items if r["status"] == "current"]
        if len(current) > 1 or (not current and any(r["status"] == "superseded" for r in items)):
            _add(phase, "version-state", f"现行版本数为 {len(current)}（应为 1）", HINT_RESTORE_CATALOG, ref)


# --- 可用性 ---

_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".bmp": (b"BM",),
    ".tif": (b"II*\x00", b"MM\x00*"),
    ".tiff": (b"II*\x00", b"MM\x00*"),
}


def _usability(phase: PhaseResult, arc: "Archive", rows, progress: Progress | None) -> None:
    live = [r for r in rows if r["status"] != "destroyed" and r["wrapped"] is not None]
    unchecked = 0
    for number, row in enumerate(live, 1):
        if progress:
            progress("usability", number, len(live))
        try:
            suffix = Path(arc._fields(row).get("filename") or "").suffix.lower()
        except ArchiveError:
            continue  # reported by integrity
        if suffix not in EXTRACTABLE_SUFFIXES | IMAGE_SUFFIXES or row["size"] > EXTRACT_LIMIT:
            unchecked += 1
            continue
        try:
            data = b"".join(arc._plain_chunks(row))
        except ArchiveError:
            continue  # reported by integrity
        phase.checked += 1
        failure = opens_in_format(data, suffix)
        if failure:
            _add(phase, "unusable", f"无法按 {suffix} 格式打开：{failure}", "取得原件的可用版本，以 --supersedes 归档新版本", row["ref"])
    if unchecked:
        _add(phase, "format-unchecked", f"{unchecked} 个文件的格式无法检测（未知类型或过大）", "无需处理", severity="warning")


def opens_in_format(data: bytes, suffix: str) -> str | None:
    """None if ``data`` opens as a ``suffix`` file, else why not."""
    try:
        if suffix == ".docx":
            import docx

            docx.Document(io.BytesIO(data))
        elif suffix == ".pdf":
            from pypdf import PdfReader

            if len(PdfReader(io.BytesIO(data)).pages) < 1:
                return "没有页面"
        elif suffix == ".xlsx":
            from openpyxl import load_workbook

            load_workbook(io.BytesIO(data), read_only=True).close()
        elif suffix == ".webp":
            if not (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
                return "文件头不是 WEBP"
        elif suffix in _MAGIC:
            if not data.startswith(_MAGIC[suffix]):
                return f"文件头不是 {suffix[1:].upper()}"
        elif suffix in TEXT_SUFFIXES:
            _decode_strict(data)
    except Exception as error:  # any parser failure means "does not open"
        return f"{type(error).__name__}"
    return None


def _decode_strict(data: bytes) -> str:
    """Text as the extractor reads it (UTF-16 with BOM, UTF-8, GB18030), but without replacement characters."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


# --- 安全性 ---


def _security(phase: PhaseResult, arc: "Archive", rows, progress: Progress | None) -> None:
    home = arc.home
    known = home.known_top_level()
    for item in sorted(home.root.iterdir()):
        if item.name not in known:
            _add(phase, "unknown-file", f"数据目录中有未知文件：{item.name}", "确认来源后移出数据目录（档案库不认识它）")
    for item in arc._blobs.stray_paths():
        _add(phase, "unknown-file", f"blobs/ 中有未知文件：{item.relative_to(home.root)}", "确认来源后移出数据目录")
    referenced = {r["blob"] for r in rows if r["blob"]}
    for name in arc._blobs.names():
        phase.checked += 1
        with open(arc._blobs.path(name), "rb") as handle:
            if not is_sealed_blob(handle.read(16)):
                _add(phase, "not-sealed", f"存储文件没有密封格式头：blobs/{name[:2]}/{name[:12]}…", HINT_RESTORE_BLOB)
        if name not in referenced:
            _add(phase, "orphan-blob", f"孤立的存储文件（中断的归档留下）：blobs/{name[:2]}/{name[:12]}…", HINT_REPAIR, severity="warning")
    for item in arc._blobs.stale_pending():
        _add(phase, "stale-temp", f"中断的归档留下的临时文件：tmp/{item.name}", HINT_REPAIR, severity="warning")
    _check_permissions(phase, home.root, home.index)
    for slot in arc._keyfile.slots:
        if slot.profile == "test":
            _add(
                phase, "weak-kdf", f"密钥槽 {slot.id} 使用测试用的低强度口令派生参数",
                "运行 docgen archive key change 换用 interactive 参数", severity="warning",
            )  # fmt: skip


def _check_permissions(phase: PhaseResult, root: Path, index_dir: Path) -> None:
    for item in [root, *sorted(root.rglob("*"))]:
        try:
            mode = loose_mode(item)
        except FileNotFoundError:
            continue  # removed while we walked (e.g. a WAL after checkpoint)
        if mode is None:
            continue
        inside_index = item == index_dir or index_dir in item.parents
        _add(
            phase, "permissions", f"权限过宽 {mode}：{item.relative_to(root.parent)}",
            "chmod 700（目录）/ 600（文件）", severity="warning" if inside_index else "error",
        )  # fmt: skip
