"""The render machinery: sandboxed autoescaping Jinja, strict variables, YAML loading, PDF, batches.

Real components throughout: templates built with docxbuild, rendered by docxtpl, reopened
with python-docx; PDFs from LibreOffice read back with pypdf.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from docgen.docxbuild import TemplateBuilder
from docgen.errors import DocgenError, InvalidInput, MissingTool, UsageError
from docgen.kinds.base import get_kind
from docgen.kinds.common import Copies, Duration, Person, mask_id, validate
from docgen.render import batch, load_yaml, parse_yaml, render, render_docx, to_pdf
from tests.kind_helpers import docx_text

CONTRACT = get_kind("contract")
SAMPLE = CONTRACT.folder / "sample-002.yaml"


def template(tmp_path: Path, *lines: str) -> Path:
    builder = TemplateBuilder("测试")
    for line in lines:
        builder.para(line)
    return builder.save(tmp_path / "t.docx")


def paragraphs(data: bytes, tmp_path: Path) -> list[str]:
    out = tmp_path / "out.docx"
    out.write_bytes(data)
    return [p.text for p in Document(str(out)).paragraphs]


# ───────────────────────────── render_docx ─────────────────────────────


@pytest.mark.parametrize("value", [
    "{{ 7*7 }}", "{% for x in y %}", "&", "A & B < C > D", "<w:t>", "</w:p>", "</w:t></w:r></w:p><w:p>",
    "{{ ''.__class__.__mro__ }}", "&amp;", "\"引号\" '单引号'",
], ids=["jinja-expr", "jinja-stmt", "amp", "operators", "w-t", "close-p", "xml-break", "dunder", "entity", "quotes"])
def test_values_are_printed_literally(tmp_path, value: str):
    """GIVEN a value full of Jinja or XML WHEN rendered THEN it appears verbatim in a valid .docx."""
    data = render_docx(template(tmp_path, "值：{{ value }}。"), {"value": value})
    assert paragraphs(data, tmp_path) == [f"值：{value}。"]


def test_compiled_template_cache_does_not_leak_values(tmp_path):
    path = template(tmp_path, "值：{{ value }}。")
    first = render_docx(path, {"value": "甲"})
    second = render_docx(path, {"value": "乙"})
    assert paragraphs(first, tmp_path) == ["值：甲。"]
    assert paragraphs(second, tmp_path) == ["值：乙。"]


def test_sandbox_blocks_attribute_escapes(tmp_path):
    path = template(tmp_path, "{{ value.__class__.__mro__ }}")
    with pytest.raises(DocgenError, match="渲染模板 t.docx 失败"):
        render_docx(path, {"value": "x"})


def test_a_missing_template_is_a_docgen_error(tmp_path):
    with pytest.raises(DocgenError, match="模板文件不存在"):
        render_docx(tmp_path / "nope.docx", {})


def test_undefined_variables_are_errors_not_blanks(tmp_path):
    with pytest.raises(DocgenError, match="'missing' is undefined"):
        render_docx(template(tmp_path, "{{ missing }}"), {})


def test_none_prints_as_nothing_and_filters_format(tmp_path):
    from datetime import date
    from decimal import Decimal

    path = template(tmp_path, "传真：{{ fax }}", "{{ total|money }} {{ total|money(False) }} {{ rate|pct }}",
                    "{{ day|cn_date }} {{ day|cn_date('cn_numerals') }} {{ n|cn_count }}")
    data = render_docx(path, {"fax": None, "total": Decimal("103800"), "rate": Decimal("0.05"),
                              "day": date(2022, 12, 6), "n": 6})
    assert paragraphs(data, tmp_path) == ["传真：", "¥103,800.00 103,800.00 0.05%", "2022年12月6日 二〇二二年十二月六日 陆"]


# ───────────────────────────── YAML ─────────────────────────────


def test_yaml_keeps_dates_as_text_for_the_model():
    data = parse_yaml("date: 2023-02-30\nmoney: 1038000.00\ncode: 0747-2261SCCZA221\n")
    assert data == {"date": "2023-02-30", "money": 1038000.0, "code": "0747-2261SCCZA221"}


def test_yaml_reads_only_plain_decimals_as_integers():
    """YAML 1.1 reads a leading 0 as octal (01062345670 → 147442616, 030000 → 12288, 012 → 10) and
    9:20 as base 60 (560): a phone, postcode or time would change silently. They stay text."""
    data = parse_yaml("phone: 01062345670\npostcode: 030000\nseq: 012\ntime: 9:20\nhex: 0x1F\n"
                      "n: 12\nzero: 0\nminus: -3\nbig: 1_000\n")
    assert data == {"phone": "01062345670", "postcode": "030000", "seq": "012", "time": "9:20", "hex": "0x1F",
                    "n": 12, "zero": 0, "minus": -3, "big": 1000}


def test_an_unquoted_phone_with_a_leading_zero_is_printed_as_typed(tmp_path):
    path = tmp_path / "contract.yaml"
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace("phone: 010-55585416", "phone: 01055545416"),
                    encoding="utf-8")
    render("contract", path, tmp_path / "c.docx")
    assert "01055545416" in docx_text(tmp_path / "c.docx")


def test_yaml_refuses_duplicate_keys():
    with pytest.raises(InvalidInput) as caught:
        parse_yaml("a: 1\nb:\n  c: 1\n  c: 2\n")
    assert caught.value.problems[0].message.startswith("YAML 语法错误：重复的键 'c'")


def test_load_yaml_refuses_non_utf8(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("名称: 测试".encode("gbk"))
    with pytest.raises(InvalidInput, match="不是 UTF-8"):
        load_yaml(path)


# ───────────────────────────── shared types ─────────────────────────────


@pytest.mark.parametrize("text,expected", [
    ("20个工作日", "20个工作日"), ("30日", "30日"), ("30天", "30日"), ("12个月", "12个月"), ("2小时", "2小时"),
    ({"n": 5, "unit": "日", "basis": "working"}, "5个工作日"),
])
def test_duration_text(text, expected):
    assert Duration.model_validate(text).text == expected


def test_working_day_duration_crosses_national_day():
    from datetime import date

    # 2023-09-28 + 3 working days: 9-29..10-6 is 中秋/国庆, 10-7 and 10-8 are 调休 workdays.
    assert Duration.model_validate("3个工作日").after(date(2023, 9, 28)) == date(2023, 10, 9)


@pytest.mark.parametrize("holders,numerals,expected", [
    ([("甲方", 3), ("乙方", 3)], "大写", "一式陆份，甲、乙双方各执叁份"),
    ([("甲方", 6), ("乙方", 2)], "大写", "一式捌份，甲方执陆份、乙方执贰份"),
    ([("甲方", 2), ("乙方", 2), ("招标代理机构", 2)], "大写", "一式陆份，甲、乙双方各执贰份，招标代理机构执贰份"),
    ([("甲方", 1), ("乙方", 1)], "小写", "一式二份，甲、乙双方各执一份"),
], ids=["seed-002", "seed-004", "seed-003", "personal-nda"])
def test_copies_text(holders, numerals, expected):
    copies = Copies(total=sum(n for _, n in holders), holders=[{"holder": h, "n": n} for h, n in holders],
                    numerals=numerals)
    assert copies.text == expected


def test_person_gender_is_derived_and_id_never_in_repr():
    person, problems = validate(Person, {"name": "王样本", "id_number": "110105198803126555"})
    assert problems == [] and person.gender == "男"
    assert "110105198803126555" not in repr(person)
    assert mask_id("110105198803126555") == "110***********6555"


def test_unknown_kind_is_a_usage_error():
    with pytest.raises(UsageError, match="未知的文书类型：letter"):
        get_kind("letter")


# ───────────────────────────── PDF ─────────────────────────────


def test_missing_libreoffice_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH where no soffice lives
    with pytest.raises(MissingTool, match="生成 PDF 需要 LibreOffice"):
        to_pdf(tmp_path / "x.docx", tmp_path)


def test_render_with_pdf_and_no_libreoffice_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(MissingTool):
        render("contract", SAMPLE, tmp_path / "c.docx", pdf=True)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_pdf_conversion_writes_nothing(tmp_path, monkeypatch):
    """GIVEN a LibreOffice that fails WHEN a document is rendered with a PDF
    THEN the error names the failure and neither the .docx nor a PDF is left in the output folder."""
    tools = tmp_path / "bin"
    tools.mkdir()
    soffice = tools / "soffice"
    soffice.write_text("#!/bin/sh\necho 'source file could not be loaded' >&2\nexit 1\n", encoding="utf-8")
    soffice.chmod(0o755)
    monkeypatch.setenv("PATH", str(tools))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(DocgenError, match="LibreOffice 未能把 c.docx 转成 PDF：source file could not be loaded"):
        render("contract", SAMPLE, out / "c.docx", pdf=True)
    assert list(out.iterdir()) == []


@pytest.mark.pdf
def test_contract_pdf_contains_the_chinese_amounts(tmp_path):
    result = render("contract", SAMPLE, tmp_path / "contract.docx", pdf=True)
    pdf = tmp_path / "contract.pdf"
    assert result.out_paths == [tmp_path / "contract.docx", pdf]
    text = "".join(page.extract_text() for page in PdfReader(str(pdf)).pages).replace(" ", "").replace("\n", "")
    assert "壹佰零叁万捌仟元整" in text
    assert "壹拾万叁仟捌佰元整" in text
    assert "一式陆份" in text


# ───────────────────────────── batches ─────────────────────────────


def _write_samples(folder: Path, count: int) -> None:
    folder.mkdir()
    base = SAMPLE.read_text(encoding="utf-8")
    for n in range(count):
        (folder / f"contract-{n}.yaml").write_text(base.replace("contract_no:", f"contract_no: HT-{n:03d}"),
                                                   encoding="utf-8")


def test_batch_renders_every_file_of_a_folder_on_two_processes(tmp_path):
    _write_samples(tmp_path / "data", 3)
    seen = []
    result = batch("contract", tmp_path / "data", tmp_path / "out", workers=2,
                   progress=lambda item, done, total: seen.append((done, total)))
    assert sorted(p.name for p in result.out_paths) == ["contract-0.docx", "contract-1.docx", "contract-2.docx"]
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]
    text = "\n".join(p.text for p in Document(str(tmp_path / "out" / "contract-2.docx")).paragraphs)
    assert "合同编号：HT-002" in text


def test_batch_with_one_bad_file_writes_nothing(tmp_path):
    _write_samples(tmp_path / "data", 2)
    bad = tmp_path / "data" / "contract-1.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace('total: "1038000.00"', 'total: "-5"'), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        batch("contract", tmp_path / "data", tmp_path / "out")
    assert [p.path for p in caught.value.problems if p.severity == "error"] == ["contract-1.yaml: money.total"]
    assert not (tmp_path / "out").exists()


def test_batch_of_an_empty_folder_is_bad_input(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(InvalidInput, match="没有数据文件"):
        batch("contract", tmp_path / "data", tmp_path / "out")


def test_render_from_a_mapping_is_the_same_as_from_the_file(tmp_path):
    from_file = render("contract", SAMPLE, tmp_path / "a.docx")
    from_dict = render("contract", copy.deepcopy(load_yaml(SAMPLE)), tmp_path / "b.docx")
    assert from_file.derived == from_dict.derived
    assert os.path.getsize(tmp_path / "a.docx") > 20_000
