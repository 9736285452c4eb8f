"""Text extraction from real files: .docx (body, tables, headers, text boxes, footnotes), .pdf, .xlsx, .txt."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from index.extract import extract_text
from tests.archive_helpers import pdf_from_objects


def _docx_bytes(build) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


TEXT_BOX = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
    "<w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>"
    "<w:p><w:r><w:t>文本框里的印章说明</w:t></w:r></w:p>"
    "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
)


def _contract(document) -> None:
    from lxml import etree

    document.sections[0].header.paragraphs[0].text = "页眉：示例合同"
    document.sections[0].footer.paragraphs[0].text = "页脚：第1页"
    document.add_paragraph("第一条 保密义务")
    document.add_paragraph("乙方不得泄露源代码。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "合同金额", "壹拾万叁仟捌佰元整"
    table.cell(1, 0).text, table.cell(1, 1).text = "乙方", "北京示例信息技术有限公司"
    anchor = document.add_paragraph("签章：")
    anchor._p.append(etree.fromstring(TEXT_BOX))


def test_docx_body_tables_headers_footers_and_text_boxes():
    result = extract_text(_docx_bytes(_contract), "合同.docx")
    assert result.status == "ok"
    for expected in ("页眉：示例合同", "页脚：第1页", "第一条 保密义务", "乙方不得泄露源代码。",
                     "合同金额\t壹拾万叁仟捌佰元整", "北京示例信息技术有限公司", "文本框里的印章说明"):
        assert expected in result.text


def test_docx_paragraphs_are_separated_by_a_blank_line():
    """A paragraph break must stay a word break for the analyzer (unlike a PDF line wrap)."""
    result = extract_text(_docx_bytes(_contract), "合同.docx")
    assert "第一条 保密义务\n\n乙方不得泄露源代码。" in result.text


def test_empty_docx_is_flagged_empty():
    assert extract_text(_docx_bytes(lambda d: None), "空.docx").status == "empty"


def test_xlsx_cells_by_sheet():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "人员名单"
    sheet.append(["序号", "姓名", "岗位"])
    sheet.append([1, "张测试", "驻场工程师"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = extract_text(buffer.getvalue(), "名单.xlsx")
    assert result.status == "ok"
    assert "人员名单" in result.text and "1\t张测试\t驻场工程师" in result.text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_text_files_in_the_encodings_offices_use(encoding):
    text = "监理通知单：请于三个工作日内整改。"
    assert extract_text(text.encode(encoding), "通知.txt").text == text


def _page_pdf(content: bytes, resources: bytes, extra: list[bytes] = ()) -> bytes:
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources " + resources + b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *extra,
    ])


def test_image_only_pdf_is_flagged_not_fatal():
    image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    data = _page_pdf(b"q 200 0 0 200 0 0 cm /Im0 Do Q", b"<< /XObject << /Im0 5 0 R >> >>", [image])
    result = extract_text(data, "扫描件.pdf")
    assert (result.status, result.pages, result.text) == ("image_only", 1, "")


def test_pdf_text_layer_is_extracted():
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    data = _page_pdf(b"BT /F1 12 Tf 20 100 Td (Contract BJRBJ2021010) Tj ET", b"<< /Font << /F1 5 0 R >> >>", [font])
    result = extract_text(data, "contract.pdf")
    assert result.status == "ok" and result.pages == 1
    assert "BJRBJ2021010" in result.text


def test_password_protected_pdf_is_flagged_unreadable():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    result = extract_text(buffer.getvalue(), "加密.pdf")
    assert result.status == "unreadable" and "password" in result.detail


@pytest.mark.pdf
def test_chinese_pdf_made_by_libreoffice(tmp_path):
    source = tmp_path / "合同.docx"
    source.write_bytes(_docx_bytes(_contract))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    result = extract_text((tmp_path / "合同.pdf").read_bytes(), "合同.pdf")
    assert result.status == "ok" and result.pages >= 1
    compact = "".join(result.text.split())
    for expected in ("保密义务", "乙方不得泄露源代码", "壹拾万叁仟捌佰元整"):
        assert expected in compact


def test_broken_files_are_unreadable_not_fatal():
    assert extract_text(b"PK\x03\x04 broken", "坏.docx").status == "unreadable"
    assert extract_text(b"%PDF-1.4 nothing", "坏.pdf").status in ("unreadable", "empty")
    assert extract_text(b"not a workbook", "坏.xlsx").status == "unreadable"


def test_docx_header_first_footer_last():
    """Page numbers in a footer must not open every snippet of a document's first lines."""
    text = extract_text(_docx_bytes(_contract), "合同.docx").text
    assert text.index("页眉：示例合同") < text.index("第一条 保密义务") < text.index("文本框里的印章说明")
    assert text.rstrip().endswith("页脚：第1页")
