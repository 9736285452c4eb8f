"""The generation commands: exit codes, exact error lines, --json shapes, nothing written on error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docgen.kinds.base import get_kind
from tests.kind_helpers import run

SAMPLE = get_kind("contract").folder / "sample-002.yaml"


def bad_sample(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return path


def test_render_writes_the_docx_and_says_so(tmp_path):
    out = tmp_path / "合同.docx"
    result = run("render", "contract", SAMPLE, "-o", out)
    assert result.exit_code == 0
    assert result.stdout == f"已生成：{out}\n"
    assert "[警告] money.instalments[0]（付款节点）" in result.stderr
    assert out.stat().st_size > 20_000


def test_render_json(tmp_path):
    out = tmp_path / "c.docx"
    result = run("render", "contract", SAMPLE, "-o", out, "--json")
    payload = json.loads(result.stdout)
    assert payload["outputs"] == [str(out)]
    assert [w["path"] for w in payload["warnings"]] == ["money.instalments[0]"]
    assert set(payload["warnings"][0]) == {"path", "label", "message", "value", "severity"}


def test_render_bad_data_exits_2_with_the_exact_line_and_writes_nothing(tmp_path):
    data = bad_sample(tmp_path, 'total: "1038000.00"', 'total: "-1038000.00"')
    out = tmp_path / "c.docx"
    result = run("render", "contract", data, "-o", out)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "错误：服务合同数据有 1 处错误，未生成任何文件"
    assert "  [错误] money.total（合同总价）：金额不能为负数；现值：-1038000.00" in lines
    assert not out.exists()


def test_check_ok(tmp_path):
    result = run("check", "contract", SAMPLE)
    assert result.exit_code == 0
    assert result.stdout == f"检查通过：{SAMPLE}（1 条警告）\n"


def test_check_lists_every_error(tmp_path):
    data = bad_sample(tmp_path, "date: 2022-12-13", "date: 2022-02-30")
    data.write_text(data.read_text(encoding="utf-8").replace("total: 6", "total: 7"), encoding="utf-8")
    result = run("check", "contract", data)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "错误：服务合同数据有 2 处错误，未生成任何文件",
        "  [错误] signing.date（签订日期）：日期不存在：2022 年 2 月没有 30 日；现值：2022-02-30",
        "  [错误] copies（合同份数）：各方持有份数之和 6 不等于总份数 7",
    ]


def test_errors_are_listed_before_warnings(tmp_path):
    """GIVEN a warning found by an earlier check step than an error WHEN the data is refused
    THEN the error line comes first, as ``print_problems`` promises."""
    data = bad_sample(tmp_path, "expiry: 2023-12-12", "expiry: 2023-06-30")
    data.write_text(data.read_text(encoding="utf-8").replace("start: 2022-12-13", "start: 2022-12-01"),
                    encoding="utf-8")
    tags = [line.split("]")[0] for line in run("check", "contract", data).stderr.splitlines()[1:]]
    assert tags == ["  [错误", "  [警告", "  [警告"]


def test_check_json_on_errors(tmp_path):
    data = bad_sample(tmp_path, "pct: 100", "pct: 90")
    result = run("check", "contract", data, "--json")
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    assert [e["path"] for e in payload["errors"]] == ["money.instalments"]


def test_check_json_ok_has_derived_values():
    payload = json.loads(run("check", "contract", SAMPLE, "--json").stdout)
    assert payload["ok"] is True
    assert payload["derived"]["bond_upper"] == "壹拾万叁仟捌佰元整"
    assert payload["derived"]["bond_amount"] == "103800.00"
    assert payload["derived"]["clause"]["penalty"]["ref"] == "合同一般条款第七条"


def test_unknown_kind_exits_2():
    result = run("check", "letter", SAMPLE)
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：未知的文书类型：letter（可用：")


def test_missing_data_file_exits_2(tmp_path):
    result = run("check", "contract", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"错误：数据文件不存在：{tmp_path / 'nope.yaml'}"


def test_pdf_without_libreoffice_exits_2(tmp_path):
    result = run("render", "contract", SAMPLE, "-o", tmp_path / "c.docx", "--pdf", env={"PATH": str(tmp_path)})
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：生成 PDF 需要 LibreOffice（soffice），但未找到。")
    assert not (tmp_path / "c.docx").exists()


def test_batch_folder(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for n in range(2):
        (data / f"c{n}.yaml").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("batch", "contract", data, "-o", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 0
    assert result.stdout == f"已生成 2 份文书，共 2 个文件，在 {tmp_path / 'out'}\n"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["c0.docx", "c1.docx"]


def test_batch_bad_file_exits_2_and_writes_nothing(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "good.yaml").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (data / "bad.yaml").write_text(SAMPLE.read_text(encoding="utf-8").replace("n: 3}", "n: 4}"), encoding="utf-8")
    result = run("batch", "contract", data, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "  [错误] bad.yaml: copies（合同份数）：各方持有份数之和 8 不等于总份数 6" in result.stderr.splitlines()
    assert not (tmp_path / "out").exists()


def test_schema_and_example():
    schema = json.loads(run("schema", "contract").stdout)
    assert schema["properties"]["money"]["title"] == "合同价款"
    example = run("schema", "contract", "--example")
    assert example.exit_code == 0
    assert example.stdout == SAMPLE.read_text(encoding="utf-8")


def test_templates_list_and_lint():
    listing = run("templates", "list", "--json")
    rows = json.loads(listing.stdout)
    assert {(r["kind"], r["layout"]) for r in rows} >= {("contract", "hetongshu"), ("contract", "articles")}
    lint = run("templates", "lint", "contract")
    assert lint.exit_code == 0
    assert lint.stdout == "contract：通过\n"
    assert json.loads(run("templates", "lint", "--json").stdout)["ok"] is True


@pytest.mark.parametrize("command", [["render"], ["check"], ["batch"], ["schema"], ["templates"],
                                     ["templates", "list"], ["templates", "lint"]])
def test_every_generation_command_has_help(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert len(result.stdout.split("\n\n")[1].strip()) > 10  # a real sentence, not an empty docstring
