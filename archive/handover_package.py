"""Build a handover package: a BagIt 1.0 bag of plain documents and their lists, atomically.

Stages, in order, over one temp directory beside the destination:

    documents → digest register → completeness report → 移交清单 → 文件目录.xlsx → 文件目录.xml
    → bag (``bagit.make_bag``, sha256 manifest and tag manifest, BagIt-Version 1.0)
    → [zip] → [transport encryption] → rename into place

Payload layout (``data/``)::

    <year>/<category code>-<category name>/<档号>.<ext>    the decrypted documents
    文件目录.xml, 文件目录.xlsx                              the catalogue (DA/T 22 columns)
    移交清单.docx                                          rendered from templates/handover-list
    完整性报告.json                                        what was owed, found, late, missing
    数字摘要登记表.csv                                      档号, file, size, SHA-256

The documents are plain (archival transfer rule); the optional transport wrapper protects the
whole package on the way. 非常敏感 documents stay out unless asked for; the report then lists
only their 档号. A failure at any stage removes the temp directory: nothing half-built is left.
This module knows nothing of the archive: the caller hands it an ``export`` that writes the
documents' bytes to the paths it is given, all in one call (the archive audits them together).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Sequence

from docgen import __version__ as docgen_version
from docgen.fsutil import atomic_writer, fsync_dir

from .errors import ArchiveError
from .handover_catalog import (
    CATALOG_XLSX,
    CATALOG_XML,
    Attachment,
    CatalogEntry,
    catalog_xlsx,
    catalog_xml,
    date8,
    digest_register,
    mask_id_numbers,
    write_bytes,
)
from .handover_completeness import STATUS_NAMES, ArchivedDoc, CompletenessReport
from .handover_duties import SEED_003_TIMELINESS
from .handover_transport import DEFAULT_KDF, SUFFIX as TRANSPORT_SUFFIX, wrap

HANDOVER_LIST = "移交清单.docx"
REPORT_JSON = "完整性报告.json"
DIGEST_CSV = "数字摘要登记表.csv"
BAGIT_VERSION = "1.0"
HASH_ALGORITHM = "sha256"
Progress = Callable[[int, int], None]
# Writes each document's bytes to its path (parents exist), calling progress(n, total) after each.
Export = Callable[[Sequence[tuple[ArchivedDoc, Path]], Progress | None], None]


class PackageExists(ArchiveError):
    """The destination already holds a package with this id; nothing is overwritten."""

    exit_code = 2


@dataclass(frozen=True)
class Parties:
    """Who hands over and who receives (printed on the 移交清单 and in bag-info)."""

    project_code: str
    project_name: str
    vendor: str  # 移交方
    client: str  # 接收方
    supervisor: str | None = None


@dataclass(frozen=True)
class BuildOptions:
    zip: bool = False
    transport_passphrase: str | None = field(default=None, repr=False)  # set: zip, then wrap (implies zip)
    include_very_sensitive: bool = False
    bagging_date: date | None = None
    transport_kdf: Any = DEFAULT_KDF


@dataclass
class BuiltPackage:
    """What a build produced."""

    package_id: str
    path: Path
    format: str  # bag / zip / encrypted
    entries: list[CatalogEntry]
    withheld: list[str]  # 档号 of 非常敏感 documents left out
    bag_digest: str  # SHA-256 of tagmanifest-sha256.txt
    payload_oxum: str
    bagging_date: date
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(e.size for e in self.entries)

    def to_dict(self) -> dict[str, Any]:
        return {
            "package_id": self.package_id, "path": str(self.path), "format": self.format,
            "documents": len(self.entries), "document_bytes": self.total_bytes, "withheld": self.withheld,
            "bag_digest": self.bag_digest, "payload_oxum": self.payload_oxum, "bagging_date": self.bagging_date,
            "files": [a.path for a in self.attachments],
        }


# ───────────────────────────── small helpers ─────────────────────────────


def file_sha256(path: Path) -> tuple[str, int]:
    """(hex SHA-256, size) of a file, read in 1 MiB blocks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def human_size(size: int) -> str:
    """1234567 → 1.2 MB."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def payload_path(doc: ArchivedDoc, category_name: str) -> str:
    """``<year>/<code>-<name>/<档号><ext>``, relative to ``data/``."""
    suffix = Path(doc.filename).suffix.lower() if doc.filename else ""
    year = doc.year if doc.year else "未注明年度"
    return f"{year}/{doc.category}-{category_name}/{doc.ref}{suffix or '.bin'}"


def _remarks(doc: ArchivedDoc, report: CompletenessReport) -> str:
    item = report.item_for(doc.ref)
    parts = [f"{item.expected.duty.name}·{item.expected.label}" + ("；" + item.note() if item.status == "late" else "")] \
        if item else []
    if doc.notes:
        parts.append(doc.notes)
    return "；".join(parts)


def _short_remark(ref: str, report: CompletenessReport) -> str:
    """The 移交清单's 备注: the duty a document answers, and its lateness (the XML has the full text)."""
    item = report.item_for(ref)
    if item is None:
        return ""
    return item.expected.duty.name + (f"；迟交 {item.days_late} 天" if item.status == "late" else "")


# ───────────────────────────── stages ─────────────────────────────


@dataclass
class _Build:
    """The shared context of one build."""

    package_id: str
    parties: Parties
    report: CompletenessReport
    options: BuildOptions
    root: Path  # the temp directory being filled
    category_names: dict[str, str]
    entries: list[CatalogEntry] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    carried: list[ArchivedDoc] = field(default_factory=list)
    withheld: list[ArchivedDoc] = field(default_factory=list)

    @property
    def bagging_date(self) -> date:
        return self.options.bagging_date or date.today()

    def attach(self, name: str, filename: str, data: bytes) -> None:
        write_bytes(self.root / filename, data)
        self.attachments.append(Attachment(name, f"data/{filename}", hashlib.sha256(data).hexdigest(), len(data)))


def carried_documents(report: CompletenessReport, include_very_sensitive: bool) -> list[ArchivedDoc]:
    """The documents a package carries: all of the period's, less 非常敏感 ones unless asked for."""
    return [d for d in report.documents if include_very_sensitive or not d.very_sensitive]


def stage_documents(build: _Build, export: Export, progress: Progress | None) -> None:
    """Decrypt every carried document into its place in the payload, recording its digest."""
    build.carried = carried_documents(build.report, build.options.include_very_sensitive)
    carried = {d.ref for d in build.carried}
    build.withheld = [d for d in build.report.documents if d.ref not in carried]
    placed = [(doc, payload_path(doc, build.category_names.get(doc.category, ""))) for doc in build.carried]
    for _, relative in placed:
        (build.root / relative).parent.mkdir(parents=True, exist_ok=True)
    export([(doc, build.root / relative) for doc, relative in placed], progress)
    for seq, (doc, relative) in enumerate(placed, 1):
        target = build.root / relative
        os.chmod(target, 0o644)
        sha, size = file_sha256(target)
        build.entries.append(CatalogEntry.masked(
            seq=seq, ref=doc.ref, doc_no=doc.doc_no, responsible=doc.responsible, title=doc.title,
            date=date8(doc.date), classification=doc.sensitivity, pages=str(doc.pages or ""),
            remarks=_remarks(doc, build.report), path=f"data/{relative}", sha256=sha, size=size,
        ))


def report_document(build: _Build) -> dict[str, Any]:
    """The completeness report as carried in the package: titles masked, 非常敏感 ones by 档号 only."""
    data = build.report.to_dict()
    withheld = {d.ref for d in build.withheld}
    data["other_documents"] = [
        {**other, "title": mask_id_numbers(other["title"])} for other in data["other_documents"] if other["ref"] not in withheld
    ]
    data["package_id"] = build.package_id
    data["withheld"] = [{"ref": d.ref, "reason": "非常敏感，已归档，未随包移交"} for d in build.withheld]
    data["rules"] = SEED_003_TIMELINESS
    return data


def stage_lists(build: _Build) -> None:
    """Digest register, completeness report, 移交清单, 文件目录.xlsx (the XML comes last: it lists these)."""
    build.attach("数字摘要登记表", DIGEST_CSV, digest_register(build.entries))
    text = json.dumps(report_document(build), ensure_ascii=False, indent=2, default=_json_default)
    build.attach("完整性报告", REPORT_JSON, text.encode("utf-8"))
    build.attach("移交清单", HANDOVER_LIST, handover_list_docx(build))
    title = f"{build.parties.project_name} {build.report.package.label} 文件目录"
    build.attach("文件目录（XLSX）", CATALOG_XLSX, catalog_xlsx(title, build.entries))
    xml = catalog_xml(build.package_id, build.parties.project_code, build.parties.project_name,
                      build.report.package.key, build.report.package.label, build.entries, build.attachments)
    write_bytes(build.root / CATALOG_XML, xml)


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def handover_list_context(build: _Build) -> dict[str, Any]:
    """What the 移交清单 template prints (see templates/handover-list/notes.md)."""
    report, parties = build.report, build.parties
    owed = [
        {"seq": n, "duty": item.expected.duty.name, "label": item.expected.short_label, "due": date8(item.expected.due),
         "status": STATUS_NAMES[item.status] + (f"（{item.days_late} 天）" if item.status == "late" else ""),
         "refs": "、".join(d.ref for d in item.docs)}
        for n, item in enumerate(report.items, 1)
    ]
    items = [{"seq": e.seq, "ref": e.ref, "title": e.title, "date": e.date, "pages": e.pages,
              "remarks": _short_remark(e.ref, report)} for e in build.entries]
    return {
        "project_name": mask_id_numbers(parties.project_name), "project_code": parties.project_code,
        "package_id": build.package_id, "kind_label": "月度移交" if report.package.kind == "month" else "季度综合移交",
        "period_label": report.package.label, "period_start": report.package.start, "period_end": report.package.end,
        "vendor": mask_id_numbers(parties.vendor), "client": mask_id_numbers(parties.client),
        "supervisor": mask_id_numbers(parties.supervisor), "bagging_date": build.bagging_date,
        "doc_count": len(build.entries), "total_size": human_size(sum(e.size for e in build.entries)),
        "items": items, "withheld_count": len(build.withheld), "owed_items": owed,
        "rule_text": f"提交期限（按国务院公布的节假日安排计算工作日，含调休）：{SEED_003_TIMELINESS}。",
        "summary": {k: str(v) for k, v in report.summary().items()},
    }


def handover_list_docx(build: _Build) -> bytes:
    """The 移交清单 rendered from the shipped template."""
    from docgen.kinds.base import templates_dir
    from docgen.render import render_docx

    return render_docx(templates_dir() / "handover-list" / "template.docx", handover_list_context(build))


def bag_info(build: _Build) -> dict[str, str]:
    """bag-info.txt fields (bagit adds Payload-Oxum)."""
    report, parties = build.report, build.parties
    kind = "月度移交" if report.package.kind == "month" else "季度综合移交"
    return {
        "Source-Organization": mask_id_numbers(parties.vendor),
        "External-Identifier": build.package_id,
        "External-Description": mask_id_numbers(f"{parties.project_name} {report.package.label}{kind}"),
        "Bag-Group-Identifier": parties.project_code,
        "Internal-Sender-Identifier": f"{parties.project_code}/{report.package.key}",
        "Bagging-Date": build.bagging_date.isoformat(),
        "Bag-Software-Agent": f"docgen {docgen_version}",
    }


def stage_bag(build: _Build) -> tuple[str, str]:
    """Turn the temp directory into a BagIt 1.0 bag; returns (tag-manifest SHA-256, Payload-Oxum)."""
    import bagit

    bag = bagit.make_bag(str(build.root), bag_info(build), checksums=[HASH_ALGORITHM])
    # bagit-python writes version 0.97; the content rules are those of RFC 8493 (1.0), so
    # declare 1.0 and re-write the tag manifest over the new bagit.txt.
    write_bytes(build.root / "bagit.txt", f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n".encode())
    write_tag_manifest(build.root)
    digest, _ = file_sha256(build.root / f"tagmanifest-{HASH_ALGORITHM}.txt")
    return digest, bag.info["Payload-Oxum"]


def write_tag_manifest(bag_dir: Path) -> None:
    """``tagmanifest-sha256.txt`` over the top-level tag files (RFC 8493 §2.2.1), as bagit writes it."""
    lines = []
    for path in sorted(p for p in bag_dir.iterdir() if p.is_file() and not p.name.startswith("tagmanifest-")):
        lines.append(f"{file_sha256(path)[0]} {path.name}\n")
    write_bytes(bag_dir / f"tagmanifest-{HASH_ALGORITHM}.txt", "".join(lines).encode("utf-8"))


def zip_bag(bag_dir: Path, package_id: str, target: Path) -> Path:
    """A .zip of the bag with every entry under ``<package_id>/``; written beside ``target``, then renamed."""
    # not fsynced: the zip is either the package itself, renamed whole, or wrapped (and fsynced) next
    with atomic_writer(target, 0o644, durable=False) as handle, \
            zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(p for p in bag_dir.rglob("*") if p.is_file()):
            archive.write(path, f"{package_id}/{path.relative_to(bag_dir).as_posix()}")
    return target


def output_path(out_dir: Path, package_id: str, options: BuildOptions) -> Path:
    if options.transport_passphrase:
        return out_dir / f"{package_id}.zip{TRANSPORT_SUFFIX}"
    return out_dir / (f"{package_id}.zip" if options.zip else package_id)


def build_package(
    package_id: str,
    parties: Parties,
    report: CompletenessReport,
    export: Export,
    out_dir: Path,
    options: BuildOptions = BuildOptions(),
    *,
    category_names: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> BuiltPackage:
    """Build the package for ``report`` into ``out_dir``; atomic (all or nothing)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = output_path(out_dir, package_id, options)
    if final.exists():
        raise PackageExists(f"{final} 已存在；移交包不会被覆盖")
    work = Path(tempfile.mkdtemp(prefix=f".{package_id}.", suffix=".building", dir=out_dir))
    build = _Build(package_id, parties, report, options, work / package_id, category_names or {})
    try:
        build.root.mkdir(mode=0o755)
        stage_documents(build, export, progress)
        stage_lists(build)
        bag_digest, oxum = stage_bag(build)
        fmt = _finish(build, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BuiltPackage(package_id, final, fmt, build.entries, [d.ref for d in build.withheld], bag_digest, oxum,
                        build.bagging_date, build.attachments)


def _finish(build: _Build, final: Path) -> str:
    """Move the bag (or its zip, or the wrapped zip) into place, never over another package
    (another build of the same id may have got there since the check); returns the format."""
    options = build.options
    try:
        if not (options.zip or options.transport_passphrase):
            os.chmod(build.root, 0o755)
            os.rename(build.root, final)  # same filesystem: atomic; fails over a non-empty folder
            return "bag"
        made = zip_bag(build.root, build.package_id, build.root.parent / f"{build.package_id}.zip")
        if options.transport_passphrase:
            made = wrap(made, build.root.parent / final.name, options.transport_passphrase, options.transport_kdf)
        # claim the name first (O_EXCL: never another's file), then rename over our own claim; no
        # hard link, so it works on the FAT / exFAT sticks packages are carried on
        os.close(os.open(final, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        try:
            os.replace(made, final)
        except BaseException:
            final.unlink()
            raise
        fsync_dir(final.parent)
    except OSError as error:
        if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
            raise
        raise PackageExists(f"{final} 已存在；移交包不会被覆盖") from None
    return "encrypted" if options.transport_passphrase else "zip"


def remove_output(path: Path) -> None:
    """Undo a build whose recording failed."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


__all__: Sequence[str] = (
    "BuildOptions", "BuiltPackage", "Export", "PackageExists", "Parties", "build_package", "carried_documents",
    "file_sha256", "payload_path", "remove_output", "write_tag_manifest", "zip_bag",
)
