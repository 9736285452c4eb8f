"""Real processes, real kills: ``kill -9`` during a bulk add, and two processes adding at once.

After every kill the archive verifies clean (leftovers of the killed run are only warnings,
and only ciphertext), no document is half-added, and running the same command again
completes the folder with every file archived exactly once.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

import pytest

from archive import Archive
from archive.crypto import keyed_digest
from tests.archive_helpers import PASSPHRASE, docx_bytes, make_archive, plaintext_hits, run_docgen, spawn_docgen

pytestmark = pytest.mark.slow

SECRET = "丹霞蝾螈机房"  # in every file's content: must never show up on disk in the clear
FILES_PER_TRIAL = 24
TRIALS = 12


def make_folder(folder: Path, tag: str, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for n in range(count):
        if n % 6 == 5:
            path = folder / f"{tag}-{n:03d}.docx"
            path.write_bytes(docx_bytes(f"{SECRET} {tag} 第 {n} 份", "巡检正常"))
        else:
            path = folder / f"{tag}-{n:03d}.txt"
            path.write_text(f"{SECRET} {tag} 第 {n} 份记录\n" * (1 + n % 5), encoding="utf-8")
        paths.append(path)
    return paths


def row_count(home: Path) -> int:
    with sqlite3.connect(f"file:{home / 'catalog.sqlite'}?mode=ro", uri=True, timeout=30) as conn:
        return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]


def archived_once(arc: Archive, paths: list[Path]) -> list[str]:
    """The files that are not archived exactly once (by their keyed content digest)."""
    wrong = []
    for path in paths:
        name = keyed_digest(arc._keys.blob_name, path.read_bytes()).hexdigest()
        count = arc._catalog.conn.execute("SELECT COUNT(*) FROM documents WHERE blob = ?", (name,)).fetchone()[0]
        if count != 1:
            wrong.append(f"{path.name}: {count}")
    return wrong


def add_args(folder: Path) -> list[str]:
    return ["archive", "add", str(folder), "--category", "05", "--date", "2024-02-01", "--project", "CRASH"]


def test_kill_minus_nine_during_bulk_add(tmp_path):
    home = tmp_path / "home"
    make_archive(home).close()
    rng = random.Random(20240308)
    killed_midway, total = 0, 0
    for trial in range(TRIALS):
        paths = make_folder(tmp_path / f"in{trial}", f"t{trial}", FILES_PER_TRIAL)
        before = row_count(home)
        target = before + rng.randint(0, FILES_PER_TRIAL - 4)
        process = spawn_docgen(add_args(paths[0].parent), home)
        deadline = time.monotonic() + 60
        while row_count(home) < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.015))  # land somewhere inside the next document's stages
        process.kill()
        process.wait()
        after_kill = row_count(home)
        killed_midway += after_kill < before + FILES_PER_TRIAL

        with Archive.open(home, PASSPHRASE) as arc:
            report = arc.verify()
            assert report.ok, (trial, [(p.code, p.message) for p in report.errors])
            # no half-added document: every row that exists is whole (verify decrypted each one)
            assert report.documents == after_kill

        again = run_docgen(add_args(paths[0].parent), home)
        assert again.returncode == 0, again.stderr
        total += FILES_PER_TRIAL
        with Archive.open(home, PASSPHRASE) as arc:
            assert archived_once(arc, paths) == []
            assert len(arc.list({"project": "CRASH"})) == total
    assert killed_midway >= TRIALS * 2 // 3, f"only {killed_midway} of {TRIALS} kills landed mid-add"

    final = run_docgen(["archive", "verify", "--full", "--repair", "--json"], home)
    assert final.returncode == 0, final.stdout
    assert plaintext_hits(home, [SECRET]) == []


def test_two_processes_adding_fifty_each_end_gap_free(tmp_path):
    home = tmp_path / "home"
    make_archive(home).close()
    folders = [make_folder(tmp_path / name, name, 50)[0].parent for name in ("left", "right")]
    processes = [spawn_docgen(add_args(folder), home) for folder in folders]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    with Archive.open(home, PASSPHRASE) as arc:
        entries = arc.list()
        assert len(entries) == 100
        assert sorted(e.item_no for e in entries) == list(range(1, 101))
        assert {e.ref.rsplit("-", 1)[0] for e in entries} == {"BJ01-WS·2024-D10-XCJ"}
        assert arc.verify().ok


def test_two_processes_adding_the_same_files_store_each_once(tmp_path):
    home = tmp_path / "home"
    make_archive(home).close()
    paths = make_folder(tmp_path / "same", "same", 20)
    processes = [spawn_docgen(add_args(paths[0].parent), home) for _ in range(2)]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    with Archive.open(home, PASSPHRASE) as arc:
        assert archived_once(arc, paths) == []
        assert len(arc.list()) == 20 and arc.verify().ok
