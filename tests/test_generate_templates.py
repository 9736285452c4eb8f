"""The committed .docx templates are exactly what their builder scripts produce, and look right.

Templates are authored by ``templates/<kind>/build.py`` (``make templates``); editing a .docx
by hand in Word would split Jinja tags across runs and lose the explicit East-Asian fonts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from docgen.docxbuild import BODY_FONT, TemplateBuilder, load_builders, xml_parts
from docgen.kinds.base import templates_dir

FOLDERS = sorted(p.parent for p in templates_dir().glob("*/build.py"))


def test_every_template_folder_has_a_builder():
    assert any(f.name == "contract" for f in FOLDERS)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_committed_templates_match_their_builder(folder: Path):
    """GIVEN a template folder WHEN its build.py runs THEN each committed .docx has the same XML parts."""
    builders = load_builders(folder)
    assert builders, f"{folder}/build.py builds nothing"
    for name, builder in builders.items():
        committed = folder / name
        assert committed.exists(), f"{committed} is missing: run `make templates`"
        built, stored = xml_parts(builder.to_bytes()), xml_parts(committed)
        assert built.keys() == stored.keys()
        for part in built:
            assert built[part] == stored[part], f"{committed}:{part} differs from build.py: run `make templates`"


def test_builder_output_is_a4_with_east_asian_fonts(tmp_path):
    builder = TemplateBuilder("测试")
    builder.title("合 同 书")
    builder.para("甲方：{{ party_a.name }}")
    document = Document(builder.save(tmp_path / "t.docx"))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == BODY_FONT
    assert normal.get(qn("w:eastAsiaTheme")) is None
    assert abs(section.left_margin.mm - 31.8) < 0.1


def test_builder_keeps_each_tag_in_one_run(tmp_path):
    builder = TemplateBuilder("测试")
    builder.runs([("金额：", True), ("{{ total|money }}", False)])
    paragraph = Document(builder.save(tmp_path / "t.docx")).paragraphs[-1]
    assert [run.text for run in paragraph.runs] == ["金额：", "{{ total|money }}"]


def test_table_rows_repeat_with_tr_tags(tmp_path):
    builder = TemplateBuilder("测试")
    builder.table(["序号", "内容"], ["{{ loop.index }}", "{{ r }}"], loop="r in rows")
    table = Document(builder.save(tmp_path / "t.docx")).tables[0]
    assert [row.cells[0].text for row in table.rows] == ["序号", "{%tr for r in rows %}", "{{ loop.index }}",
                                                         "{%tr endfor %}"]


def test_table_rejects_a_row_with_the_wrong_number_of_cells():
    with pytest.raises(ValueError):
        TemplateBuilder("测试").table(["a", "b"], ["{{ x }}"])
