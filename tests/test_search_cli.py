"""``docgen search`` and ``docgen index rebuild`` against a real archive (real encryption, real Whoosh)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from archive import Archive
from docgen.cli import cli

PASSPHRASE = "测试口令-search"

DOCUMENTS = {
    "nda": ("12", "公司保密协议", date(2022, 10, 19), "保密协议：乙方不得泄露源代码。发生信息安全事件时立即报告。"),
    "nda-jl": ("14", "监理保密协议", date(2022, 11, 2), "保密协议（监理）：监理单位对运维资料保密。"),
    "notice": ("14", "监理通知单", date(2023, 3, 1), "监理通知单：请于三个工作日内整改积分落户系统的备份问题。负责人王为昌。"),
    "report": ("07", "2021年5月运维月报", date(2021, 5, 31), "月度运维报告：本月无故障，积分落户系统运行平稳。"),
}


@pytest.fixture
def home(tmp_path):
    """A fresh archive holding the four documents above; returns (home, {name: 档号})."""
    root = tmp_path / "home"
    refs = {}
    with Archive.init(root, PASSPHRASE, fonds="BJ01", kdf="test") as arc:
        for name, (category, title, day, text) in DOCUMENTS.items():
            result = arc.add(text.encode("utf-8"), {"category": category, "title": title, "date": day}, filename=f"{name}.txt")
            refs[name] = result.ref
    return root, refs


def run(home_dir, *args):
    runner = CliRunner()
    return runner.invoke(cli, [*args, "--home", str(home_dir)], env={"DOCGEN_PASSPHRASE": PASSPHRASE})


def search_json(home_dir, *args) -> dict:
    result = run(home_dir, "search", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def refs_of(data: dict) -> set[str]:
    return {r["ref"] for r in data["results"]}


def test_search_prints_ref_title_date_category_score_and_a_highlighted_snippet(home):
    root, refs = home
    result = run(root, "search", "保密协议 NOT 监理")
    assert result.exit_code == 0, result.output
    assert "共 1 条结果，显示第 1–1 条：" in result.output
    assert f"1. {refs['nda']}  公司保密协议" in result.output
    assert "2022-10-19  12 合同与协议  得分" in result.output
    assert "【保密协议】：乙方不得泄露源代码" in result.output


def test_not_excludes_every_document_containing_the_term(home):
    root, refs = home
    assert refs_of(search_json(root, "保密协议 NOT 监理")) == {refs["nda"]}
    assert refs_of(search_json(root, "保密协议 -监理")) == {refs["nda"]}


def test_json_shape(home):
    root, refs = home
    data = search_json(root, "积分落户", "--limit", "1")
    assert set(data) == {"query", "total", "offset", "limit", "results", "terms", "warnings"}
    assert data["total"] == 2 and data["limit"] == 1 and len(data["results"]) == 1
    assert data["terms"] == ["积分落户"]
    hit = data["results"][0]
    assert set(hit) == {"ref", "doc_id", "title", "date", "category", "category_name", "project",
                        "sensitivity", "score", "snippet", "highlights"}
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "积分落户"


@pytest.mark.parametrize("args, expected", [
    (("--category", "14"), {"nda-jl", "notice"}),
    (("--category", "监理文书"), {"nda-jl", "notice"}),
    (("--year", "2021"), {"report"}),
    (("--from", "2022-11-01", "--to", "2023-12-31"), {"nda-jl", "notice"}),
])
def test_filters(home, args, expected):
    root, refs = home
    assert refs_of(search_json(root, "", *args)) == {refs[n] for n in expected}


def test_paging_by_page_and_by_offset(home):
    root, _ = home
    first = search_json(root, "", "--limit", "3", "--page", "1")
    second = search_json(root, "", "--limit", "3", "--page", "2")
    by_offset = search_json(root, "", "--limit", "3", "--offset", "3")
    assert first["total"] == second["total"] == 4
    assert len(first["results"]) == 3 and len(second["results"]) == 1
    assert refs_of(second) == refs_of(by_offset)
    assert not refs_of(first) & refs_of(second)


def test_a_destroyed_document_vanishes_from_results(home):
    root, refs = home
    with Archive.open(root, PASSPHRASE) as arc:
        arc.destroy([refs["notice"]], "测试销毁")
    data = search_json(root, "王为昌")
    assert refs["notice"] not in refs_of(data)


def test_a_superseded_document_shows_only_its_newest_version(home):
    root, refs = home
    with Archive.open(root, PASSPHRASE) as arc:
        new = arc.add("月度运维报告（修订版）：积分落户系统本月有一次故障。".encode(),
                      {"category": "07", "title": "2021年5月运维月报（修订）", "date": date(2021, 5, 31)},
                      filename="report-v2.txt", supersedes=refs["report"])
    data = search_json(root, "运维报告")
    assert [r["doc_id"] for r in data["results"]] == [new.doc_id]
    assert data["results"][0]["title"] == "2021年5月运维月报（修订）"


def test_index_rebuild_restores_search(home):
    root, refs = home
    result = run(root, "index", "rebuild")
    assert result.exit_code == 0, result.output
    assert "索引已重建：4 份文件。" in result.output
    assert refs_of(search_json(root, "保密协议 NOT 监理")) == {refs["nda"]}


def test_bad_query_exits_2_with_the_reason(home):
    root, _ = home
    result = run(root, "search", '"未闭合')
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == '错误：查询语句无法解析：引号 " 没有闭合'


def test_bad_options_are_all_reported_at_once_and_exit_2(home):
    root, _ = home
    result = run(root, "search", "保密", "--limit", "0", "--retention", "X", "--from", "2022-02-30")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == "错误：检索条件有误"
    assert "  [错误] limit（每页条数）：应不小于 1；现值：0" in lines
    assert "  [错误] retention（保管期限）：应为 Y / D30 / D10；现值：X" in lines
    assert "  [错误] date_from（起始日期）：应为日期 YYYY-MM-DD；现值：2022-02-30" in lines


def test_unknown_category_exits_2(home):
    root, _ = home
    result = run(root, "search", "保密", "--category", "99")
    assert result.exit_code == 2
    assert "  [错误] category（门类）：分类方案中没有这个门类；现值：99" in result.output.splitlines()


def test_every_search_command_has_help_text():
    runner = CliRunner()
    for args in (["search", "--help"], ["index", "--help"], ["index", "rebuild", "--help"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0
        assert "Usage:" in result.output and len(result.output) > 200


def test_each_search_is_audited_with_its_query_sealed(home):
    root, refs = home
    search_json(root, "保密协议 NOT 监理")
    with Archive.open(root, PASSPHRASE) as arc:
        entries = arc.log(action="search")
    assert len(entries) == 1
    detail = entries[-1].detail
    assert detail["query"] == "保密协议 NOT 监理" and detail["shown"] == [refs["nda"]]
    for path in root.rglob("*"):  # catalog, its WAL, index, blobs: the query is nowhere in the clear
        if path.is_file():
            assert "保密协议 NOT 监理".encode() not in path.read_bytes(), path.name


def test_snippets_mask_personal_id_numbers(tmp_path):
    from tests.fakes import fake_id_number

    number = fake_id_number(9, date(1988, 8, 8), male=False)
    root = tmp_path / "home"
    with Archive.init(root, PASSPHRASE, fonds="BJ01", kdf="test") as arc:
        arc.add(f"个人保密协议 乙方：王样本 身份证号：{number}".encode(), {"category": "12", "title": "个人保密协议"},
                filename="nda.txt")
    data = search_json(root, "个人保密协议")
    assert data["total"] == 1
    assert number not in json.dumps(data, ensure_ascii=False)
    assert "［身份证号］" in data["results"][0]["snippet"]


def test_a_tampered_index_is_refused_and_rebuild_recovers_it(home):
    """GIVEN a flipped bit in the index's table of contents WHEN searching THEN exit 1 with advice;
    WHEN rebuilding THEN the index is recreated from the archive and search works again."""
    root, refs = home
    toc = next((root / "index").glob("_MAIN_*.toc"))
    data = bytearray(toc.read_bytes())
    data[-1] ^= 0x01
    toc.write_bytes(bytes(data))
    result = run(root, "search", "保密协议")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("错误：搜索索引无法打开（Unauthenticated")
    assert result.output.splitlines()[0].endswith("；运行 docgen index rebuild 重建")
    rebuilt = run(root, "index", "rebuild")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert refs_of(search_json(root, "保密协议 NOT 监理")) == {refs["nda"]}
