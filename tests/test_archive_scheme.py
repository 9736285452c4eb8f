"""The filing scheme file, document metadata validation and 档号 formatting."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from archive.errors import InvalidMeta, InvalidScheme
from archive.meta import DocMeta, parse_query, validate_meta
from archive.refs import format_ref, normalize_ref, parse_ref, parse_wanted
from archive.scheme import SCHEME_FILE, load_scheme, parse_scheme, period_kind

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/seeds")


def test_scheme_has_the_seed_categories_and_the_three_added():
    scheme = load_scheme()
    names = [c.name for c in scheme.categories]
    for expected in ("运维体系建设", "运维服务方案", "运维工作计划", "日常检查记录", "现场工作记录", "故障总结报告",
                     "服务总结", "汇报文档", "设计方案", "技术方案", "往来文件", "合同与协议", "验收材料", "监理文书"):
        assert expected in names
    supervision = scheme.category("14")
    assert [t.name for t in supervision.doc_types] == ["监理周报", "监理月报", "监理通知单", "会议纪要", "专题报告", "年度总结"]
    assert scheme.archive_category == "WS"


def test_doc_types_the_handover_relies_on_exist():
    scheme = load_scheme()
    wanted = {"07": ["周报", "月报", "季报"], "04": ["巡检记录"], "06": ["故障报告"], "14": ["监理通知单"], "12": ["合同", "保密协议"]}
    for code, types in wanted.items():
        for name in types:
            assert scheme.category(code).doc_type(name) is not None, (code, name)
    assert scheme.category("07").doc_type("周报").period == "week"
    assert scheme.category("07").doc_type("季报").period == "quarter"


def test_defaults_come_from_category_then_doc_type():
    scheme = load_scheme()
    assert scheme.category("07").defaults_for("周报") == ("D10", "最小敏感性")
    assert scheme.category("07").defaults_for("年度总结") == ("D30", "最小敏感性")
    assert scheme.category("10").defaults_for("安全加固方案") == ("D30", "比较敏感")
    assert scheme.category("15").defaults_for(None) == ("Y", "最小敏感性")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed contracts are not next to this checkout")
def test_every_quoted_source_is_verbatim_in_its_seed_line():
    scheme = load_scheme()
    sources = [lv.source for lv in scheme.sensitivity]
    for category in scheme.categories:
        sources.append(category.source)
        sources.extend(t.source for t in category.doc_types if t.source)
    for source in sources:
        line = (SEEDS / source.seed).read_text(encoding="utf-8").splitlines()[source.line - 1]
        assert source.text in line, source


def test_a_broken_scheme_reports_every_problem():
    text = SCHEME_FILE.read_text(encoding="utf-8")
    broken = text.replace("problem_code: TXJ", "problem_code: tx", 1).replace("retention: D10\n", "retention: D5\n", 1)
    with pytest.raises(InvalidScheme) as caught:
        parse_scheme(broken)
    paths = [p.path for p in caught.value.problems]
    assert any("problem_code" in p for p in paths) and any("retention" in p for p in paths)


def test_duplicate_category_codes_are_refused():
    text = SCHEME_FILE.read_text(encoding="utf-8").replace('code: "02"', 'code: "01"', 1)
    with pytest.raises(InvalidScheme):
        parse_scheme(text)


@pytest.mark.parametrize(
    "period, kind",
    [("2024-03", "month"), ("2024-W10", "week"), ("2020-W53", "week"), ("2024Q4", "quarter"), ("2024-H2", "half"),
     ("2024", "year"), ("2024-13", None), ("2021-W53", None), ("2024Q5", None), ("2024-H3", None), ("24-03", None)],
)  # fmt: skip
def test_period_kinds(period, kind):
    assert period_kind(period) == kind


def test_metadata_problems_are_all_reported_with_chinese_labels():
    with pytest.raises(InvalidMeta) as caught:
        validate_meta(
            {"category": "99", "date": "2024-02-30", "project": "积分落户", "period": "2024-W60", "pages": 0, "colour": "red"},
            load_scheme(),
        )
    lines = [p.as_line() for p in caught.value.problems]
    assert "date（文件日期）：应为日期（YYYY-MM-DD）；现值：2024-02-30" in lines
    assert any(line.startswith("category（类别）：不在文件分类方案中") for line in lines)
    assert any(line.startswith("project（项目代码）：") for line in lines)
    assert any(line.startswith("period（报告期）：") for line in lines)
    assert "pages（页数）：应大于 0；现值：0" in lines
    assert any(line.startswith("colour") and "不是可用的字段" in line for line in lines)


def test_doc_type_and_period_kind_are_checked_against_the_scheme():
    with pytest.raises(InvalidMeta) as caught:
        validate_meta({"category": "07", "doc_type": "月报", "period": "2024-W10"}, load_scheme())
    assert [p.path for p in caught.value.problems] == ["period"]
    with pytest.raises(InvalidMeta) as caught:
        validate_meta({"category": "07", "doc_type": "监理通知单"}, load_scheme())
    assert caught.value.problems[0].path == "doc_type"


def test_missing_period_and_early_receipt_are_warnings():
    meta, warnings = validate_meta(
        {"category": "07", "doc_type": "周报", "date": "2024-03-08", "received": "2024-03-01"}, load_scheme()
    )
    assert isinstance(meta, DocMeta) and meta.date == date(2024, 3, 8)
    assert sorted(w.path for w in warnings) == ["period", "received"]


def test_floats_and_garbage_in_queries_are_refused():
    with pytest.raises(InvalidMeta) as caught:
        parse_query({"year": "二〇二四", "status": "gone"})
    assert sorted(p.path for p in caught.value.problems) == ["status", "year"]


def test_reference_codes():
    ref = format_ref("BJ01", "WS", 2024, "D30", "FWZ", 7)
    assert ref == "BJ01-WS·2024-D30-FWZ-0007"
    assert normalize_ref("bj01-ws.2024-d30-fwz-0007") == ref
    parts = parse_ref(ref)
    assert (parts.year, parts.retention, parts.problem_code, parts.item_no) == (2024, "D30", "FWZ", 7)
    assert format_ref("BJ01", "WS", 2024, "Y", "FWZ", 12345).endswith("-12345")
    assert parse_wanted(ref + "@2").version == 2
    assert parse_wanted("0" * 32).doc_id == "0" * 32
    assert parse_wanted("not a ref") is None
    assert parse_wanted(ref + "@x") is None
