"""``docgen demo``: the whole tour runs, tells its story, keeps its secret, and can run again."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from archive.handover_verify import verify_package
from docgen.demo import MARKER, PASSPHRASE_FILE, run_demo
from docgen.errors import UsageError

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
