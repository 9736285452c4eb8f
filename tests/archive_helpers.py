"""Shared helpers for the archive tests: a fresh archive, real files of each format, scanners.

Archives here use the ``test`` KDF profile (stored in the key slot) so each open costs
milliseconds; everything else — AES-GCM, SQLite, blobs, the search index — is the real thing.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path


from archive import Archive

PASSPHRASE = "测试口令 correct horse battery"
FONDS = "BJ01"
DOCGEN = [str(Path(sys.executable).with_name("docgen"))]  # the installed console script


def make_archive(home: Path, fonds: str = FONDS) -> Archive:
    """A new archive in ``home`` on the cheap test KDF profile."""
    return Archive.init(home, PASSPHRASE, fonds=fonds, kdf="test", actor="测试员")


def weekly(n: int = 10, **extra) -> dict:
    """Metadata of a 周报 of week ``n`` of 2024."""
    return {"category": "07", "doc_type": "周报", "period": f"2024-W{n:02d}", "date": date(2024, 3, 8), **extra}


# --- real files of each format ---


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A small, valid PDF from numbered object bodies (1 = the catalog), with its xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_bytes(text: str) -> bytes:
    """A small, valid one-page PDF with an ASCII text line (pypdf reads it)."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_from_objects(objects)


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000185d4a7a60000000049454e44ae426082"
)


# --- scanning ---


def encodings(term: str) -> dict[str, bytes]:
    """The distinct byte sequences a term could be stored as."""
    forms = {"utf-8": term.encode("utf-8"), "utf-16-le": term.encode("utf-16-le"), "utf-16-be": term.encode("utf-16-be")}
    gb = term.encode("gb18030")
    if gb != forms["utf-8"]:  # ASCII is the same in both
        forms["gb18030"] = gb
    return forms


def plaintext_hits(root: Path, terms: list[str]) -> list[str]:
    """Every (file, term, encoding) under ``root`` where a term's bytes appear."""
    hits = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for term in terms:
            for name, needle in encodings(term).items():
                if needle in data:
                    hits.append(f"{path.relative_to(root)}: {term!r} as {name}")
    return hits


# --- the command line in a real process ---


def docgen_env(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DOCGEN_HOME": str(home), "DOCGEN_PASSPHRASE": PASSPHRASE, "DOCGEN_ACTOR": "测试员"}
    env.update(extra)
    return env


def run_docgen(args: list[str], home: Path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*DOCGEN, *args], env=docgen_env(home, **extra), capture_output=True, text=True, timeout=300)


def spawn_docgen(args: list[str], home: Path, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*DOCGEN, *args], env=docgen_env(home, **extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
