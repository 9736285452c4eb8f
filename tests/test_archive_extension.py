"""The archive's extension surface for services: sealer, write_transaction, query, ensure_schema,
export_many and reopen_search_engine (what handover and search use instead of private members)."""

from __future__ import annotations

import pytest

from archive import Archive, ArchiveError, Tampered, Unauthenticated, UnknownDocument
from archive.audit import AuditLog
from archive.catalog import Catalog
from archive.store import RESERVED_PURPOSES
from tests.archive_helpers import PASSPHRASE, make_archive, weekly

NOTES = """
CREATE TABLE IF NOT EXISTS svc_notes (
    id   INTEGER PRIMARY KEY,
    note TEXT NOT NULL            -- a service's own column
);
CREATE INDEX IF NOT EXISTS svc_notes_by_note ON svc_notes (note);
"""


@pytest.fixture
def write_count(monkeypatch):
    """How many catalog write transactions (``BEGIN IMMEDIATE``) have been opened since the test began."""
    calls = []
    original = Catalog.write

    def counting(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(Catalog, "write", counting)
    return lambda: len(calls)


def _three(arc):
    return [arc.add(f"week {n}".encode() * 100, weekly(n), filename=f"w{n}.txt") for n in (10, 11, 12)]


# --- export_many ---


def test_export_many_audits_every_document_in_one_transaction(arc, tmp_path, write_count):
    added = _three(arc)
    before = write_count()
    files = arc.export_many([a.ref for a in added], lambda entry: tmp_path / "out" / f"{entry.item_no}.txt",
                            purpose="handover", detail={"package": "P-01"})
    assert write_count() - before == 1
    assert [f.name for f in files] == ["1.txt", "2.txt", "3.txt"]
    assert [f.read_bytes() for f in files] == [arc.read(a.ref) for a in added]
    exports = arc.log(action="export")
    assert [(e.ref, e.doc_id) for e in exports] == [(a.ref, a.doc_id) for a in added]
    assert all(e.detail == {"package": "P-01", "purpose": "handover"} for e in exports)


def test_export_many_leaves_nothing_when_its_audit_entries_cannot_commit(arc, tmp_path, monkeypatch):
    """GIVEN the second of three audit entries fails WHEN exporting THEN no entry committed, no file written."""
    added = _three(arc)
    original, calls = AuditLog.append, []

    def failing(self, action, *args, **kwargs):
        calls.append(action)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(self, action, *args, **kwargs)

    monkeypatch.setattr(AuditLog, "append", failing)
    with pytest.raises(OSError, match="disk full"):
        arc.export_many([a.ref for a in added], lambda entry: tmp_path / "out" / entry.doc_id)
    monkeypatch.undo()
    assert arc.log(action="export") == []
    assert not (tmp_path / "out").exists()


def test_export_many_resolves_every_reference_before_it_writes(arc, tmp_path):
    good = arc.add(b"week 10", weekly(10), filename="w10.txt")
    with pytest.raises(UnknownDocument):
        arc.export_many([good.ref, "BJ01-WS·2024-D10-FWZ-0099"], lambda entry: tmp_path / entry.doc_id)
    assert arc.log(action="export") == [] and list(tmp_path.iterdir()) == [arc.home.root]


def test_a_failing_export_leaves_no_partial_file(arc, tmp_path):
    """GIVEN a three-chunk document whose last chunk was changed on disk WHEN exported after a good one
    THEN the good file is whole, the bad one does not exist (nor any temp file), and Tampered says why."""
    good = arc.add(b"week 10", weekly(10), filename="w10.txt")
    bad = arc.add(bytes(range(256)) * 10_000, weekly(11), filename="w11.bin")  # 2.4 MiB: three chunks
    blob = arc._blobs.path(arc.query("SELECT blob FROM documents WHERE doc_id = ?", (bad.doc_id,))[0]["blob"])
    data = bytearray(blob.read_bytes())
    data[-20] ^= 0x01
    blob.write_bytes(bytes(data))
    out = tmp_path / "out"
    with pytest.raises(Tampered):
        arc.export_many([good.ref, bad.ref], lambda entry: out / (entry.filename or entry.doc_id))
    assert sorted(p.name for p in out.iterdir()) == ["w10.txt"]
    assert (out / "w10.txt").read_bytes() == b"week 10"
    with pytest.raises(Tampered):
        arc.export(bad.ref, out / "again.bin")
    assert sorted(p.name for p in out.iterdir()) == ["w10.txt"]


def test_export_is_export_many_of_one_and_records_its_destination(arc, tmp_path):
    ref = arc.add(b"week 10", weekly(10), filename="w10.txt").ref
    path = arc.export(ref, tmp_path / "w10.txt")
    assert path.read_bytes() == b"week 10"
    assert path.stat().st_mode & 0o777 == 0o600
    assert arc.log(action="export")[-1].detail == {"dest": str(tmp_path / "w10.txt")}


def test_no_plaintext_leaves_inside_a_write_transaction(arc, tmp_path):
    """GIVEN an open write transaction (which could still roll back) WHEN reading or exporting
    THEN it is refused: the audit entry must commit before the plaintext leaves."""
    ref = arc.add(b"week 10", weekly(10), filename="w10.txt").ref
    with arc.write_transaction():
        with pytest.raises(RuntimeError):
            arc.export(ref, tmp_path / "w10.txt")
        with pytest.raises(RuntimeError):
            arc.read(ref)
    assert not (tmp_path / "w10.txt").exists() and arc.log(action="export") == []


def test_export_many_reports_progress_and_can_skip_fsync(arc, tmp_path):
    added = _three(arc)
    seen = []
    files = arc.export_many([a.doc_id for a in added], lambda entry: tmp_path / entry.doc_id, durable=False,
                            progress=lambda n, total: seen.append((n, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)] and all(f.is_file() for f in files)


# --- sealer ---


def test_sealer_keys_differ_per_purpose_and_per_archive_and_survive_reopening(tmp_path):
    first, other = make_archive(tmp_path / "first"), make_archive(tmp_path / "other")
    sealed = first.sealer("handover").seal(b"vendor name", b"aad")
    assert first.sealer("handover").unseal(sealed, b"aad") == b"vendor name"
    with pytest.raises(Unauthenticated):
        first.sealer("search-cache").unseal(sealed, b"aad")
    with pytest.raises(Unauthenticated):
        other.sealer("handover").unseal(sealed, b"aad")
    first.close()
    other.close()
    with Archive.open(tmp_path / "first", PASSPHRASE) as reopened:
        assert reopened.sealer("handover").unseal(sealed, b"aad") == b"vendor name"
        assert "key" not in repr(reopened.sealer("handover")).replace("key hidden", "")


@pytest.mark.parametrize("purpose", sorted(RESERVED_PURPOSES) + ["", "Handover", "../x", "a" * 41])
def test_sealer_refuses_the_archives_own_purposes_and_odd_names(arc, purpose):
    with pytest.raises(ValueError):
        arc.sealer(purpose)


def test_a_closed_archive_hands_out_no_key(tmp_path):
    archive = make_archive(tmp_path / "home")
    archive.close()
    with pytest.raises(ArchiveError):
        archive.sealer("handover")


# --- write_transaction, audit, query, ensure_schema ---


def test_an_audit_entry_commits_with_the_change_it_records_or_not_at_all(arc):
    arc.ensure_schema(NOTES)
    with pytest.raises(RuntimeError):
        with arc.write_transaction() as conn:
            conn.execute("INSERT INTO svc_notes (note) VALUES ('lost')")
            arc.audit("svc.note", {"note": "lost"})
            raise RuntimeError("fails after both")
    assert arc.query("SELECT COUNT(*) FROM svc_notes")[0][0] == 0 and arc.log(action="svc.note") == []
    with arc.write_transaction() as conn:
        conn.execute("INSERT INTO svc_notes (note) VALUES ('kept')")
        with arc.write_transaction() as inner:  # joins the outer one
            inner.execute("INSERT INTO svc_notes (note) VALUES ('kept too')")
        assert [r["note"] for r in arc.query("SELECT note FROM svc_notes ORDER BY id")] == ["kept", "kept too"]
        arc.audit("svc.note", {"note": "kept"})
    assert arc.query("SELECT COUNT(*) FROM svc_notes")[0][0] == 2
    assert [e.detail for e in arc.log(action="svc.note")] == [{"note": "kept"}]


def test_query_only_reads(arc):
    with pytest.raises(ValueError):
        arc.query("DELETE FROM audit")


def test_ensure_schema_creates_once_and_takes_no_lock_when_done(arc, write_count):
    arc.ensure_schema(NOTES)
    after_first = write_count()
    arc.ensure_schema(NOTES)
    assert write_count() == after_first
    names = {r["name"] for r in arc.query("SELECT name FROM sqlite_master")}
    assert {"svc_notes", "svc_notes_by_note"} <= names


@pytest.mark.parametrize("sql", [
    "CREATE TABLE IF NOT EXISTS audit (x TEXT)",
    "CREATE INDEX IF NOT EXISTS mine ON documents (ref)",
    "CREATE TABLE svc_plain (x TEXT)",
    "DROP TABLE documents",
    "CREATE TABLE IF NOT EXISTS svc_x (x TEXT); DELETE FROM audit",
])  # fmt: skip
def test_ensure_schema_refuses_anything_but_new_service_tables(arc, sql):
    count = arc.query("SELECT COUNT(*) FROM sqlite_master")[0][0]
    with pytest.raises(ValueError):
        arc.ensure_schema(sql)
    assert arc.query("SELECT COUNT(*) FROM sqlite_master")[0][0] == count


# --- search engine ---


def test_reopen_search_engine_opens_a_wiped_index_afresh(arc):
    """GIVEN an index that no longer opens WHEN its owner wipes it and calls reopen_search_engine
    THEN the archive opens the fresh index (without it, the old failure would stick)."""
    from index.engine import wipe_index

    arc.add(b"week 10", weekly(10), filename="w10.txt")
    first = arc.search_engine()
    assert first is not None
    toc = next(arc.home.index.glob("_MAIN_*.toc"))
    toc.write_bytes(b"garbage")
    assert arc.reopen_search_engine() is None and arc.engine_error
    assert arc.search_engine() is None  # the failure is remembered
    wipe_index(arc.home.index)
    fresh = arc.reopen_search_engine()
    assert fresh is not None and fresh is not first and arc.engine_error is None
