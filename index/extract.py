"""Plain text out of a document's bytes: .docx, .pdf, .xlsx, .txt (and friends).

Extraction never fails an ingest: a file that yields no text is flagged (``empty``,
``image_only``, ``unsupported``, ``unreadable``) and archived anyway.

Paragraphs, table rows and pages are separated by a blank line; a single line break inside
a block is layout (a PDF line wrap), which the search analyzer joins across.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

Status = Literal["ok", "empty", "image_only", "unsupported", "unreadable"]

TEXT_SUFFIXES = {".txt", ".md", ".csv", ".log", ".xml", ".json", ".yaml", ".yml"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"}
EXTRACTABLE_SUFFIXES = {".docx", ".pdf", ".xlsx", *TEXT_SUFFIXES}  # the formats with a text extractor


@dataclass(frozen=True)
class Extracted:
    """The text of one document and what the extractor could tell about it."""

    text: str
    status: Status
    pages: int | None = None
    detail: str = ""


def extract_text(data: bytes, filename: str) -> Extracted:
    """Extract the text of ``data``; ``filename`` decides the format by its suffix."""
    suffix = PurePath(filename).suffix.lower()
    try:
        if suffix == ".docx":
            return _finish(*_docx(data))
        if suffix == ".pdf":
            return _pdf(data)
        if suffix == ".xlsx":
            return _finish(_xlsx(data), None)
        if suffix in TEXT_SUFFIXES:
            return _finish(decode_text(data), None)
        if suffix in IMAGE_SUFFIXES:
            return Extracted("", "image_only", 1, "image file: no text layer")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        return Extracted("", "unreadable", None, f"{type(error).__name__}: cannot read as {suffix}")
    except Exception as error:  # a broken file must not abort an ingest
        return Extracted("", "unreadable", None, f"{type(error).__name__}")
    return Extracted("", "unsupported", None, f"no extractor for {suffix or 'files without a suffix'}")


def decode_text(data: bytes) -> str:
    """Decode text files the way Chinese offices write them: UTF-8 (with or without BOM), UTF-16 with
    a BOM (Windows Notepad's "Unicode"), else GB18030."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _finish(text: str, pages: int | None) -> Extracted:
    text = text.strip()
    return Extracted(text, "ok" if text else "empty", pages)


def _docx(data: bytes) -> tuple[str, int | None]:
    import docx

    document = docx.Document(io.BytesIO(data))
    seen_parts: set[int] = set()

    def unique(parts) -> list[str]:
        out: list[str] = []
        for part in parts:
            if part.is_linked_to_previous or id(part.part) in seen_parts:
                continue
            seen_parts.add(id(part.part))
            out.extend(_block_text(part))
        return out

    headers = unique(p for s in document.sections for p in (s.header, s.first_page_header))
    footers = unique(p for s in document.sections for p in (s.footer, s.first_page_footer))
    # Footers (page numbers) last, so snippets of the opening text start with the text.
    parts = [*headers, *_block_text(document), *_docx_extra_text(data), *footers]
    return "\n\n".join(p.strip() for p in parts if p.strip()), _docx_pages(data)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_extra_text(data: bytes) -> list[str]:
    """Text python-docx's paragraphs do not reach: text boxes (seals, stamps, side notes),
    footnotes and endnotes."""
    from lxml import etree

    paragraphs: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        for name in ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml"):
            if name not in names:
                continue
            root = etree.fromstring(package.read(name), etree.XMLParser(resolve_entities=False, huge_tree=False))
            scope = root.iter(f"{_W}txbxContent") if name == "word/document.xml" else [root]
            for container in scope:
                for para in container.iter(f"{_W}p"):
                    text = "".join(t.text or "" for t in para.iter(f"{_W}t"))
                    if text.strip():
                        paragraphs.append(text)
    return list(dict.fromkeys(paragraphs))  # Word writes each text box twice (VML fallback)


def _block_text(container) -> list[str]:
    """Paragraphs and table cells in document order (nested tables included)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = "\n".join(_block_text(cell)).strip()
                    if text and (not cells or cells[-1] != text):  # merged cells repeat
                        cells.append(text)
                out.append("\t".join(cells))
    return out


def _docx_pages(data: bytes) -> int | None:
    """Word stores the page count it last saw in docProps/app.xml; absent for generated files."""
    import re

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            app = archive.read("docProps/app.xml").decode("utf-8", "replace")
        except KeyError:
            return None
    match = re.search(r"<Pages>(\d+)</Pages>", app)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def _pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return Extracted("", "unreadable", None, "PDF is password-protected")
    pages = len(reader.pages)
    text = "\n\n".join((page.extract_text() or "").strip() for page in reader.pages).strip()
    if text:
        return Extracted(text, "ok", pages)
    has_images = any(page.images for page in reader.pages)
    return Extracted("", "image_only" if has_images else "empty", pages)


def _xlsx(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines: list[str] = []
    try:
        for sheet in book.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                values = [str(v) for v in row if v is not None and str(v).strip()]
                if values:
                    lines.append("\t".join(values))
    finally:
        book.close()
    return "\n\n".join(lines)
