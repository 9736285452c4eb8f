"""Disposition: what is due for destruction, destroying it (crypto-shredding), legal holds.

* ``due``: a document's 保管期限 runs from the end of its 年度 — D10 expires on 1 January
  of year + 11, D30 of year + 31; Y never expires.
* ``destroy``: whole 件 (every version). Everything is checked first (unknown, already
  destroyed, on hold → nothing changes). The 销毁记录 is rendered before anything is touched
  (a failure there changes nothing). Then, in one transaction, each version's wrapped data
  key is deleted (SQLite ``secure_delete`` overwrites the page), its sealed metadata and text
  are dropped, the row becomes a tombstone (档号, dates, sizes, status destroyed — its 件号
  is never reused) and a ``destroy`` audit entry is chained. After the commit the blob files
  are removed and the WAL is checkpointed; the record is then archived like any document.
* ``hold`` / ``release``: a legal hold (冻结) on a 件 blocks its destruction.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from docgen.errors import Problem

from .audit import utc_now
from .catalog import ENTRY_SELECT
from .crypto import Sealer
from .errors import ArchiveError, ConcurrentChange, DestroyFailed, Destroyed, InvalidMeta, OnHold, UnknownDocument
from docgen.cn import mask_id_numbers
from .meta import DocMeta
from .models import DestructionResult, Entry

if TYPE_CHECKING:
    import sqlite3

    from .store import Archive

RECORD_CATEGORY = "15"
RECORD_TYPE = "销毁记录"
METHOD = "加密擦除：删除每个文件版本的数据密钥，并删除其加密存储文件"
STATEMENT = (
    "上述文件的数据密钥已删除，加密的文件内容、题名等信息已无法恢复；存储文件已删除。"
    "目录中保留档号、日期、保管期限、大小和销毁时间作为记录，件号不再使用。"
)


class NotOnHold(ArchiveError):
    """``release`` was asked for a 件 that has no legal hold."""

    exit_code = 2


def expiry(year: int, retention: str, years: int | None) -> date | None:
    """The first day a document of ``year`` with this 保管期限 is due (None for Y)."""
    if retention == "Y" or years is None:
        return None
    return date(year + years + 1, 1, 1)


def due(arc: "Archive", on: date) -> list[Entry]:
    """Current documents whose 保管期限 has run out on ``on``, in 档号 order."""
    rows = arc._catalog.conn.execute(
        f"{ENTRY_SELECT} WHERE d.status = 'current' AND d.retention != 'Y'"
        " ORDER BY d.year, d.problem_code, d.retention, d.item_no"
    ).fetchall()
    result = []
    for row in rows:
        until = expiry(row["year"], row["retention"], arc.scheme.retention_years(row["retention"]))
        if until is not None and until <= on:
            result.append(arc._entry(row))
    return result


def destroy(arc: "Archive", refs: list[str], reason: str, *, by: str) -> DestructionResult:
    """Crypto-shred the 件 named by ``refs``; see the module docstring for the order of events."""
    reason = (reason or "").strip()
    targets = _check_targets(arc, refs, reason)
    when = date.today()
    record = render_record(arc, targets, reason, by, when)
    at = utc_now()
    blobs: list[str] = []
    doc_ids: list[str] = []
    with arc._catalog.write():
        _recheck_under_lock(arc, targets)
        for ref, versions in targets.items():
            for row in versions:
                arc._catalog.conn.execute("DELETE FROM doc_keys WHERE doc_id = ?", (row["doc_id"],))
                arc._catalog.update_document(
                    row["doc_id"], status="destroyed", blob=None, meta=None, text=None, destroyed_at=at, indexed=0
                )
                if row["blob"]:
                    blobs.append(row["blob"])
                doc_ids.append(row["doc_id"])
            arc._audit.append(
                "destroy", arc.actor, ref=ref, detail={"reason": reason, "by": by, "versions": len(versions)}
            )
    for name in blobs:
        arc._blobs.remove(name)
    warnings = []
    if not arc._catalog.checkpoint():
        warnings.append("WAL 未能立即合并（有其他进程在读）；已删除的密钥页将在下次合并时覆盖")
    _, index_warning = arc.sync_index()
    if index_warning:
        warnings.append(index_warning)
    added = arc.add(
        record,
        DocMeta(
            category=RECORD_CATEGORY,
            doc_type=RECORD_TYPE,
            title=f"档案销毁记录（{len(targets)} 件）",
            date=when,
            received=when,
            responsible=by,
            notes=f"销毁：{'、'.join(targets)}；原因：{reason}",
        ),
        filename=f"销毁记录-{at[:19].replace(':', '')}.docx",
    )
    return DestructionResult(list(targets), doc_ids, reason, by, at, added.ref, warnings + list(added.warnings))


def _check_targets(arc: "Archive", refs: list[str], reason: str) -> dict[str, list["sqlite3.Row"]]:
    """Every 件 to destroy with all its versions; every problem reported at once, nothing changed."""
    problems: list[Problem] = []
    if not reason:
        problems.append(Problem("reason", "销毁原因", "必填"))
    if not refs:
        problems.append(Problem("refs", "档号", "至少给出一个档号"))
    targets: dict[str, list] = {}
    for text in refs:
        try:
            row = arc._resolve(text)
        except UnknownDocument as error:
            problems.append(Problem(text, "档号", error.message))
            continue
        if row["status"] == "destroyed":
            problems.append(Problem(text, "档号", f"已于 {row['destroyed_at']} 销毁"))
        elif row["on_hold"]:
            problems.append(Problem(text, "档号", "处于冻结（法律保全）状态，不能销毁；先 docgen archive release"))
        else:
            targets[row["ref"]] = arc._catalog.versions(row["ref"])
    if problems:
        error_class = InvalidMeta if not reason or not refs else DestroyFailed
        raise error_class("未销毁任何文件", problems)
    return targets


def _recheck_under_lock(arc: "Archive", targets: dict[str, list]) -> None:
    """Another process may have held, destroyed or added a version to a target since the first check."""
    for ref, checked in targets.items():
        if arc._catalog.conn.execute("SELECT 1 FROM holds WHERE ref = ?", (ref,)).fetchone():
            raise OnHold(f"{ref} 刚被冻结（法律保全），未销毁任何文件")
        versions = arc._catalog.versions(ref)
        if any(r["status"] == "destroyed" for r in versions):
            raise Destroyed(f"{ref} 已被其他进程销毁，未销毁任何文件")
        if [r["doc_id"] for r in versions] != [r["doc_id"] for r in checked]:
            raise ConcurrentChange(f"{ref} 刚有新版本归档，未销毁任何文件；请重试")


def render_record(arc: "Archive", targets: dict[str, list], reason: str, by: str, when: date) -> bytes:
    """The 销毁记录 .docx, from ``templates/destruction-record/template.docx``."""
    from docgen.kinds.base import templates_dir
    from docgen.render import render_docx

    items = []
    for number, (ref, versions) in enumerate(targets.items(), 1):
        current = next((r for r in versions if r["status"] == "current"), versions[-1])
        entry = arc.entry(current["doc_id"])
        items.append(
            {
                "no": number,
                "ref": ref,
                "title": mask_id_numbers(entry.title or ""),
                "date": entry.date,
                "retention": arc.scheme.retention[entry.retention].name,  # type: ignore[index]
                "versions": len(versions),
            }
        )
    context = {
        "fonds": arc.fonds,
        "destroyed_on": when,
        "by": by,
        "count": len(items),
        "versions": sum(i["versions"] for i in items),
        "reason": reason,
        "method": METHOD,
        "items": items,
        "statement": STATEMENT,
    }
    return render_docx(templates_dir() / "destruction-record" / "template.docx", context)


def hold(arc: "Archive", ref: str, reason: str) -> None:
    """Put a legal hold on the 件 ``ref`` names; the reason is stored sealed."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidMeta("未冻结", [Problem("reason", "冻结原因", "必填")])
    row = arc._resolve(ref)
    if row["status"] == "destroyed":
        raise Destroyed(f"{row['ref']} 已销毁，无需冻结")
    sealed = Sealer(arc._keys.audit_detail).seal(reason.encode(), _hold_aad(row["ref"]))
    with arc._catalog.write():
        arc._catalog.conn.execute(
            "INSERT OR REPLACE INTO holds (ref, since, actor, reason) VALUES (?, ?, ?, ?)",
            (row["ref"], utc_now(), arc.actor, sealed),
        )
        arc._audit.append("hold", arc.actor, ref=row["ref"], detail={"reason": reason})


def release(arc: "Archive", ref: str) -> None:
    """Lift the legal hold on the 件 ``ref`` names."""
    row = arc._resolve(ref)
    with arc._catalog.write():
        gone = arc._catalog.conn.execute("DELETE FROM holds WHERE ref = ?", (row["ref"],)).rowcount
        if not gone:
            raise NotOnHold(f"{row['ref']} 没有被冻结")
        arc._audit.append("release", arc.actor, ref=row["ref"])


def hold_reason(arc: "Archive", ref: str) -> str | None:
    """The decrypted reason of a hold, or None when the 件 is not held."""
    row = arc._catalog.conn.execute("SELECT reason FROM holds WHERE ref = ?", (ref,)).fetchone()
    if row is None:
        return None
    return Sealer(arc._keys.audit_detail).unseal(bytes(row["reason"]), _hold_aad(ref)).decode()


def _hold_aad(ref: str) -> bytes:
    return f"docgen/hold|{ref}".encode()
