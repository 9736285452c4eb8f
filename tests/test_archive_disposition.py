"""Disposition: what is due, destroying by crypto-shredding with a 销毁记录, and legal holds."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from archive import Archive, ConcurrentChange, DestroyFailed, Destroyed, InvalidMeta
from archive import disposition
from archive.disposition import NotOnHold, expiry
from tests.archive_helpers import PASSPHRASE, weekly


def test_expiry_counts_from_the_end_of_the_year():
    assert expiry(2014, "D10", 10) == date(2025, 1, 1)
    assert expiry(2014, "D30", 30) == date(2045, 1, 1)
    assert expiry(2014, "Y", None) is None


def test_due_lists_only_expired_current_documents(arc):
    d10 = arc.add(b"d10", {"category": "05", "date": "2014-06-01"}, filename="a.txt").ref
    arc.add(b"d30", {"category": "06", "date": "2014-06-01"}, filename="b.txt")
    arc.add(b"y", {"category": "01", "doc_type": "运维管理制度", "date": "1990-01-01"}, filename="c.txt")
    assert [e.ref for e in arc.due(date(2024, 12, 31))] == []
    assert [e.ref for e in arc.due(date(2025, 1, 1))] == [d10]
    assert len(arc.due(date(2045, 1, 1))) == 2


def test_destroy_shreds_keeps_a_tombstone_and_archives_a_record(arc):
    old = arc.add("初稿 源代码".encode(), weekly(10, title="第十周周报"), filename="v1.txt")
    arc.add(b"final", weekly(10, title="第十周周报"), filename="v2.txt", supersedes=old.ref)
    keep = arc.add(b"keep", weekly(11), filename="k.txt").ref
    wrapped = [bytes(r[0]) for r in arc._catalog.conn.execute("SELECT wrapped FROM doc_keys")]
    result = arc.destroy([old.ref], "保管期满，经鉴定销毁", by="张测试")
    assert result.destroyed == [old.ref] and len(result.doc_ids) == 2
    # tombstones: both versions, no key, no blob, no sealed metadata
    rows = arc._catalog.conn.execute("SELECT * FROM documents WHERE ref = ?", (old.ref,)).fetchall()
    assert [(r["status"], r["blob"], r["meta"], r["text"]) for r in rows] == [("destroyed", None, None, None)] * 2
    assert arc._catalog.conn.execute("SELECT COUNT(*) FROM doc_keys WHERE doc_id IN (?, ?)", result.doc_ids).fetchone()[0] == 0
    assert sum(1 for p in arc.home.blobs.rglob("*") if p.is_file()) == 2  # keep + the record
    # the wrapped keys are gone from the database file and the WAL, not just unlinked from the table
    disk = arc.home.catalog.read_bytes() + (arc.home.root / "catalog.sqlite-wal").read_bytes()
    assert not any(w in disk for w in wrapped[:2])
    with pytest.raises(Destroyed):
        arc.read(old.ref)
    # the 件号 is not reused
    assert arc.add(b"next", weekly(12), filename="n.txt").ref.endswith("-0003")
    # the record is an archived document of its own
    record = arc.entry(result.record_ref)
    assert (record.category, record.doc_type, record.retention) == ("15", "销毁记录", "Y")
    document = docx.Document(io.BytesIO(arc.read(result.record_ref)))
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert [old.ref] == [row[1] for row in cells if row and row[1] == old.ref]
    assert any("保管期满，经鉴定销毁" in cell for row in cells for cell in row)
    assert any("第十周周报" in cell for row in cells for cell in row)
    assert [e.action for e in arc.log(ref=old.ref)][-1] == "destroy"
    assert arc.log(ref=old.ref)[-1].detail == {"reason": "保管期满，经鉴定销毁", "by": "张测试", "versions": 2}
    assert arc.verify().ok and keep


def test_destroy_checks_everything_first(arc):
    held = arc.add(b"held", weekly(10), filename="h.txt").ref
    free = arc.add(b"free", weekly(11), filename="f.txt").ref
    arc.hold(held, "诉讼保全")
    before = arc.log()
    with pytest.raises(DestroyFailed) as caught:
        arc.destroy([free, held, "BJ01-WS·2024-D10-FWZ-0099"], "到期", by="张测试")
    assert [p.path for p in caught.value.problems] == [held, "BJ01-WS·2024-D10-FWZ-0099"]
    assert "冻结" in caught.value.problems[0].message
    assert arc.log() == before and arc.entry(free).status == "current"
    with pytest.raises(InvalidMeta):
        arc.destroy([free], "  ", by="张测试")


def test_destroying_twice_is_refused(arc):
    ref = arc.add(b"x", weekly(10), filename="x.txt").ref
    arc.destroy([ref], "到期", by="张测试")
    with pytest.raises(DestroyFailed) as caught:
        arc.destroy([ref], "到期", by="张测试")
    assert "已于" in caught.value.problems[0].message


def test_a_version_added_while_destroying_stops_the_destruction(arc, monkeypatch):
    """GIVEN another process supersedes a 件 after destroy checked it and before destroy takes the
    write lock WHEN destroy goes on THEN nothing is destroyed — never every version but the newest."""
    old = arc.add(b"v1", weekly(10), filename="v1.txt")
    render = disposition.render_record

    def render_then_supersede(*args, **kwargs):
        record = render(*args, **kwargs)
        with Archive.open(arc.home.root, PASSPHRASE) as other:
            other.add(b"v2", weekly(10), filename="v2.txt", supersedes=old.ref)
        return record

    monkeypatch.setattr(disposition, "render_record", render_then_supersede)
    with pytest.raises(ConcurrentChange):
        arc.destroy([old.ref], "到期", by="张测试")
    assert [v.status for v in arc.versions(old.ref)] == ["superseded", "current"]
    assert "destroy" not in [e.action for e in arc.log()]


def test_hold_and_release(arc):
    ref = arc.add(b"x", weekly(10), filename="x.txt").ref
    arc.hold(ref, "审计调阅")
    assert arc.entry(ref).on_hold and [e.ref for e in arc.list({"on_hold": True})] == [ref]
    from archive.disposition import hold_reason

    assert hold_reason(arc, ref) == "审计调阅"
    arc.release(ref)
    assert not arc.entry(ref).on_hold
    with pytest.raises(NotOnHold):
        arc.release(ref)
    assert [e.action for e in arc.log(ref=ref)] == ["add", "hold", "release"]
    assert "审计调阅".encode() not in arc.home.catalog.read_bytes()


def test_nothing_of_a_destroyed_document_stays_in_the_index_files(arc):
    """GIVEN a document indexed in one large segment (after a rebuild) WHEN it is destroyed THEN no
    index file, decrypted, still holds its grams: a deletion mark alone would leave its text
    reconstructable under the index key, which destruction does not shred."""
    for n in range(30):
        arc.add(f"第 {n} 份巡检记录，运维服务正常".encode(), {"category": "05", "date": "2024-01-02"}, filename=f"{n}.txt")
    secret = arc.add("保密内容：鼋鼍龘齉".encode(), {"category": "05", "date": "2024-01-02"}, filename="s.txt")
    arc.rebuild_index()
    storage = arc.search_engine()._storage

    def files_with_the_secret() -> list[str]:
        return [name for name in storage.list() if "鼋鼍".encode() in storage.read_plain(name)]

    assert files_with_the_secret() != []
    arc.destroy([secret.ref], "到期", by="张测试")
    assert files_with_the_secret() == []
    assert arc.search_engine().search("巡检记录").total == 30


def test_a_document_destroyed_during_an_index_rebuild_is_not_marked_as_gone_from_the_index(arc, monkeypatch):
    """GIVEN another process destroys a document while a rebuild runs, and cannot reach the index
    (the rebuild holds it) WHEN the rebuild finishes THEN the document is still owed to the index
    (not marked done), and the next sync purges it."""
    secret = arc.add("保密内容：鼋鼍龘齉".encode(), {"category": "05", "date": "2024-01-02"}, filename="s.txt")
    engine = arc.search_engine()
    rebuild = engine.rebuild

    def rebuild_while_another_process_destroys(docs):
        rebuild(docs)
        with Archive.open(arc.home.root, PASSPHRASE) as other:
            other._engine_error = "全文索引正被另一个进程写入"  # its index update fails, as a timed-out one would
            other.destroy([secret.ref], "到期", by="张测试")

    monkeypatch.setattr(engine, "rebuild", rebuild_while_another_process_destroys)
    arc.rebuild_index()
    assert arc.query("SELECT indexed FROM documents WHERE doc_id = ?", (secret.doc_id,))[0]["indexed"] == 0
    arc.sync_index()
    assert not [name for name in engine._storage.list() if "鼋鼍".encode() in engine._storage.read_plain(name)]
