"""``docgen demo``: the whole tour runs, tells its story about one project, keeps its secret, and can run again."""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from archive import Archive, ListQuery
from archive.handover import Handover
from archive.handover_verify import verify_package
from docgen.demo import MARKER, PAPERS, PASSPHRASE_FILE, PROJECT, run_demo
from docgen.errors import UsageError
from docgen.kinds.base import get_kind, kind_names, templates_dir
from docgen.render import load_yaml
from tests.handover_fixtures import leaks

DOCGEN = str(Path(sys.executable).with_name("docgen"))


@pytest.fixture
def no_passphrase_env(monkeypatch):
    monkeypatch.delenv("DOCGEN_PASSPHRASE", raising=False)


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    """One run of the tour without DOCGEN_PASSPHRASE, shared by the read-only tests: (folder, result, steps seen)."""
    folder = tmp_path_factory.mktemp("tour") / "demo"
    saved = os.environ.pop("DOCGEN_PASSPHRASE", None)
    seen: list = []
    try:
        result = run_demo(folder, kdf="test", on_step=seen.append)
    finally:
        if saved is not None:
            os.environ["DOCGEN_PASSPHRASE"] = saved
    return folder, result, seen


def open_tour_archive(folder: Path) -> Archive:
    return Archive.open(folder / "archive", (folder / PASSPHRASE_FILE).read_text(encoding="utf-8").strip())


def residents() -> dict[str, str]:
    """The demo contract's resident engineers (驻场服务) and their (synthetic) ID numbers."""
    contract = load_yaml(templates_dir() / "contract" / "sample-002.yaml")
    return {s["name"]: s["id_number"] for s in contract["staff"] if s["service_type"] == "驻场服务"}


def test_the_tour_finds_the_missing_and_late_reports_and_builds_a_valid_package(tour):
    _, result, seen = tour
    assert seen == result.steps
    failed = [f"{s.title}: {s.result}" for s in result.steps if not s.ok]
    assert failed == []
    check = next(s for s in result.steps if s.title == "完整性与及时性检查")
    assert check.result.startswith("应交 6 项：按时 4，迟交 1，缺失 1；扣 1.0 分")
    assert "周报 第38周（9.18—9.24）：缺失（应交 2023-09-25）" in check.result
    assert "月报 2023年9月：按时（应交 2023-10-09，实交 2023-10-09）" in check.result
    search = next(s for s in result.steps if s.title.startswith("全文检索"))
    assert search.skipped or "命中" in search.result
    assert result.package is not None and verify_package(result.package).ok


def test_every_kind_is_rendered_and_archived_under_the_demo_project(tour):
    """Each installed kind has its step, and its documents are filed under the project with the paper's
    category and type: one personal NDA per resident engineer of the contract, 非常敏感."""
    folder, result, _ = tour
    steps = {s.title: s for s in result.steps if s.title.startswith("生成并归档：")}
    assert set(steps) == {f"生成并归档：{get_kind(name).label}" for name in kind_names()}
    assert {paper.kind for paper in PAPERS} == set(kind_names())
    with open_tour_archive(folder) as arc:
        entries = arc.list(ListQuery(project=PROJECT))
    filed = [(e.category, e.doc_type) for e in entries]
    for paper in PAPERS:
        expected = len(residents()) if paper.per_resident else 1
        assert filed.count((paper.category, paper.doc_type)) == expected, paper
    personal = [e for e in entries if e.doc_type == "个人保密协议"]
    assert sorted(e.title for e in personal) == sorted(
        f"北京市积分落户管理信息系统运行维护服务个人保密协议（{name}）" for name in residents())
    assert {e.sensitivity for e in personal} == {"非常敏感"}
    assert {e.date.isoformat() for e in personal} == {"2022-12-13"}  # the contract's signing date
    notice = next(e for e in entries if e.doc_type == "监理通知单")
    assert (notice.doc_no, notice.responsible) == ("监通〔2023〕第012号", "北京国研科技咨询有限公司")
    ids = residents().values()
    assert all(i not in s.result for s in result.steps for i in ids)


def test_no_package_carries_the_personal_ndas_or_an_id_number(tour, tmp_path):
    """GIVEN the tour's archive WHEN the signing month (2022-12) is packaged too — the month of the contract,
    the company NDA and the personal NDAs — THEN the personal NDAs (非常敏感) are withheld while the contract
    and the company NDA go in, and no resident's ID number is in any file of either package."""
    folder, result, _ = tour
    ids = list(residents().values())
    with open_tour_archive(folder) as arc:
        personal = {e.ref for e in arc.list(ListQuery(project=PROJECT, doc_type="个人保密协议"))}
        built = Handover(arc).build(PROJECT, month="2022-12", out_dir=tmp_path).package
    assert len(personal) == len(ids) and set(built.withheld) == personal
    carried = {p.name for p in built.path.rglob("*.docx")} - {"移交清单.docx"}
    assert len(carried) == 2 and not any(ref in name for ref in personal for name in carried)
    assert leaks(folder / "documents" / "nda-personal", ids)  # the search does find them where they are
    for package in (result.package, built.path):
        assert not any(ref in str(p) for ref in personal for p in package.rglob("*"))
        assert leaks(package, ids) == []


def test_the_random_passphrase_is_written_privately_and_never_shown(tour):
    folder, result, _ = tour
    secret_file = folder / PASSPHRASE_FILE
    assert result.passphrase_file == secret_file
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret = secret_file.read_text(encoding="utf-8").strip()
    assert all(secret not in s.result and secret not in s.title for s in result.steps)


def test_the_passphrase_comes_from_the_environment_when_set(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCGEN_PASSPHRASE", "环境里的演示口令")
    result = run_demo(tmp_path / "demo", kdf="test")
    assert result.passphrase_file is None and not (tmp_path / "demo" / PASSPHRASE_FILE).exists()


def test_running_again_starts_from_a_fresh_folder(tmp_path, no_passphrase_env):
    first = run_demo(tmp_path / "demo", kdf="test")
    (tmp_path / "demo" / "leftover.txt").write_text("old", encoding="utf-8")
    second = run_demo(tmp_path / "demo", kdf="test")
    assert first.ok and second.ok
    assert not (tmp_path / "demo" / "leftover.txt").exists() and (tmp_path / "demo" / MARKER).is_file()


def test_a_folder_that_is_not_a_previous_demo_is_never_removed(tmp_path, no_passphrase_env):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(UsageError):
        run_demo(tmp_path / "mine", kdf="test")
    assert (tmp_path / "mine" / "thesis.docx").read_bytes() == b"precious"


def test_docgen_demo_prints_each_step_and_exits_0(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DOCGEN_PASSPHRASE"}
    result = subprocess.run([DOCGEN, "demo", "--dir", str(tmp_path / "demo")], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == " 1. ✓ 准备演示目录"
    assert any(line.endswith("✓ 核验移交包（接收方）") for line in lines)
    secret = (tmp_path / "demo" / PASSPHRASE_FILE).read_text(encoding="utf-8").strip()
    assert secret not in result.stdout + result.stderr


def test_the_closing_hints_run_as_printed_without_the_venv_on_path(tmp_path):
    """`make demo` runs .venv/bin/docgen unactivated: the hints must name a docgen that is found."""
    venv_bin = str(Path(DOCGEN).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env = {k: v for k, v in os.environ.items() if k != "DOCGEN_PASSPHRASE"} | {"PATH": path}
    run = subprocess.run([os.path.relpath(DOCGEN, tmp_path), "demo", "--dir", "demo"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    hints = run.stdout.splitlines()[-3:]
    assert all(not hint.strip().startswith("docgen ") for hint in hints)
    for hint in hints:
        again = subprocess.run(shlex.split(hint), cwd=tmp_path, env=env, capture_output=True, text=True,
                               timeout=120)
        assert again.returncode in (0, 1), hint + "\n" + again.stdout + again.stderr  # check: 1 = one missing
