"""Author Word templates with python-docx: A4 pages, CJK fonts, headings, tables, Jinja tags.

Templates are *built* by small scripts (``templates/<kind>/build.py``) rather than edited by hand
in Word, so that every Jinja tag sits inside one run (Word splits runs at will when you type),
the fonts carry an explicit ``w:eastAsia`` name, and a test can prove the committed ``.docx``
is what its script produces.

Conventions the builder enforces:

* One run per paragraph unless the caller asks for several (:meth:`TemplateBuilder.runs`);
  a Jinja tag never crosses a run boundary.
* Paragraph-level logic uses docxtpl's ``{%p … %}`` tags in a paragraph of their own
  (:meth:`TemplateBuilder.when`, :meth:`TemplateBuilder.each`); table rows repeat with
  ``{%tr for … %}`` (:meth:`TemplateBuilder.table`).
* Fonts: body 仿宋, headings 黑体, title 宋体, Latin Times New Roman, set in the document
  defaults and in every style, with no theme font overriding them.
"""

from __future__ import annotations

import contextlib
import io
import sys
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from docgen.fsutil import atomic_write_bytes

LATIN_FONT = "Times New Roman"
BODY_FONT = "仿宋"  # FangSong: on every Windows since Vista; LibreOffice maps it to Noto Serif CJK
HEADING_FONT = "黑体"  # SimHei
TITLE_FONT = "宋体"  # SimSun

# Chinese point sizes (字号) used by government contracts.
SIZE_ERHAO = Pt(22)  # 二号
SIZE_XIAOER = Pt(18)  # 小二
SIZE_SANHAO = Pt(16)  # 三号
SIZE_SIHAO = Pt(14)  # 四号
SIZE_XIAOSI = Pt(12)  # 小四
SIZE_WUHAO = Pt(10.5)  # 五号
SIZE_XIAOWU = Pt(9)  # 小五

A4_WIDTH, A4_HEIGHT = Mm(210), Mm(297)


@dataclass(frozen=True)
class PageSetup:
    """Margins in millimetres; the defaults are Word's own (2.54 / 3.17 cm), as the seeds use."""

    top: float = 25.4
    bottom: float = 25.4
    left: float = 31.8
    right: float = 31.8

    @property
    def text_width_mm(self) -> float:
        return 210 - self.left - self.right


def set_run_fonts(rpr_parent, latin: str, east_asian: str) -> None:
    """Set Latin and East-Asian fonts on an element owning ``w:rPr`` (a run or a style).

    Theme attributes are removed: Word prefers ``w:asciiTheme`` over ``w:ascii`` when both are set.
    """
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _set_doc_defaults(document) -> None:
    """Document-wide defaults: fonts, zh-CN language, no theme fonts."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    # Styles we do not restyle must not carry theme fonts either: they would win over w:eastAsia.
    for element in list(styles.iter(qn("w:rFonts"))):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            element.attrib.pop(qn(attr), None)
        if not element.attrib:
            element.getparent().remove(element)


def _style(document, name: str, *, font: str, size, bold: bool = False, align=None,
           space_before: float = 0, space_after: float = 0, line_spacing: float | None = 1.5,
           keep_with_next: bool = False, outline_level: int | None = None):
    style = document.styles[name]
    set_run_fonts(style.element, LATIN_FONT, font)
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = None
    rpr = style.element.get_or_add_rPr()
    color = rpr.find(qn("w:color"))
    if color is not None:  # python-docx heading styles are blue and themed
        rpr.remove(color)
    fmt = style.paragraph_format
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = line_spacing
    fmt.keep_with_next = keep_with_next
    if align is not None:
        fmt.alignment = align
    if outline_level is not None:
        ppr = style.element.get_or_add_pPr()
        level = ppr.find(qn("w:outlineLvl"))
        if level is None:
            level = OxmlElement("w:outlineLvl")
            ppr.append(level)
        level.set(qn("w:val"), str(outline_level))
    return style


def _table_borders(table, size: int = 4) -> None:
    """Single black borders around and inside every cell (python-docx's default table has none)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _fixed_layout(table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths (LibreOffice and Word then agree on the layout)."""
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _field_run(paragraph, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) as begin / instrText / separate / result / end runs."""
    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    paragraph.add_run("1")
    char("end")


class TemplateBuilder:
    """Build a .docx template: call the block methods in reading order, then :meth:`save`.

    Every text argument may contain Jinja expressions (``{{ party_a.name }}``); each call
    writes its text as one run, so a tag is never split.
    """

    def __init__(self, title: str, page: PageSetup | None = None, page_numbers: bool = True):
        self.document = Document()
        self.page = page or PageSetup()
        self._setup_page()
        self._setup_styles()
        self._set_core_properties(title)
        if page_numbers:
            self._footer_page_number()
        # python-docx's default document starts with no paragraphs; keep it that way.

    # -- setup -------------------------------------------------------------------------------
    def _setup_page(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
        section.top_margin = Mm(self.page.top)
        section.bottom_margin = Mm(self.page.bottom)
        section.left_margin = Mm(self.page.left)
        section.right_margin = Mm(self.page.right)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(15)

    def _setup_styles(self) -> None:
        doc = self.document
        _set_doc_defaults(doc)
        _style(doc, "Normal", font=BODY_FONT, size=SIZE_XIAOSI, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        _style(doc, "Title", font=TITLE_FONT, size=SIZE_ERHAO, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
               space_before=12, space_after=12, line_spacing=1.25)
        # python-docx's Title style draws a blue bottom border; a contract title has none.
        ppr = doc.styles["Title"].element.get_or_add_pPr()
        border = ppr.find(qn("w:pBdr"))
        if border is not None:
            ppr.remove(border)
        _style(doc, "Subtitle", font=TITLE_FONT, size=SIZE_SANHAO, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
               space_before=6, space_after=6, line_spacing=1.25)
        _style(doc, "Heading 1", font=HEADING_FONT, size=SIZE_SIHAO, space_before=9, space_after=3,
               keep_with_next=True, outline_level=0, align=WD_ALIGN_PARAGRAPH.LEFT)
        _style(doc, "Heading 2", font=HEADING_FONT, size=SIZE_XIAOSI, space_before=6, space_after=0,
               keep_with_next=True, outline_level=1, align=WD_ALIGN_PARAGRAPH.LEFT)
        _style(doc, "Table Grid", font=BODY_FONT, size=SIZE_WUHAO, line_spacing=1.15)

    def _set_core_properties(self, title: str) -> None:
        # Fixed values so a rebuilt template is byte-for-byte comparable in its XML.
        props = self.document.core_properties
        props.title = title
        props.author = "docgen"
        props.last_modified_by = "docgen"
        props.revision = 1
        fixed = datetime(2024, 1, 1, tzinfo=timezone.utc)
        props.created = fixed
        props.modified = fixed

    def _footer_page_number(self) -> None:
        footer = self.document.sections[0].footer
        paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("第 ")
        _field_run(paragraph, "PAGE")
        paragraph.add_run(" 页 共 ")
        _field_run(paragraph, "NUMPAGES")
        paragraph.add_run(" 页")
        for run in paragraph.runs:
            run.font.size = SIZE_WUHAO

    # -- blocks ------------------------------------------------------------------------------
    def title(self, text: str, *, size=None, space_before: float | None = None):
        paragraph = self.document.add_paragraph(style="Title")
        run = paragraph.add_run(text)
        if size is not None:
            run.font.size = size
        if space_before is not None:
            paragraph.paragraph_format.space_before = Pt(space_before)
        return paragraph

    def subtitle(self, text: str):
        paragraph = self.document.add_paragraph(style="Subtitle")
        paragraph.add_run(text)
        return paragraph

    def heading(self, text: str, level: int = 1):
        """A heading paragraph; for numbered clauses pass ``{{ clause.KEY.heading }}``."""
        paragraph = self.document.add_paragraph(style=f"Heading {level}")
        paragraph.add_run(text)
        return paragraph

    def clause(self, key: str, level: int = 1):
        """The heading of a numbered clause; number and title come from the kind's clause list."""
        return self.heading("{{ clause.%s.heading }}" % key, level)

    def para(self, text: str, *, indent: bool = True, align: str | None = None, bold: bool = False,
             size=None, space_before: float | None = None, space_after: float | None = None,
             keep_with_next: bool = False):
        """A body paragraph, first line indented two characters unless ``indent=False``."""
        paragraph = self.document.add_paragraph()
        self._format(paragraph, indent=indent, align=align, space_before=space_before,
                     space_after=space_after, keep_with_next=keep_with_next)
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size is not None:
            run.font.size = size
        return paragraph

    def paras(self, lines: Sequence[str], *, numbered: bool = False) -> None:
        """One body paragraph per line; ``numbered`` prefixes ``1. ``, ``2. `` … (the seeds' item lists)."""
        for n, text in enumerate(lines, start=1):
            self.para(f"{n}. {text}" if numbered else text)

    def runs(self, parts: Sequence[tuple[str, bool]], *, indent: bool = True, align: str | None = None):
        """A paragraph made of several runs ``(text, bold)``; each run must hold whole tags."""
        paragraph = self.document.add_paragraph()
        self._format(paragraph, indent=indent, align=align)
        for text, bold in parts:
            run = paragraph.add_run(text)
            run.bold = bold or None
        return paragraph

    def field_line(self, label: str, value: str, *, indent: bool = False):
        """``label：value`` on one line, label bold (cover pages, party blocks)."""
        return self.runs([(f"{label}：", True), (value, False)], indent=indent)

    def blank(self, count: int = 1) -> None:
        for _ in range(count):
            self.document.add_paragraph()

    def page_break(self) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.add_run().add_break(WD_BREAK.PAGE)

    def tag(self, tag: str):
        """A paragraph holding only a docxtpl paragraph tag such as ``{%p if bond %}``; it vanishes."""
        paragraph = self.document.add_paragraph()
        paragraph.add_run(tag)
        return paragraph

    @contextlib.contextmanager
    def when(self, condition: str) -> Iterator[None]:
        """Paragraphs written inside appear only when ``condition`` holds."""
        self.tag("{%%p if %s %%}" % condition)
        yield
        self.tag("{%p endif %}")

    def otherwise(self) -> None:
        """Inside :meth:`when`: the paragraphs after this appear when the condition fails."""
        self.tag("{%p else %}")

    def elif_(self, condition: str) -> None:
        self.tag("{%%p elif %s %%}" % condition)

    @contextlib.contextmanager
    def each(self, loop: str) -> Iterator[None]:
        """Paragraphs written inside repeat ``for`` each item: ``each('item in scope_items')``."""
        self.tag("{%%p for %s %%}" % loop)
        yield
        self.tag("{%p endfor %}")

    def table(self, headers: Sequence[str], cells: Sequence[str], *, loop: str | None = None,
              widths_mm: Sequence[float] | None = None, footer: Sequence[str] | None = None,
              align: Sequence[str] | None = None, header_bold: bool = True, size=None):
        """A real Word table: a header row, then ``cells`` repeated ``{%tr for loop %}``.

        ``footer`` adds a last row (e.g. 总计). ``align`` gives 'l', 'c' or 'r' per column;
        ``size`` the font size of every cell (default 五号).
        """
        columns = len(headers)
        if len(cells) != columns or (footer is not None and len(footer) != columns):
            raise ValueError("every row needs one cell per header")
        rows = 1 + (3 if loop else 1) + (1 if footer is not None else 0)
        table = self._grid_table(rows, columns, widths_mm)
        aligns = align or ["c"] * columns
        self._header_row(table, headers, bold=header_bold, size=size)
        index = 1
        if loop:
            self._cell(table.rows[index].cells[0], "{%%tr for %s %%}" % loop, "l")
            index += 1
        _cant_split(table.rows[index])
        for cell, text, how in zip(table.rows[index].cells, cells, aligns):
            self._cell(cell, text, how, size=size)
        index += 1
        if loop:
            self._cell(table.rows[index].cells[0], "{%tr endfor %}", "l")
            index += 1
        if footer is not None:
            for cell, text, how in zip(table.rows[index].cells, footer, aligns):
                self._cell(cell, text, how, bold=True, size=size)
        self._after_table()
        return table

    def fixed_table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], *,
                    widths_mm: Sequence[float] | None = None, align: Sequence[str] | None = None):
        """A table with a header row and fixed data rows (e.g. one row per party)."""
        columns = len(headers)
        if any(len(row) != columns for row in rows):
            raise ValueError("every row needs one cell per header")
        table = self._grid_table(1 + len(rows), columns, widths_mm)
        aligns = align or ["c"] * columns
        self._header_row(table, headers, bold=True)
        for row, values in zip(table.rows[1:], rows):
            _cant_split(row)
            for cell, text, how in zip(row.cells, values, aligns):
                self._cell(cell, text, how)
        self._after_table()
        return table

    def key_value_table(self, rows: Sequence[tuple[str, str]], widths_mm: Sequence[float] = (40, 106.4)):
        """A two-column table of fixed label / value rows (e.g. the parties' liaison details)."""
        table = self._grid_table(len(rows), 2, widths_mm)
        for row, (label, value) in zip(table.rows, rows):
            self._cell(row.cells[0], label, "c", bold=True)
            self._cell(row.cells[1], value, "l")
        self._after_table()
        return table

    def signature_block(self, left: Sequence[str], right: Sequence[str],
                        only_if: Sequence[str | None] | None = None):
        """Two borderless columns of signature lines (甲方 left, 乙方 right), kept on one page.

        ``only_if[n]``, when given, is a Jinja condition: line ``n`` (both sides) is printed only
        when it holds, through docxtpl ``{%tr if … %}`` rows, so no empty line is left behind.
        """
        count = max(len(left), len(right))
        conditions = list(only_if or [None] * count)
        if len(conditions) != count:
            raise ValueError("only_if needs one entry per line")
        plan: list[tuple[str, str, str]] = []  # (kind, left, right)
        for n in range(count):
            pair = (left[n] if n < len(left) else "", right[n] if n < len(right) else "")
            if conditions[n]:
                plan += [("tag", "{%%tr if %s %%}" % conditions[n], ""), ("line", *pair), ("tag", "{%tr endif %}", "")]
            else:
                plan.append(("line", *pair))
        table = self.document.add_table(rows=len(plan), cols=2)
        _no_borders(table)
        half = self.page.text_width_mm / 2
        _fixed_layout(table, [half, half])
        for row, (_, left_text, right_text) in zip(table.rows, plan):
            _cant_split(row)
            for cell, text in zip(row.cells, (left_text, right_text)):
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.line_spacing = 1.5
                paragraph.paragraph_format.keep_with_next = True
                if text:
                    run = paragraph.add_run(text)
                    run.font.size = SIZE_XIAOSI
        self._after_table()
        return table

    def party_signatures(self, date: str, *, sign: str = "", date_label: str = "签约日期"):
        """The signature block of an agreement between the two parties ``party_a`` and ``party_b``,
        both dated ``date`` (a context path such as ``signing.date``); see :func:`party_signature`."""
        return self.signature_block(party_signature("甲方", "party_a", date, sign=sign, date_label=date_label),
                                    party_signature("乙方", "party_b", date, sign=sign, date_label=date_label))

    # -- helpers -----------------------------------------------------------------------------
    def _grid_table(self, rows: int, columns: int, widths_mm: Sequence[float] | None):
        """A centred, bordered table with fixed column widths (equal shares of the text width by default)."""
        table = self.document.add_table(rows=rows, cols=columns)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _table_borders(table)
        _fixed_layout(table, widths_mm or [self.page.text_width_mm / columns] * columns)
        return table

    def _header_row(self, table, headers: Sequence[str], *, bold: bool, size=None) -> None:
        """The first row: centred headings, repeated on every page the table spans."""
        _repeat_header(table.rows[0])
        for cell, text in zip(table.rows[0].cells, headers):
            self._cell(cell, text, "c", bold=bold, size=size)

    def _format(self, paragraph, *, indent: bool, align: str | None, space_before=None, space_after=None,
                keep_with_next: bool = False) -> None:
        fmt = paragraph.paragraph_format
        if indent:
            ppr = paragraph._p.get_or_add_pPr()
            ind = OxmlElement("w:ind")
            ind.set(qn("w:firstLineChars"), "200")  # two characters, whatever the font size
            ind.set(qn("w:firstLine"), str(int(SIZE_XIAOSI.twips * 2)))
            ppr.append(ind)
        if align:
            fmt.alignment = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER,
                             "r": WD_ALIGN_PARAGRAPH.RIGHT, "j": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
        if space_before is not None:
            fmt.space_before = Pt(space_before)
        if space_after is not None:
            fmt.space_after = Pt(space_after)
        if keep_with_next:
            fmt.keep_with_next = True

    def _cell(self, cell, text: str, how: str, bold: bool = False, size=None) -> None:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.alignment = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER,
                               "r": WD_ALIGN_PARAGRAPH.RIGHT}[how]
        paragraph.paragraph_format.line_spacing = 1.15
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.font.size = size or SIZE_WUHAO

    def _after_table(self) -> None:
        # A small gap so the next paragraph does not touch the table's bottom border.
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.line_spacing = 1.0
        paragraph.paragraph_format.space_after = Pt(0)

    # -- output ------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    def save(self, path: str | Path) -> Path:
        """Write the template atomically."""
        target = Path(path)
        atomic_write_bytes(target, self.to_bytes(), mode=0o644)
        return target


def party_signature(side: str, party: str, date: str, *, seal: str = "（盖章）", sign: str = "",
                    date_label: str = "签约日期") -> list[str]:
    """One column of a signature block for a contract party, as the seeds print it::

        甲方：{{ party_a.name }}
        （盖章）
        {{ party_a.signatory }}（签字）：
        (a blank line to sign on)
        签约日期：{{ signing.date|cn_date }}

    ``side`` is the label before the name (may hold Jinja), ``party`` the context name of the party,
    ``date`` the context path of the date; ``date_label=""`` prints the date alone.
    """
    when = "{{ %s|cn_date }}" % date
    return [f"{side}：{{{{ {party}.name }}}}", seal, f"{{{{ {party}.signatory }}}}{sign}：", "",
            f"{date_label}：{when}" if date_label else when]


def save_templates(folder: str | Path, builders: Mapping[str, TemplateBuilder]) -> None:
    """Write each builder to ``folder / file name`` (what a ``build.py`` does when run)."""
    for name, builder in builders.items():
        target = builder.save(Path(folder) / name)
        print(f"wrote {target}", file=sys.stderr)


def xml_parts(docx: bytes | str | Path) -> dict[str, str]:
    """The XML text of every ``word/`` part of a .docx, for comparing templates by content."""
    source = io.BytesIO(docx) if isinstance(docx, bytes) else docx
    with zipfile.ZipFile(source) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in sorted(archive.namelist())
            if name.startswith("word/") and name.endswith(".xml")
        }


def load_builders(folder: str | Path) -> dict[str, TemplateBuilder]:
    """The builders of a template folder's ``build.py``, by output file name.

    A script defines ``builders() -> {file name: TemplateBuilder}``, or ``build()`` for a single
    ``template.docx``. Used by the test that keeps committed templates equal to their scripts.
    """
    import importlib.util

    script = Path(folder) / "build.py"
    spec = importlib.util.spec_from_file_location(f"_template_build_{Path(folder).name.replace('-', '_')}", script)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if hasattr(module, "builders"):
        return dict(module.builders())
    return {"template.docx": module.build()}
