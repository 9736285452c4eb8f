"""Adding, listing, reading, versions, duplicates and the audit trail of a real archive."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from archive import AddItem, Archive, Destroyed, InvalidMeta, ListQuery, UnknownDocument
from archive.errors import AlreadyInitialized, NotAnArchive
from tests.archive_helpers import PASSPHRASE, docx_bytes, make_archive, weekly


def test_init_lays_out_a_private_home(tmp_path):
    home = tmp_path / "home"
    make_archive(home).close()
    assert sorted(p.name for p in home.iterdir()) == ["blobs", "catalog.sqlite", "keys.json", "tmp"]
    for path in [home, *home.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    assert PASSPHRASE.encode() not in (home / "keys.json").read_bytes()


def test_init_refuses_a_used_folder_and_bad_fonds(tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    with pytest.raises(AlreadyInitialized):
        make_archive(tmp_path / "used")
    with pytest.raises(InvalidMeta) as caught:
        Archive.init(tmp_path / "new", PASSPHRASE, fonds="北京", kdf="test")
    assert caught.value.problems[0].path == "fonds"
    assert not (tmp_path / "new").exists()


def test_open_a_folder_that_is_not_an_archive(tmp_path):
    with pytest.raises(NotAnArchive):
        Archive.open(tmp_path, PASSPHRASE)


def test_add_assigns_gap_free_item_numbers_per_group(arc):
    first = arc.add(b"week 10", weekly(10), filename="w10.txt")
    second = arc.add(b"week 11", weekly(11), filename="w11.txt")
    yearly = arc.add(b"annual", {"category": "07", "doc_type": "年度总结", "period": "2024", "date": "2024-12-30"}, filename="y.txt")
    other_year = arc.add(b"2023", {**weekly(10), "date": date(2023, 3, 8), "period": "2023-W10"}, filename="w.txt")
    assert first.ref == "BJ01-WS·2024-D10-FWZ-0001"
    assert second.ref == "BJ01-WS·2024-D10-FWZ-0002"
    assert yearly.ref == "BJ01-WS·2024-D30-FWZ-0001"  # another 保管期限, another group
    assert other_year.ref == "BJ01-WS·2023-D10-FWZ-0001"


def test_entry_shows_decrypted_metadata(arc):
    result = arc.add(
        docx_bytes("第十周服务周报", "本周巡检正常"),
        weekly(10, title="第十周服务周报", doc_no="JL-2024-010", responsible="张测试", notes="按时提交",
               parties=["北京示例信息技术有限公司"], project="JFLH-2024", received="2024-03-11"),
        filename="周报10.docx",
    )  # fmt: skip
    entry = arc.entry(result.ref)
    assert (entry.title, entry.doc_no, entry.responsible, entry.notes) == ("第十周服务周报", "JL-2024-010", "张测试", "按时提交")
    assert entry.parties == ("北京示例信息技术有限公司",)
    assert (entry.category_name, entry.doc_type, entry.period, entry.project) == ("服务总结", "周报", "2024-W10", "JFLH-2024")
    assert (entry.date, entry.received, entry.retention, entry.sensitivity) == (date(2024, 3, 8), date(2024, 3, 11), "D10", "最小敏感性")
    assert entry.filename == "周报10.docx" and entry.text_status == "ok"
    assert "本周巡检正常" in arc.read_text(result.doc_id)
    json.dumps(entry.to_dict(), default=str)  # serialisable for --json


def test_read_and_export_return_the_same_bytes(arc, tmp_path):
    data = bytes(range(256)) * 5000  # over a megabyte: several chunks
    ref = arc.add(data, {"category": "11", "date": "2024-05-01"}, filename="raw.bin").ref
    assert arc.read(ref) == data
    out = arc.export(ref, tmp_path / "out.bin")
    assert out.read_bytes() == data
    assert [e.action for e in arc.log(ref=ref)] == ["add", "read", "export"]


def test_same_bytes_twice_are_recognised_not_stored_twice(arc):
    first = arc.add(b"identical", weekly(10), filename="a.txt")
    again = arc.add(b"identical", {"category": "11"}, filename="b.txt")
    assert again.duplicate and again.ref == first.ref and again.doc_id == first.doc_id
    assert "未重复存储" in again.warnings[-1]
    assert len(arc.list()) == 1
    assert sum(1 for _ in (arc.home.blobs).rglob("*") if _.is_file()) == 1


def test_supersede_keeps_the_ref_and_the_old_version(arc):
    old = arc.add(b"draft", weekly(10, title="初稿"), filename="v1.txt")
    new = arc.add(b"final", weekly(10, title="定稿"), filename="v2.txt", supersedes=old.ref)
    assert (new.ref, new.version) == (old.ref, 2)
    assert [e.title for e in arc.list()] == ["定稿"]
    assert [(e.version, e.status) for e in arc.versions(old.ref)] == [(1, "superseded"), (2, "current")]
    assert arc.read(old.ref) == b"final"
    assert arc.read(f"{old.ref}@1") == b"draft"
    assert arc.entry(new.doc_id).supersedes == old.doc_id
    assert len(arc.list({"status": "all"})) == 2


def test_supersede_checks(arc):
    old = arc.add(b"draft", weekly(10), filename="v1.txt")
    arc.add(b"final", weekly(10), filename="v2.txt", supersedes=old.ref)
    with pytest.raises(InvalidMeta) as caught:
        arc.add(b"third", weekly(10), filename="v3.txt", supersedes=f"{old.ref}@1")
    assert "只能取代现行版本" in caught.value.problems[0].message
    with pytest.raises(InvalidMeta) as caught:
        arc.add(b"moved", {"category": "11", "retention": "Y"}, filename="x.txt", supersedes=old.ref)
    assert sorted(p.path for p in caught.value.problems) == ["category", "retention"]
    with pytest.raises(InvalidMeta):
        arc.add(b"x", weekly(10), filename="x.txt", supersedes="BJ01-WS·2024-D10-FWZ-0099")


def test_invalid_metadata_changes_nothing(arc):
    before = arc.log()
    with pytest.raises(InvalidMeta):
        arc.add(b"x", {"category": "99", "date": "tomorrow"}, filename="x.txt")
    assert arc.list({"status": "all"}) == [] and arc.log() == before
    assert not any(p.is_file() for p in arc.home.blobs.rglob("*"))


def test_list_filters(arc):
    arc.add(b"a", weekly(10, project="P1"), filename="a.txt")
    arc.add(b"b", weekly(11, project="P2", received="2024-03-20"), filename="b.txt")
    arc.add(b"c", {"category": "14", "doc_type": "监理通知单", "date": "2024-06-01", "project": "P1"}, filename="c.txt")
    arc.add(b"d", {"category": "04", "doc_type": "系统运行日志", "date": "2023-12-31"}, filename="d.txt")
    refs = lambda **q: [e.ref[-8:] for e in arc.list(ListQuery(**q))]  # noqa: E731
    assert refs(project="P1") == ["FWZ-0001", "JLW-0001"]
    assert refs(category="监理文书") == ["JLW-0001"]
    assert refs(doc_type="周报", period="2024-W11") == ["FWZ-0002"]
    assert refs(year=2023) == ["RCJ-0001"]
    assert refs(sensitivity="比较敏感") == ["RCJ-0001"]
    assert refs(date_from=date(2024, 4, 1)) == ["JLW-0001"]
    assert refs(received_from=date(2024, 3, 15), received_to=date(2024, 3, 31)) == ["FWZ-0002"]
    assert refs(retention="D30") == ["JLW-0001"]
    assert len(arc.list({"limit": 2})) == 2 and len(arc.list({"limit": 2, "offset": 3})) == 1


def test_add_many_and_progress(arc, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(5):
        (folder / f"{n}.txt").write_text(f"第 {n} 份记录", encoding="utf-8")
    (folder / "0-copy.txt").write_text("第 0 份记录", encoding="utf-8")
    seen = []
    results = arc.add_many(
        [AddItem(p, {"category": "05", "date": "2024-01-02"}) for p in sorted(folder.iterdir())],
        progress=lambda n, r: seen.append(n),
    )
    assert seen == [1, 2, 3, 4, 5, 6]
    assert [r.duplicate for r in results] == [False, True, False, False, False, False]
    assert [r.ref[-4:] for r in results if not r.duplicate] == ["0001", "0002", "0003", "0004", "0005"]


def test_add_many_takes_tuples(arc):
    results = arc.add_many([(b"one", {"category": "05"}, "one.txt"), (b"two", {"category": "05"}, "two.txt")])
    assert [arc.entry(r.ref).filename for r in results] == ["one.txt", "two.txt"]


def test_add_many_validates_every_item_before_adding_any(arc):
    items = [AddItem(b"ok", {"category": "05"}, filename="ok.txt"), AddItem(b"bad", {"category": "77"}, filename="bad.txt")]
    with pytest.raises(InvalidMeta) as caught:
        arc.add_many(items)
    assert caught.value.problems[0].path.startswith("[2] bad.txt")
    assert arc.list() == []


def test_unknown_and_malformed_references(arc):
    with pytest.raises(UnknownDocument):
        arc.entry("BJ01-WS·2024-D10-FWZ-0001")
    with pytest.raises(UnknownDocument):
        arc.read("rubbish")


def test_audit_records_who_and_seals_details(arc):
    ref = arc.add(b"x", weekly(10, title="机密题名"), filename="x.txt").ref
    arc.audit("handover.build", {"package": "2024-03", "query": "源代码"}, ref=ref)
    last = arc.log(limit=1)[0]
    assert (last.action, last.actor, last.ref, last.detail) == ("handover.build", "测试员", ref, {"package": "2024-03", "query": "源代码"})
    assert [e.action for e in arc.log(action="handover")] == ["handover.build"]
    assert [e.seq for e in arc.log()] == list(range(1, len(arc.log()) + 1))
    raw = arc.home.catalog.read_bytes() + (arc.home.root / "catalog.sqlite-wal").read_bytes()
    assert "源代码".encode() not in raw and "机密题名".encode() not in raw


def test_destroyed_documents_cannot_be_read(arc):
    ref = arc.add(b"x", weekly(10), filename="x.txt").ref
    arc.destroy([ref], "测试销毁", by="张测试")
    with pytest.raises(Destroyed):
        arc.read(ref)
    assert arc.entry(ref).title is None and arc.read_text(arc.entry(ref).doc_id) == ""


def test_index_docs_cover_current_versions_without_id_numbers(arc):
    from tests.fakes import fake_id_number

    id_number = fake_id_number(7, date(1990, 3, 7), True)
    old = arc.add(f"员工身份证号 {id_number}".encode(), weekly(10, parties=["张测试"]), filename="a.txt")
    arc.add(b"v2", weekly(10), filename="b.txt", supersedes=old.ref)
    arc.add(b"other", weekly(11), filename="c.txt")
    docs = list(arc.index_docs())
    assert len(docs) == 2 and all(d.doc_id != old.doc_id for d in docs)
    first = next(iter(arc.index_docs()))
    assert first.category == "07" and first.year == 2024
    doc = Archive._index_doc(arc, arc._resolve(f"{old.ref}@1"))
    assert id_number not in doc.text and "［身份证号］" in doc.text and doc.names == ("张测试",)


def test_documents_reach_the_search_index(arc):
    from index.api import Filters

    arc.add("监理通知单 关于机房整改".encode(), {"category": "14", "doc_type": "监理通知单", "date": "2024-06-01"}, filename="n.txt")
    engine = arc.search_engine()
    if engine is None:
        pytest.skip(f"search engine not available: {arc.engine_error}")
    hits = engine.search("机房整改", Filters())
    assert hits.total == 1 and arc.unindexed_count() == 0


def test_large_file_streams_in_bounded_memory(tmp_path):
    """GIVEN a 48 MiB file WHEN a separate process archives and exports it THEN its peak RSS grows far less than the file."""
    script = r"""
import sys
from pathlib import Path
from archive import Archive
from tests.archive_helpers import make_archive

def peak_mb():
    # VmHWM belongs to this process image; ru_maxrss would inherit the parent's peak across fork+exec
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    return int(line.split()[1]) // 1024

home, src, out = map(Path, sys.argv[1:4])
with make_archive(home) as arc:
    ref = arc.add(src, {"category": "11", "date": "2024-01-01"}).ref
    arc.export(ref, out)
print(peak_mb())
"""
    def peak(size: int, name: str) -> int:
        src = tmp_path / f"{name}.dat"
        with open(src, "wb") as handle:
            for _ in range(size // (1 << 20)):
                handle.write(b"\xa5" * (1 << 20))
            handle.write(b"end")
        out = tmp_path / f"{name}.out"
        root = Path(__file__).resolve().parents[1]
        done = subprocess.run([sys.executable, "-c", script, str(tmp_path / name), str(src), str(out)],
                              capture_output=True, text=True, cwd=root, check=True)  # fmt: skip
        assert out.read_bytes() == src.read_bytes()
        return int(done.stdout.strip())

    small, large = peak(1 << 20, "small"), peak(48 << 20, "large")
    assert large - small < 16, f"peak RSS grew by {large - small} MiB for a 48 MiB file"


def test_a_temp_blob_cleaned_up_by_another_process_before_it_was_locked_does_not_fail_the_add(arc, monkeypatch):
    """GIVEN another process opening the archive (it removes unlocked temp files) between the moment
    a temp blob is created and the moment it is locked WHEN the add goes on THEN it still archives."""
    import tempfile

    from archive.blobs import BlobStore

    create, interrupted = tempfile.mkstemp, []

    def create_then_other_process_cleans_up(*args, **kwargs):
        made = create(*args, **kwargs)
        if not interrupted:
            interrupted.append(BlobStore(arc.home.blobs, arc.home.tmp).remove_stale_pending())
        return made

    monkeypatch.setattr(tempfile, "mkstemp", create_then_other_process_cleans_up)
    ref = arc.add(b"racing bytes", weekly(10), filename="r.txt").ref
    assert interrupted == [1] and arc.read(ref) == b"racing bytes"
    assert list(arc.home.tmp.iterdir()) == []
