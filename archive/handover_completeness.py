"""Completeness and timeliness of a package: what was owed, what arrived, when (pure functions).

Given what a package owes (``handover_duties.expected_items``) and the project's archived
documents, each owed item is

* ``present``  (按时) — a matching document was received on or before its due date;
* ``late``     (迟交) — the first matching document arrived after the due date;
* ``missing``  (缺失) — nothing matches and the due date has passed (``as_of`` > due);
* ``not_due``  (未到期) — nothing matches yet and the due date is today or later.

"Today" is ``as_of`` (default: the real today); documents received after it are not seen.

A document matches a periodic duty when its category, document type and period key
(``2024-W06``, ``2023-09`` …) are the duty's; a daily duty when its 文件日期 is the day; a fault
duty when its 文号 or 题名 carries the fault's reference, or, for faults registered without
one, in date order (the earliest unclaimed report dated on or after the day it was cleared).
Several documents for one item: the earliest received decides timeliness, all go in the package.

Documents of the project that fall in the package period (by their period, else their 文件日期)
and fit no duty are listed apart as *other documents*: they go in the package too.

Scoring follows seed 003 附件4 文档管理: 0.5 分 per missing item (文档完整性) and 0.5 分 per late
item (文档及时性). A check fails (exit 1) when anything is missing; lateness alone is reported
with its deduction and does not fail the check unless asked (``strict``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Iterable, Literal, Sequence

from docgen import cn

from .handover_duties import (
    DEDUCTION_PER_ITEM,
    Duty,
    Expected,
    Fault,
    PackagePeriod,
    anchor_date,
    expected_items,
    parse_period,
)

Status = Literal["present", "late", "missing", "not_due"]
STATUS_NAMES: dict[str, str] = {"present": "按时", "late": "迟交", "missing": "缺失", "not_due": "未到期"}
VERY_SENSITIVE = "非常敏感"


@dataclass(frozen=True)
class ArchivedDoc:
    """What completeness and packaging need to know of one archived document (decrypted metadata)."""

    ref: str  # 档号
    category: str
    title: str
    doc_type: str | None = None
    period: str | None = None
    date: date | None = None  # 文件日期
    received: date | None = None  # 收文/提交日期
    doc_no: str | None = None  # 文号
    responsible: str | None = None  # 责任者
    sensitivity: str = "最小敏感性"
    retention: str = "D10"
    pages: int | None = None
    notes: str | None = None
    filename: str | None = None  # the original file name, for its extension
    size: int | None = None
    doc_id: str | None = None  # the archive's id of this version

    @property
    def very_sensitive(self) -> bool:
        return self.sensitivity == VERY_SENSITIVE

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


@dataclass
class ItemResult:
    """One owed item and what was found for it."""

    expected: Expected
    status: Status
    docs: list[ArchivedDoc] = field(default_factory=list)  # matching documents, first received first

    @property
    def received(self) -> date | None:
        return self.docs[0].received if self.docs else None

    @property
    def days_late(self) -> int:
        """Calendar days between the due date and the (late) receipt, else 0."""
        return (self.received - self.expected.due).days if self.status == "late" and self.received else 0

    @property
    def working_days_late(self) -> int:
        """Working days after the due date up to and including the receipt day, else 0."""
        if self.status != "late" or not self.received:
            return 0
        return cn.working_days_between(cn.next_workday(self.expected.due), self.received)

    @property
    def deduction(self) -> Decimal:
        return DEDUCTION_PER_ITEM if self.status in ("late", "missing") else Decimal("0")

    def note(self) -> str:
        """A short Chinese remark: 迟交 3 天（应交 2023-10-09） …"""
        due = self.expected.due.isoformat()
        if self.status == "late":
            return f"迟交 {self.days_late} 天（应交 {due}，实交 {self.received}）"
        if self.status == "missing":
            return f"缺失（应交 {due}）"
        if self.status == "not_due":
            return f"未到期（应交 {due}）"
        return f"按时（应交 {due}，实交 {self.received}）"

    def to_dict(self) -> dict:
        e = self.expected
        return {
            "duty": e.duty.name,
            "category": e.duty.category,
            "doc_type": e.duty.doc_type,
            "cadence": e.duty.cadence,
            "period": e.period.key if e.period else None,
            "label": e.label,
            "fault": None if e.fault is None else {"id": e.fault.id, "cleared": e.fault.cleared, "ref": e.fault.ref},
            "due": e.due,
            "status": self.status,
            "status_name": STATUS_NAMES[self.status],
            "received": self.received,
            "days_late": self.days_late,
            "working_days_late": self.working_days_late,
            "deduction": self.deduction,
            "refs": [d.ref for d in self.docs],
        }


@dataclass
class CompletenessReport:
    """The result of checking one project's package period."""

    project: str
    package: PackagePeriod
    as_of: date
    items: list[ItemResult]
    others: list[ArchivedDoc]  # documents of the period that fit no duty
    strict: bool = False

    def count(self, status: Status) -> int:
        return sum(1 for item in self.items if item.status == status)

    @property
    def completeness_deduction(self) -> Decimal:
        return DEDUCTION_PER_ITEM * self.count("missing")

    @property
    def timeliness_deduction(self) -> Decimal:
        return DEDUCTION_PER_ITEM * self.count("late")

    @property
    def ok(self) -> bool:
        """True when nothing is missing (and, when strict, nothing is late)."""
        return not self.count("missing") and not (self.strict and self.count("late"))

    @property
    def documents(self) -> list[ArchivedDoc]:
        """Every document the package carries (matched, then other), each once, in 档号 order."""
        seen: dict[str, ArchivedDoc] = {}
        for item in self.items:
            for doc in item.docs:
                seen.setdefault(doc.ref, doc)
        for doc in self.others:
            seen.setdefault(doc.ref, doc)
        return sorted(seen.values(), key=lambda d: d.ref)

    def item_for(self, ref: str) -> ItemResult | None:
        """The owed item a document was matched to, if any."""
        return next((item for item in self.items if any(d.ref == ref for d in item.docs)), None)

    def summary(self) -> dict:
        return {
            "expected": len(self.items),
            "present": self.count("present"),
            "late": self.count("late"),
            "missing": self.count("missing"),
            "not_due": self.count("not_due"),
            "other_documents": len(self.others),
            "completeness_deduction": self.completeness_deduction,
            "timeliness_deduction": self.timeliness_deduction,
            "total_deduction": self.completeness_deduction + self.timeliness_deduction,
            "ok": self.ok,
        }

    def to_dict(self) -> dict:
        return {
            "project": self.project,
            "period": {"kind": self.package.kind, "key": self.package.key, "start": self.package.start,
                       "end": self.package.end, "label": self.package.label},
            "as_of": self.as_of,
            "summary": self.summary(),
            "items": [item.to_dict() for item in self.items],
            "other_documents": [_other_dict(doc) for doc in self.others],
        }


def _other_dict(doc: ArchivedDoc) -> dict:
    return {"ref": doc.ref, "category": doc.category, "doc_type": doc.doc_type, "period": doc.period,
            "date": doc.date, "received": doc.received, "title": doc.title, "sensitivity": doc.sensitivity}


# ───────────────────────────── matching ─────────────────────────────


def _first_received(docs: Iterable[ArchivedDoc]) -> list[ArchivedDoc]:
    return sorted(docs, key=lambda d: (d.received or date.max, d.ref))


def _same_type(doc: ArchivedDoc, duty: Duty) -> bool:
    return doc.category == duty.category and doc.doc_type == duty.doc_type


def _matches_period(doc: ArchivedDoc, expected: Expected) -> bool:
    if not _same_type(doc, expected.duty) or expected.period is None:
        return False
    if expected.duty.cadence == "workday":
        return doc.date == expected.period.start
    return doc.period == expected.period.key


def _carries_ref(doc: ArchivedDoc, ref: str) -> bool:
    return doc.doc_no == ref or ref in (doc.title or "")


def _match_faults(items: list[Expected], docs: Sequence[ArchivedDoc]) -> dict[str, list[ArchivedDoc]]:
    """Fault reports to faults: by reference first, then unreferenced faults in date order."""
    found: dict[str, list[ArchivedDoc]] = {}
    claimed: set[str] = set()
    fault_items = [e for e in items if e.fault is not None]
    for item in fault_items:
        if item.fault.ref:  # type: ignore[union-attr]
            mine = [d for d in docs if _same_type(d, item.duty) and _carries_ref(d, item.fault.ref)]  # type: ignore[union-attr]
            found[item.key] = _first_received(mine)
            claimed.update(d.ref for d in mine)
    referenced = {e.fault.ref for e in fault_items if e.fault and e.fault.ref}
    for item in sorted((e for e in fault_items if not e.fault.ref), key=lambda e: e.fault.cleared):  # type: ignore[union-attr]
        candidates = [
            d for d in _first_received(docs)
            if _same_type(d, item.duty) and d.ref not in claimed
            and not any(_carries_ref(d, r) for r in referenced)
            and (d.date or d.received or date.min) >= item.fault.cleared  # type: ignore[union-attr]
        ]
        found[item.key] = candidates[:1]
        claimed.update(d.ref for d in candidates[:1])
    return found


def _status(expected: Expected, docs: list[ArchivedDoc], as_of: date) -> Status:
    if docs:
        received = docs[0].received
        return "late" if received is not None and received > expected.due else "present"
    return "missing" if as_of > expected.due else "not_due"


def in_package_period(doc: ArchivedDoc, package: PackagePeriod) -> bool:
    """Whether a document belongs to the package period: by its period's anchor day, else its date."""
    period = parse_period(doc.period) if doc.period else None
    if period is not None:
        return package.contains(anchor_date(period))
    day = doc.date or doc.received
    return day is not None and package.contains(day)


def check_completeness(
    project: str,
    duties: Sequence[Duty],
    package: PackagePeriod,
    docs: Sequence[ArchivedDoc],
    *,
    as_of: date,
    service_start: date | None = None,
    service_end: date | None = None,
    faults: Iterable[Fault] = (),
    strict: bool = False,
) -> CompletenessReport:
    """Match the project's archived documents ``docs`` against what the package owes.

    Only documents received on or before ``as_of`` count: the check reads as it stood that day.
    """
    docs = [d for d in docs if d.received is None or d.received <= as_of]
    expected = expected_items(duties, package, service_start, service_end, faults)
    fault_docs = _match_faults(expected, docs)
    results: list[ItemResult] = []
    for item in expected:
        mine = fault_docs.get(item.key, []) if item.fault else _first_received(d for d in docs if _matches_period(d, item))
        results.append(ItemResult(item, _status(item, mine, as_of), mine))
    matched = {d.ref for r in results for d in r.docs}
    others = sorted((d for d in docs if d.ref not in matched and in_package_period(d, package)), key=lambda d: d.ref)
    return CompletenessReport(project, package, as_of, results, others, strict)
