"""``docgen project`` and ``docgen handover`` in a real process: exit codes and the exact lines printed."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from docgen.cli import cli
from tests.archive_helpers import make_archive, run_docgen
from tests.handover_fixtures import september


@pytest.fixture
def home(tmp_path) -> Path:
    """A data home holding the September 2023 scenario (archive closed again)."""
    arc = make_archive(tmp_path / "home")
    september(arc)
    arc.close()
    return tmp_path / "home"


def test_project_add_from_a_file_and_refuse_a_duplicate(tmp_path):
    arc = make_archive(tmp_path / "home")
    arc.close()
    (tmp_path / "p.yaml").write_text(
        "code: YJGL\nname: 示例应急管理运维\nvendor: 北京测试网络科技有限公司\nservice: {start: 2022-01-01, end: 2022-12-31}\n"
        "duties: [周报, 月报, {name: 服务年报, category: '07', doc_type: 年报, cadence: yearly, due: 10}]\n",
        encoding="utf-8")
    added = run_docgen(["project", "add", str(tmp_path / "p.yaml"), "--json"], tmp_path / "home")
    assert added.returncode == 0, added.stderr
    assert [d["name"] for d in json.loads(added.stdout)["duties"]] == ["周报", "月报", "服务年报"]
    again = run_docgen(["project", "add", str(tmp_path / "p.yaml")], tmp_path / "home")
    assert again.returncode == 2
    assert again.stderr.splitlines()[0] == "错误：项目 YJGL 已登记；要更新请加 --replace"


def test_project_add_reports_every_problem_with_path_and_label(tmp_path):
    arc = make_archive(tmp_path / "home")
    arc.close()
    (tmp_path / "p.yaml").write_text("code: x y\nname: 项目\n", encoding="utf-8")
    result = run_docgen(["project", "add", str(tmp_path / "p.yaml")], tmp_path / "home")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "错误：项目数据有误",
        "  [错误] code（项目代码）：项目代码只能用字母、数字、点、横线、下划线，字母或数字开头（代码以明文保存，不写名称）；现值：x y",
    ]


def test_check_exits_1_when_something_is_missing(home):
    result = run_docgen(["handover", "check", "-p", "JFLH", "--month", "2023-09", "--as-of", "2023-12-01"], home)
    assert result.returncode == 1
    out = result.stdout.splitlines()
    assert out[0] == "项目 JFLH · 2023年9月（2023-09-01 至 2023-09-30），截至 2023-12-01"
    assert "应交 6 项：按时 3，迟交 2，缺失 1，未到期 0。扣分（每项 0.5 分）：完整性 0.5，及时性 1.0，合计 1.5。" in out
    assert out[-1] == "结论：不齐全或不及时（退出码 1）"


def test_check_json_before_anything_is_due(home):
    result = run_docgen(["handover", "check", "-p", "JFLH", "--month", "2023-09", "--as-of", "2023-09-12", "--json"], home)
    data = json.loads(result.stdout)
    assert result.returncode == 0  # W38 and the rest are not yet due
    assert [i["status"] for i in data["items"]] == ["present", "not_due", "not_due", "not_due", "not_due", "not_due"]
    assert data["summary"]["ok"] is True and data["period"]["key"] == "2023-09"


def test_check_refuses_a_bad_month_with_exit_2(home):
    result = run_docgen(["handover", "check", "-p", "JFLH", "--month", "2023-13"], home)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "错误：移交期间有误", "  [错误] --month/--quarter（移交期间）：月份格式应为 YYYY-MM；现值：2023-13"]


def test_check_of_an_unknown_project(home):
    result = run_docgen(["handover", "check", "-p", "NOPE", "--month", "2023-09"], home)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "错误：没有登记项目 NOPE；先运行 docgen project add"


def test_build_verify_tamper_and_confirm(home, tmp_path):
    out = tmp_path / "out"
    built = run_docgen(["handover", "build", "-p", "JFLH", "--month", "2023-09", "-o", str(out), "--json"], home)
    assert built.returncode == 0, built.stderr
    package = Path(json.loads(built.stdout)["path"])
    ok = run_docgen(["handover", "verify", str(package)], home)
    assert ok.returncode == 0
    assert ok.stdout.splitlines()[-1] == "结果：通过：文件 7 件，摘要与文件目录一致（已记入审计日志）"
    (package / "data" / "2023" / "smuggled.txt").write_text("x", encoding="utf-8")
    bad = run_docgen(["handover", "verify", str(package)], home)
    assert bad.returncode == 1
    assert bad.stderr.splitlines()[0] == "错误：移交包核验未通过：2 个问题"
    assert "  [错误] data/2023/smuggled.txt（文件目录）：文件目录中没有此文件" in bad.stderr.splitlines()
    confirmed = run_docgen(["handover", "confirm", "JFLH-2023-09-01", "--by", "王样本", "--date", "2023-10-12"], home)
    assert confirmed.returncode == 2  # built today: a receipt before the build is refused
    assert confirmed.stderr.splitlines()[1].startswith("  [错误] --date（接收日期）：早于建包日期")
    confirmed = run_docgen(["handover", "confirm", "JFLH-2023-09-01", "--by", "王样本"], home)
    assert confirmed.returncode == 0 and "由 王样本 于" in confirmed.stdout
    unknown = run_docgen(["handover", "confirm", "JFLH-1999-01-01", "--by", "王样本"], home)
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines()[0] == "错误：本档案库没有建过移交包 JFLH-1999-01-01"


def test_encrypted_build_open_and_verify_without_an_archive(home, tmp_path):
    env = {"DOCGEN_TRANSPORT_PASSPHRASE": "运输口令 for the receiver"}
    built = run_docgen(["handover", "build", "-p", "JFLH", "--month", "2023-09", "-o", str(tmp_path), "--encrypt",
                        "--json"], home, **env)
    assert built.returncode == 0, built.stderr
    sealed = Path(json.loads(built.stdout)["path"])
    assert sealed.name == "JFLH-2023-09-01.zip.dgt"
    opened = run_docgen(["handover", "open", str(sealed)], home, **env)
    assert opened.returncode == 0
    assert opened.stdout.startswith(f"已解开：{tmp_path / 'JFLH-2023-09-01.zip'}")
    receiver = run_docgen(["handover", "verify", str(sealed)], tmp_path / "no-archive-here", **env)
    assert receiver.returncode == 0
    assert receiver.stdout.splitlines()[-1] == "结果：通过：文件 7 件，摘要与文件目录一致（未找到档案库，未记审计）"
    wrong = run_docgen(["handover", "verify", str(sealed)], tmp_path / "no-archive-here",
                       DOCGEN_TRANSPORT_PASSPHRASE="wrong")
    assert wrong.returncode == 1
    assert wrong.stderr.splitlines()[1] == (
        "  [错误] JFLH-2023-09-01.zip.dgt（封装）：无法解开传输加密包：口令不对，或文件已损坏、被篡改")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{prefix}{name} "))
    return found


@pytest.mark.parametrize("name, command", [c for c in _commands(cli) if c[0].split()[0] in ("project", "handover", "demo")],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_handover_command_has_help_text(name, command):
    assert (command.help or "").strip(), f"docgen {name} has no help text"


def test_verifying_a_package_that_is_not_there_is_a_usage_error_and_not_audited(home, tmp_path):
    missing = run_docgen(["handover", "verify", str(tmp_path / "nothing.zip")], home)
    assert missing.returncode == 2
    assert "nothing.zip' does not exist" in missing.stderr
    assert "handover.verify" not in run_docgen(["archive", "log"], home).stdout
