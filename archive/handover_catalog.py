"""The package's lists: 文件目录 (XML and XLSX) and the digest register, and ID-number masking.

文件目录 columns follow DA/T 22-2015 归档文件目录: 序号, 档号, 文号, 责任者, 题名, 日期 (8 digits,
``20231009``), 密级, 页数, 备注. Here 密级 carries the document's sensitivity level of seed 003
附件2 (最小敏感性 / 比较敏感 / 非常敏感), the only classification these records have.

The XML also names each document's file in the payload with its SHA-256 and size, and lists
the package's own files (移交清单, completeness report, digest register, the XLSX) the same way,
so a receiver can check the catalogue against the payload: every listed file present with its
digest, nothing unlisted. The XML is read back with a parser that resolves no entities and
fetches nothing.

Every text written here goes through :func:`mask_id_numbers`: a resident ID number (18
characters, GB 11643 check digit valid) is replaced, as in the search index.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

from lxml import etree

from docgen.cn import mask_id_numbers
from docgen.fsutil import atomic_write_bytes


CATALOG_XML = "文件目录.xml"
CATALOG_XLSX = "文件目录.xlsx"
COLUMNS: tuple[str, ...] = ("序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注")
XML_FORMAT = "docgen-handover/1"


def date8(day: date | None) -> str:
    """DA/T 22 date form: 20231009."""
    return day.strftime("%Y%m%d") if day else ""


@dataclass(frozen=True)
class CatalogEntry:
    """One row of the 文件目录: the archival columns plus the file that carries the document."""

    seq: int
    ref: str  # 档号
    doc_no: str  # 文号
    responsible: str  # 责任者
    title: str  # 题名
    date: str  # 日期, 8 digits
    classification: str  # 密级
    pages: str  # 页数
    remarks: str  # 备注
    path: str  # payload path, e.g. data/2023/07-服务总结/BJ01-WS·2023-D10-FWZ-0007.docx
    sha256: str
    size: int

    def row(self) -> list[str | int]:
        return [self.seq, self.ref, self.doc_no, self.responsible, self.title, self.date,
                self.classification, self.pages, self.remarks]

    @classmethod
    def masked(cls, **values) -> "CatalogEntry":
        """An entry whose free-text columns have ID numbers masked."""
        for name in ("doc_no", "responsible", "title", "remarks"):
            values[name] = mask_id_numbers(values.get(name))
        return cls(**values)


@dataclass(frozen=True)
class Attachment:
    """A package file that is not an archived document (移交清单, reports, the XLSX)."""

    name: str  # 移交清单
    path: str  # data/移交清单.docx
    sha256: str
    size: int


@dataclass
class Catalog:
    """The 文件目录 as read back from a package."""

    package_id: str = ""
    project: str = ""
    period: str = ""
    entries: list[CatalogEntry] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


# ───────────────────────────── writing ─────────────────────────────


def catalog_xml(package_id: str, project: str, project_name: str, period: str, period_label: str,
                entries: Sequence[CatalogEntry], attachments: Sequence[Attachment]) -> bytes:
    """The 文件目录 as UTF-8 XML bytes."""
    root = etree.Element("文件目录", 格式=XML_FORMAT, 移交包=package_id, 项目代码=project,
                         项目名称=mask_id_numbers(project_name), 期间=period, 期间名称=period_label,
                         件数=str(len(entries)))
    for entry in entries:
        item = etree.SubElement(root, "文件", 序号=str(entry.seq))
        for tag, value in zip(COLUMNS[1:], entry.row()[1:]):
            etree.SubElement(item, tag).text = str(value)
        etree.SubElement(item, "文件路径").text = entry.path
        etree.SubElement(item, "SHA256").text = entry.sha256
        etree.SubElement(item, "字节数").text = str(entry.size)
    extra = etree.SubElement(root, "附件")
    for attachment in attachments:
        etree.SubElement(extra, "附件文件", 名称=attachment.name, 文件路径=attachment.path,
                         SHA256=attachment.sha256, 字节数=str(attachment.size))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def catalog_xlsx(title: str, entries: Sequence[CatalogEntry]) -> bytes:
    """The 文件目录 as an .xlsx workbook: a title row, the nine columns, one row per document."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "文件目录"
    sheet.append([mask_id_numbers(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(list(COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for entry in entries:
        sheet.append(entry.row())
    for letter, width in zip("ABCDEFGHI", (6, 30, 16, 18, 48, 10, 10, 6, 30)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def digest_register(entries: Sequence[CatalogEntry]) -> bytes:
    """The register of digests as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["序号", "档号", "文件路径", "字节数", "SHA-256"])
    for entry in entries:
        writer.writerow([entry.seq, entry.ref, entry.path, entry.size, entry.sha256])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_bytes(path: Path, data: bytes) -> None:
    """Write one package file (atomically, readable by the receiver)."""
    atomic_write_bytes(path, data, mode=0o644)


# ───────────────────────────── reading ─────────────────────────────


class CatalogUnreadable(ValueError):
    """The 文件目录.xml is not well-formed or not in the expected format."""


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True)


def read_catalog(data: bytes) -> Catalog:
    """Parse 文件目录.xml bytes; raises ``CatalogUnreadable`` naming what is wrong."""
    try:
        root = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as error:
        raise CatalogUnreadable(f"文件目录.xml 不是有效的 XML：{error}") from None
    if root.tag != "文件目录" or root.get("格式") != XML_FORMAT:
        raise CatalogUnreadable("文件目录.xml 的根元素或格式标识不对")
    catalog = Catalog(root.get("移交包", ""), root.get("项目代码", ""), root.get("期间", ""))
    for item in root.iterfind("文件"):
        catalog.entries.append(_entry(item))
    for extra in root.iterfind("附件/附件文件"):
        catalog.attachments.append(Attachment(extra.get("名称", ""), extra.get("文件路径", ""),
                                              extra.get("SHA256", ""), _int(extra.get("字节数"))))
    return catalog


def _text(item, tag: str) -> str:
    return item.findtext(tag) or ""


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1


def _entry(item) -> CatalogEntry:
    return CatalogEntry(
        seq=_int(item.get("序号")), ref=_text(item, "档号"), doc_no=_text(item, "文号"),
        responsible=_text(item, "责任者"), title=_text(item, "题名"), date=_text(item, "日期"),
        classification=_text(item, "密级"), pages=_text(item, "页数"), remarks=_text(item, "备注"),
        path=_text(item, "文件路径"), sha256=_text(item, "SHA256"), size=_int(_text(item, "字节数")),
    )


def listed_files(catalog: Catalog) -> Iterable[tuple[str, str, int]]:
    """(payload path, sha256, size) of every file the catalogue lists."""
    for entry in catalog.entries:
        yield entry.path, entry.sha256, entry.size
    for attachment in catalog.attachments:
        yield attachment.path, attachment.sha256, attachment.size
