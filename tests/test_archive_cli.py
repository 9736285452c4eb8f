"""``docgen archive …``: exit codes, exact error lines, ``--json`` shapes, help for every command."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from docgen.cli import cli
from tests.archive_helpers import PASSPHRASE, make_archive

try:  # click ≥ 8.2 keeps stderr apart by default
    RUNNER = CliRunner(mix_stderr=False)
except TypeError:
    RUNNER = CliRunner()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCGEN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DOCGEN_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("DOCGEN_ACTOR", "测试员")
    monkeypatch.chdir(tmp_path)
    make_archive(tmp_path / "home").close()
    return tmp_path / "home"


def run(*args: str, input: str | None = None):
    return RUNNER.invoke(cli, ["archive", *args], input=input, catch_exceptions=False)


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_init_creates_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCGEN_PASSPHRASE", PASSPHRASE)
    done = run("init", "--home", str(tmp_path / "new"), "--fonds", "BJ02", "--kdf", "test", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["fonds"] == "BJ02"
    again = run("init", "--home", str(tmp_path / "new"), "--kdf", "test")
    assert again.exit_code == 2
    assert again.stderr.splitlines()[0] == f"错误：{tmp_path / 'new'} 已存在且不为空；档案库只能建在新目录或空目录中"


def test_add_prints_the_ref_and_json_shape(home, tmp_path):
    source = write(tmp_path / "w10.txt", "第十周周报")
    done = run("add", str(source), "-c", "07", "-t", "周报", "--period", "2024-W10", "--date", "2024-03-08")
    assert done.exit_code == 0
    assert done.stdout == "BJ01-WS·2024-D10-FWZ-0001  w10.txt\n"
    again = run("add", str(source), "-c", "07", "--date", "2024-03-08", "--json")
    data = json.loads(again.stdout)
    assert (data["added"], data["duplicates"]) == (0, 1)
    assert set(data["results"][0]) == {"ref", "doc_id", "version", "duplicate", "warnings", "filename", "size"}


def test_bad_metadata_exits_2_with_every_problem(home, tmp_path):
    source = write(tmp_path / "x.txt", "x")
    done = run("add", str(source), "-c", "07", "-t", "周报", "--date", "2024-02-30", "--period", "2024-03")
    assert done.exit_code == 2
    assert done.stderr.splitlines() == [
        "错误：文件信息有误",
        "  [错误] date（文件日期）：应为日期（YYYY-MM-DD）；现值：2024-02-30",
        "  [错误] period（报告期）：周报的报告期应为周（YYYY-Www）；现值：2024-03",
    ]
    assert json.loads(run("list", "--json").stdout) == []


def test_wrong_passphrase_exits_2(home, monkeypatch):
    monkeypatch.setenv("DOCGEN_PASSPHRASE", "wrong")
    done = run("list")
    assert done.exit_code == 2
    assert done.stderr == "错误：口令不正确：没有密钥槽能用它打开\n"


def test_folder_add_list_show_get_log(home, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in (1, 2):
        write(folder / f"r{n}.txt", f"现场记录 {n}")
    write(folder / ".hidden", "skip me")
    done = run("add", str(folder), "-c", "05", "--date", "2024-01-05", "--project", "JFLH")
    assert done.exit_code == 0
    assert done.stdout.splitlines()[-1] == "已归档 2 件，重复 0 件"
    listed = json.loads(run("list", "--project", "JFLH", "--json").stdout)
    assert [e["ref"] for e in listed] == ["BJ01-WS·2024-D10-XCJ-0001", "BJ01-WS·2024-D10-XCJ-0002"]
    listing = run("list").stdout
    assert "现场工作记录" in listing and "BJ01-WS·2024-D10-XCJ-0002" in listing
    shown = json.loads(run("show", "BJ01-WS.2024-D10-XCJ-0002", "--json").stdout)
    assert shown["title"] == "r2" and [v["version"] for v in shown["versions"]] == [1]
    out = tmp_path / "copy.txt"
    got = run("get", "BJ01-WS·2024-D10-XCJ-0002", "-o", str(out))
    assert got.exit_code == 0 and out.read_text(encoding="utf-8") == "现场记录 2"
    refused = run("get", "BJ01-WS·2024-D10-XCJ-0002", "-o", str(out))
    assert refused.exit_code == 2 and refused.stderr == f"错误：{out} 已存在；用 --force 覆盖\n"
    log = json.loads(run("log", "--json").stdout)
    assert [e["action"] for e in log] == ["init", "add", "add", "export"]
    assert {e["actor"] for e in log[1:]} == {"测试员"}


def test_title_with_many_files_is_a_usage_error(home, tmp_path):
    a, b = write(tmp_path / "a.txt", "a"), write(tmp_path / "b.txt", "b")
    done = run("add", str(a), str(b), "-c", "05", "--title", "同一题名")
    assert done.exit_code == 2 and done.stderr == "错误：--title 和 --supersedes 只能用于单个文件\n"


def test_unknown_ref(home):
    done = run("show", "BJ01-WS·2024-D10-XCJ-0042")
    assert done.exit_code == 2 and done.stderr == "错误：没有这份文件：BJ01-WS·2024-D10-XCJ-0042\n"


def test_verify_exits_1_on_damage(home, tmp_path):
    run("add", str(write(tmp_path / "a.txt", "a")), "-c", "05", "--date", "2024-01-05")
    assert run("verify").exit_code == 0
    blob = next(p for p in (home / "blobs").rglob("*") if p.is_file())
    blob.write_bytes(blob.read_bytes()[:-1] + b"\x00")
    done = run("verify", "--json")
    assert done.exit_code == 1
    data = json.loads(done.stdout)
    assert data["ok"] is False and data["errors"] == 1
    assert [p["code"] for p in data["phases"][1]["problems"]] == ["blob-unauthenticated"]
    assert "建议：" in run("verify").stdout


def test_destroy_needs_confirmation_then_destroys(home, tmp_path):
    run("add", str(write(tmp_path / "a.txt", "a")), "-c", "05", "--date", "2004-01-05")
    due = json.loads(run("due", "--on", "2015-01-01", "--json").stdout)
    assert [e["ref"] for e in due] == ["BJ01-WS·2004-D10-XCJ-0001"]
    refused = run("destroy", "BJ01-WS·2004-D10-XCJ-0001", "--reason", "到期")
    assert refused.exit_code == 2 and refused.stderr == "错误：销毁不可恢复：请加 --yes 确认\n"
    held = run("hold", "BJ01-WS·2004-D10-XCJ-0001", "--reason", "审计")
    assert held.stdout == "已冻结 BJ01-WS·2004-D10-XCJ-0001\n"
    blocked = run("destroy", "BJ01-WS·2004-D10-XCJ-0001", "--reason", "到期", "--yes")
    assert blocked.exit_code == 2
    assert blocked.stderr.splitlines()[1].startswith("  [错误] BJ01-WS·2004-D10-XCJ-0001（档号）：处于冻结")
    run("release", "BJ01-WS·2004-D10-XCJ-0001")
    done = run("destroy", "BJ01-WS·2004-D10-XCJ-0001", "--reason", "到期", "--yes", "--json")
    assert done.exit_code == 0
    data = json.loads(done.stdout)
    assert data["destroyed"] == ["BJ01-WS·2004-D10-XCJ-0001"] and data["record_ref"].endswith("-Y-DAG-0001")


def test_key_commands(home, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCGEN_NEW_PASSPHRASE", "另一个口令")
    added = json.loads(run("key", "add", "--kdf", "test", "--json").stdout)["slot"]
    slots = json.loads(run("key", "list", "--json").stdout)
    assert [s["id"] for s in slots][-1] == added
    first = slots[0]["id"]
    assert run("key", "remove", first).exit_code == 0
    monkeypatch.setenv("DOCGEN_PASSPHRASE", "另一个口令")
    last = run("key", "remove", added)
    assert last.exit_code == 2 and last.stderr == "错误：不能删除最后一个密钥槽：否则档案库再也无法打开\n"


def _commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


def test_every_archive_command_has_help():
    group = cli.commands["archive"]
    for name, command in _commands(group):
        assert command.help and command.help.strip(), name
        done = RUNNER.invoke(cli, ["archive", *name.split(), "--help"])
        assert done.exit_code == 0, name


def test_supersedes_with_a_folder_of_one_file_adds_a_new_version(home, tmp_path):
    first = run("add", str(write(tmp_path / "v1.txt", "第一版")), "-c", "05", "--date", "2024-01-05")
    ref = first.stdout.split()[0]
    folder = tmp_path / "v2"
    folder.mkdir()
    write(folder / "v2.txt", "第二版")
    done = run("add", str(folder), "-c", "05", "--date", "2024-01-06", "--supersedes", ref, "--json")
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)["results"][0]
    assert (result["ref"], result["version"]) == (ref, 2)
