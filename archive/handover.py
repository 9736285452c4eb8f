"""Handover (移交): check a project's period, build its package, verify and confirm it.

The service over an open :class:`archive.Archive` that the ``docgen handover`` commands call,
one method per command::

    with Archive.open(home, passphrase) as arc:
        handover = Handover(arc)
        report = handover.check("JFLH", month="2023-09")           # CompletenessReport
        built = handover.build("JFLH", month="2023-09", out_dir=Path("out"))
        result = handover.verify(built.package.path)                # VerifyResult (+ audit)
        handover.confirm(built.package.package_id, by="王样本")

The parts, each in its own module: duties and deadlines (``handover_duties``), matching
(``handover_completeness``), the lists (``handover_catalog``), the bag (``handover_package``),
the receiving checks (``handover_verify``), transport encryption (``handover_transport``),
the sealed tables (``handover_store``) and projects (``projects``).

Building, verifying and confirming are audited (``handover.build`` / ``.verify`` /
``.confirm``); each document decrypted into a package is audited as ``export`` (all of a
package's in one transaction, before they are decrypted: ``Archive.export_many``).
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from docgen.errors import InvalidInput, Problem

from .errors import ArchiveError, ConcurrentChange
from .handover_completeness import ArchivedDoc, CompletenessReport, check_completeness
from .handover_duties import package_period
from .handover_package import (
    BuildOptions,
    BuiltPackage,
    Parties,
    Progress,
    build_package,
    output_path,
    remove_output,
)
from .handover_verify import VerifyResult, ZipLimits, verify_package
from .meta import ListQuery
from .projects import Project, ProjectRegister

if TYPE_CHECKING:
    from .models import Entry
    from .store import Archive

class UnknownPackage(ArchiveError):
    """No package with this id was built from this archive."""

    exit_code = 2


class AlreadyConfirmed(ArchiveError):
    """The package has already been confirmed as received."""

    exit_code = 2


@dataclass(frozen=True)
class PackageRecord:
    """A package built from this archive, and its confirmation if any."""

    package_id: str
    project: str
    period: str
    built_at: str
    built_on: date
    documents: int
    bag_digest: str
    path: str
    format: str
    summary: dict[str, Any]
    confirmed_on: date | None = None
    confirmed_by: str | None = None
    confirmed_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class BuildResult:
    """A built package and the check it was built from."""

    package: BuiltPackage
    report: CompletenessReport

    def to_dict(self) -> dict[str, Any]:
        return {**self.package.to_dict(), "check": self.report.summary()}


def archived_doc(entry: "Entry") -> ArchivedDoc:
    """The completeness engine's view of an archive entry."""
    return ArchivedDoc(
        ref=entry.ref, category=entry.category, title=entry.title or "", doc_type=entry.doc_type,
        period=entry.period, date=entry.date, received=entry.received, doc_no=entry.doc_no,
        responsible=entry.responsible, sensitivity=entry.sensitivity, retention=entry.retention,
        pages=entry.pages, notes=entry.notes, filename=entry.filename, size=entry.size, doc_id=entry.doc_id,
    )


def _parse_period(month: str | None, quarter: str | None):
    try:
        return package_period(month=month, quarter=quarter)
    except ValueError as error:
        raise InvalidInput("移交期间有误", [Problem("--month/--quarter", "移交期间", str(error))]) from None


class Handover:
    """Projects, checks, packages and confirmations over one open archive."""

    def __init__(self, arc: "Archive"):
        self.arc = arc
        self.projects = ProjectRegister(arc)
        self.store = self.projects.store

    # --- check ---

    def documents(self, project: str) -> list[ArchivedDoc]:
        """Every current document of the project."""
        return [archived_doc(e) for e in self.arc.list(ListQuery(project=project))]

    def check(self, project: str, *, month: str | None = None, quarter: str | None = None,
              as_of: date | None = None, strict: bool = False) -> CompletenessReport:
        """What the project owes for the month or quarter, and what of it is present, late or missing."""
        period = _parse_period(month, quarter)
        record = self.projects.get(project)
        return check_completeness(
            record.code, record.duties, period, self.documents(record.code), as_of=as_of or date.today(),
            service_start=record.service_start, service_end=record.service_end,
            faults=[f.as_fault() for f in self.projects.faults(record.code)], strict=strict,
        )

    # --- build ---

    def next_package_id(self, project: str, period_key: str, out_dir: Path, options: BuildOptions) -> tuple[str, int]:
        """``<project>-<period>-<NN>``: the next build number not used in the catalog or in ``out_dir``."""
        row = self.store.query(
            "SELECT COALESCE(MAX(seq), 0) FROM handover_packages WHERE project = ? AND period = ?", (project, period_key)
        )[0]
        seq = int(row[0]) + 1
        while output_path(out_dir, f"{project}-{period_key}-{seq:02d}", options).exists():
            seq += 1
        return f"{project}-{period_key}-{seq:02d}", seq

    def build(self, project: str, *, month: str | None = None, quarter: str | None = None, out_dir: Path,
              options: BuildOptions = BuildOptions(), as_of: date | None = None,
              progress: Callable[[int, int], None] | None = None) -> BuildResult:
        """Check the period, build its package into ``out_dir`` (atomic), record and audit it."""
        report = self.check(project, month=month, quarter=quarter, as_of=as_of)
        record = self.projects.get(project)
        out_dir = Path(out_dir)
        package_id, seq = self.next_package_id(record.code, report.package.key, out_dir, options)
        built = build_package(
            package_id, _parties(record), report, functools.partial(self._export, package_id), out_dir, options,
            category_names={c.code: c.name for c in self.arc.scheme.categories}, progress=progress,
        )
        try:
            self._record_build(built, report, seq)
        except BaseException as error:
            remove_output(built.path)  # no package without its record and audit entry
            if isinstance(error, sqlite3.IntegrityError):  # another build took this id meanwhile
                raise ConcurrentChange(f"移交包编号 {package_id} 刚被另一次建包占用，本次所建已删除；请重试") from None
            raise
        return BuildResult(built, report)

    def _export(self, package_id: str, placed: Sequence[tuple[ArchivedDoc, Path]], progress: Progress | None) -> None:
        """Decrypt a package's documents into its payload: all their ``export`` entries in one transaction."""
        where = {doc.doc_id or doc.ref: path for doc, path in placed}
        self.arc.export_many(
            [doc.doc_id or doc.ref for doc, _ in placed], lambda entry: where.get(entry.doc_id) or where[entry.ref],
            purpose="handover", detail={"package": package_id}, durable=False, progress=progress,
        )

    def _record_build(self, built: BuiltPackage, report: CompletenessReport, seq: int) -> None:
        from .audit import utc_now

        summary = {k: str(v) if not isinstance(v, (int, bool)) else v for k, v in report.summary().items()}
        clear = {"package_id": built.package_id, "project": report.project, "period": report.package.key, "seq": seq,
                 "built_at": utc_now(), "built_on": built.bagging_date.isoformat(), "documents": len(built.entries),
                 "bag_digest": built.bag_digest}
        data = {"path": str(built.path.resolve()), "format": built.format, "refs": [e.ref for e in built.entries],
                "withheld": built.withheld, "summary": summary}
        with self.store.write():
            self.store.insert("handover_packages", clear, data)
            self.store.audit("handover.build", {
                "package_id": built.package_id, "project": report.project, "period": report.package.key,
                "documents": len(built.entries), "withheld": len(built.withheld), "format": built.format,
                "bag_digest": built.bag_digest, "missing": report.count("missing"), "late": report.count("late"),
            })

    # --- packages ---

    def packages(self, project: str | None = None) -> list[PackageRecord]:
        """Packages built from this archive, oldest first, with their confirmations."""
        where, params = ("project = ?", (project,)) if project else ("", ())
        confirmations = {r["package_id"]: r for r in self.store.rows("handover_confirmations")}
        return [_package_record(r, confirmations.get(r["package_id"]))
                for r in self.store.rows("handover_packages", where, params, order="built_at")]

    def package(self, package_id: str) -> PackageRecord:
        found = [p for p in self.packages() if p.package_id == package_id]
        if not found:
            raise UnknownPackage(f"本档案库没有建过移交包 {package_id}")
        return found[0]

    # --- receiving ---

    def verify(self, package: Path, *, transport_passphrase: str | None = None,
               limits: ZipLimits = ZipLimits()) -> VerifyResult:
        """Verify a package (see ``handover_verify``), compare it with its build record, audit the result."""
        result = verify_package(package, transport_passphrase=transport_passphrase, limits=limits)
        known = {p.package_id: p for p in self.packages()}
        record = known.get(result.package_id or "")
        if record is not None and result.bag_digest and result.bag_digest != record.bag_digest:
            result.steps.append("record")
            result.add("record", "tagmanifest-sha256.txt",
                       "与本档案库的建包记录不一致：包在建成后被改动过（即使清单被重新计算）", result.bag_digest)
        with self.store.write():
            self.store.audit("handover.verify", {
                "package_id": result.package_id, "format": result.format, "ok": result.ok,
                "problems": len(result.problems), "known": record is not None,
            })
        return result

    def confirm(self, package_id: str, by: str, on: date | None = None) -> PackageRecord:
        """Record who received the package and when (audited ``handover.confirm``)."""
        from .audit import utc_now

        on = on or date.today()
        by = (by or "").strip()
        record = self.package(package_id)
        problems = []
        if not by or len(by) > 100:
            problems.append(Problem("--by", "接收人", "不能为空，且不超过 100 字"))
        if on > date.today():
            problems.append(Problem("--date", "接收日期", "晚于今天", on.isoformat()))
        if on < record.built_on:
            problems.append(Problem("--date", "接收日期", f"早于建包日期 {record.built_on}", on.isoformat()))
        if problems:
            raise InvalidInput("确认信息有误", problems)
        with self.store.write():
            if self.store.rows("handover_confirmations", "package_id = ?", (package_id,)):
                raise AlreadyConfirmed(f"移交包 {package_id} 已确认接收，不能重复确认")
            self.store.insert("handover_confirmations",
                              {"package_id": package_id, "confirmed_on": on.isoformat(), "recorded_at": utc_now()},
                              {"by": by})
            self.store.audit("handover.confirm", {"package_id": package_id, "confirmed_on": on.isoformat(), "by": by})
        return self.package(package_id)


def _parties(project: Project) -> Parties:
    return Parties(project.code, project.name, project.vendor, project.client or "甲方", project.supervisor)


def _package_record(row: dict[str, Any], confirmation: dict[str, Any] | None) -> PackageRecord:
    data = row["data"]
    return PackageRecord(
        package_id=row["package_id"], project=row["project"], period=row["period"], built_at=row["built_at"],
        built_on=date.fromisoformat(row["built_on"]), documents=row["documents"], bag_digest=row["bag_digest"],
        path=data.get("path", ""), format=data.get("format", ""), summary=data.get("summary", {}),
        confirmed_on=date.fromisoformat(confirmation["confirmed_on"]) if confirmation else None,
        confirmed_by=confirmation["data"].get("by") if confirmation else None,
        confirmed_at=confirmation["recorded_at"] if confirmation else None,
    )
