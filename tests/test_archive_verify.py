"""四性检测: a clean archive passes; each kind of damage is found, with its code and a hint."""

from __future__ import annotations

import os
import sqlite3

import pytest

from archive import Archive, Tampered
from tests.archive_helpers import PASSPHRASE, PNG_1PX, docx_bytes, pdf_bytes, weekly, xlsx_bytes


def codes(report, severity="error"):
    return sorted({p.code for p in report.problems if p.severity == severity})


def reopen(arc: Archive) -> Archive:
    home = arc.home.root
    arc.close()
    return Archive.open(home, PASSPHRASE)


def sql(arc: Archive, statement: str, *params) -> None:
    """Change the catalog behind docgen's back, as an attacker with the file would."""
    with sqlite3.connect(arc.home.catalog) as conn:
        conn.execute(statement, params)


def flip(arc: Archive, table: str, column: str, where: str, offset: int = 20) -> None:
    """Flip one bit of a BLOB column in one row."""
    with sqlite3.connect(arc.home.catalog) as conn:
        rowid, value = conn.execute(f"SELECT rowid, {column} FROM {table} WHERE {where}").fetchone()
        data = bytearray(value)
        data[offset] ^= 0x01
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (bytes(data), rowid))


@pytest.fixture
def filled(arc):
    arc.add(docx_bytes("第十周周报"), weekly(10), filename="w10.docx")
    arc.add(pdf_bytes("monthly report"), {"category": "07", "doc_type": "月报", "period": "2024-03", "date": "2024-04-02"}, filename="m.pdf")
    arc.add(xlsx_bytes([["资产", "数量"], ["服务器", "3"]]), {"category": "04", "date": "2024-04-03"}, filename="assets.xlsx")
    arc.add(PNG_1PX, {"category": "05", "date": "2024-04-04"}, filename="photo.png")
    arc.add("纯文本记录".encode("gb18030"), {"category": "05", "date": "2024-04-05"}, filename="note.txt")
    return arc


def test_clean_archive_passes_every_phase(filled):
    report = filled.verify(full=True)
    assert report.ok, report.errors
    assert [p.name for p in report.phases] == ["authenticity", "integrity", "usability", "security"]
    assert report.documents == 5
    usability = report.phases[2]
    assert usability.checked == 5 and not usability.skipped
    assert report.audit_head["seq"] == 6
    assert codes(report, "warning") in (["weak-kdf"], ["permissions", "weak-kdf"])  # index files are the index's


def test_usability_is_skipped_without_full(filled):
    assert filled.verify().phases[2].skipped


def test_flipped_byte_in_a_blob(filled):
    row = filled._catalog.conn.execute("SELECT blob FROM documents ORDER BY rowid LIMIT 1").fetchone()
    path = filled._blobs.path(row["blob"])
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x04
    path.write_bytes(bytes(data))
    report = filled.verify()
    assert not report.ok
    assert "blob-unauthenticated" in codes(report)
    problem = next(p for p in report.errors if p.code == "blob-unauthenticated")
    assert problem.ref == "BJ01-WS·2024-D10-FWZ-0001" and "备份" in problem.hint
    with pytest.raises(Tampered):
        filled.read(problem.ref)


def test_swapped_blobs_fail_authentication(filled):
    """GIVEN two documents WHEN their blob files are exchanged on disk THEN neither authenticates."""
    first, second = filled._catalog.conn.execute("SELECT blob FROM documents ORDER BY rowid LIMIT 2").fetchall()
    a, b = filled._blobs.path(first["blob"]), filled._blobs.path(second["blob"])
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    report = filled.verify()
    assert [p.code for p in report.errors if p.phase == "integrity"].count("blob-unauthenticated") == 2


def test_changed_catalog_row(filled):
    sql(filled, "UPDATE documents SET retention = 'Y' WHERE item_no = 1 AND problem_code = 'FWZ'")
    report = reopen(filled).verify()
    assert "row-changed" in codes(report)
    assert next(p for p in report.errors if p.code == "row-changed").ref == "BJ01-WS·2024-D10-FWZ-0001"


def test_flipped_byte_in_sealed_metadata(filled):
    flip(filled, "documents", "meta", "item_no = 1 AND problem_code = 'FWZ'")
    report = reopen(filled)
    assert codes(report.verify()) == ["meta-invalid"]
    with pytest.raises(Tampered):
        report.entry("BJ01-WS·2024-D10-FWZ-0001")


def test_garbage_of_another_type_in_a_column_is_reported_not_fatal(filled):
    sql(filled, "UPDATE documents SET meta = X'fffe00' || 'x' WHERE item_no = 1 AND problem_code = 'FWZ'")
    assert "meta-invalid" in codes(reopen(filled).verify())


def test_deleted_catalog_row(filled):
    sql(filled, "DELETE FROM documents WHERE problem_code = 'XCJ' AND item_no = 1")
    report = reopen(filled).verify()
    assert {"row-missing", "item-gap", "stray-key"} <= set(codes(report))
    assert "orphan-blob" in codes(report, "warning")


def test_changed_audit_entry(filled):
    sql(filled, "UPDATE audit SET actor = '别人' WHERE seq = 3")
    report = reopen(filled).verify()
    chain = [p for p in report.errors if p.code == "audit-chain"]
    assert len(chain) == 1 and "第 3 条" in chain[0].message


def test_deleted_audit_entry(filled):
    sql(filled, "DELETE FROM audit WHERE seq = 2")
    report = reopen(filled).verify()
    assert {"audit-chain", "unaudited-row"} <= set(codes(report))


def test_flipped_byte_in_the_audit_detail(filled):
    flip(filled, "audit", "detail", "seq = 4")
    assert "audit-chain" in codes(reopen(filled).verify())


def test_missing_blob_and_missing_key(filled):
    rows = filled._catalog.conn.execute("SELECT doc_id, blob FROM documents ORDER BY rowid LIMIT 2").fetchall()
    filled._blobs.path(rows[0]["blob"]).unlink()
    sql(filled, "DELETE FROM doc_keys WHERE doc_id = ?", rows[1]["doc_id"])
    assert {"blob-missing", "key-missing"} <= set(codes(reopen(filled).verify()))


def test_unknown_files_and_loose_permissions(filled):
    (filled.home.root / "notes.txt").write_text("hello")
    (filled.home.blobs / "zz").mkdir()
    os.chmod(filled.home.catalog, 0o644)
    report = filled.verify()
    assert {"unknown-file", "permissions"} <= set(codes(report))


def test_unsealed_file_posing_as_a_blob(filled):
    name = "ab" + "c" * 62
    (filled.home.blobs / "ab").mkdir(exist_ok=True)
    filled._blobs.path(name).write_bytes(b"plain text document")
    os.chmod(filled._blobs.path(name), 0o600)
    report = filled.verify()
    assert "not-sealed" in codes(report)


def test_orphan_blob_and_stale_temp_are_warnings_that_repair_removes(filled):
    orphan = filled._blobs.path("ab" + "d" * 62)
    orphan.parent.mkdir(mode=0o700, exist_ok=True)
    orphan.write_bytes(filled._blobs.path(filled._catalog.conn.execute("SELECT blob FROM documents").fetchone()[0]).read_bytes())
    os.chmod(orphan, 0o600)
    stale = filled.home.tmp / "blob-x.pending"
    stale.write_bytes(b"DGB")
    os.chmod(stale, 0o600)
    report = filled.verify()
    assert report.ok and {"orphan-blob", "stale-temp"} <= set(codes(report, "warning"))
    repaired = filled.recover()
    assert (repaired.orphan_blobs, repaired.stale_temp_files) == (1, 1)
    assert not orphan.exists() and not stale.exists()
    assert filled.log(limit=1)[0].action == "repair"


def test_unusable_document_is_found_with_full(arc):
    arc.add(b"PK\x03\x04 not really a docx", {"category": "05", "date": "2024-01-01"}, filename="broken.docx")
    arc.add(b"%PDF-1.4 truncated", {"category": "05", "date": "2024-01-01"}, filename="broken.pdf")
    arc.add(b"not a png", {"category": "05", "date": "2024-01-01"}, filename="broken.png")
    report = arc.verify(full=True)
    assert [p.code for p in report.errors] == ["unusable"] * 3
    assert arc.verify(full=False).ok


def test_tombstones_are_checked(filled):
    ref = filled.list()[0].ref
    filled.destroy([ref], "测试", by="张测试")
    assert filled.verify().ok
    doc_id = filled.entry(ref).doc_id
    sql(filled, "INSERT INTO doc_keys (doc_id, wrapped) VALUES (?, X'00')", doc_id)
    assert "shred-incomplete" in codes(reopen(filled).verify())


def test_a_destroyed_document_put_back_from_a_copy_is_found(filled):
    """GIVEN a 件 destroyed WHEN its catalog row, wrapped key and blob are put back from a copy taken
    before (each authentic on its own) THEN verify finds the catalog contradicting the audit log."""
    ref = filled.list()[0].ref
    row = filled._catalog.conn.execute("SELECT * FROM documents WHERE ref = ?", (ref,)).fetchone()
    wrapped = filled._catalog.wrapped_key(row["doc_id"])
    blob = filled._blobs.path(row["blob"]).read_bytes()
    filled.destroy([ref], "到期", by="张测试")
    columns = [c for c in row.keys() if c != "doc_id"]
    sql(filled, f"UPDATE documents SET {', '.join(f'{c} = ?' for c in columns)} WHERE doc_id = ?",
        *[row[c] for c in columns], row["doc_id"])  # fmt: skip
    sql(filled, "INSERT INTO doc_keys (doc_id, wrapped) VALUES (?, ?)", row["doc_id"], wrapped)
    filled._blobs.path(row["blob"]).write_bytes(blob)
    os.chmod(filled._blobs.path(row["blob"]), 0o600)
    report = reopen(filled).verify()
    assert codes(report) == ["audit-mismatch"]
    assert [p.ref for p in report.errors] == [ref]


def test_a_legal_hold_deleted_behind_docgens_back_is_found(filled):
    held, other = [e.ref for e in filled.list()[:2]]
    filled.hold(held, "诉讼保全")
    sql(filled, "DELETE FROM holds WHERE ref = ?", held)
    sql(filled, "INSERT INTO holds (ref, since, actor, reason) VALUES (?, '2024-01-01', 'x', X'00')", other)
    report = reopen(filled).verify()
    assert codes(report) == ["hold-missing", "hold-unaudited"]
    assert sorted((p.code, p.ref) for p in report.errors) == [("hold-missing", held), ("hold-unaudited", other)]
