"""The encrypting Whoosh storage: nothing readable at rest, tampering and swapping are rejected."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest

from archive.crypto import Sealer, new_key
from archive.errors import Unauthenticated
from index.api import IndexDoc
from index.engine import open_index
from index.storage import ID_FILE, EncryptedStorage
from tests.archive_helpers import encodings

KEY = new_key()
SECRET_TERMS = ("保密协议", "源代码", "王为昌", "积分落户", "监理", "BJRBJ2021010", "bjrbj2021010", "HTXY", "doc-secret-1")


def secret_doc(doc_id: str = "doc-secret-1", extra: str = "") -> IndexDoc:
    return IndexDoc(
        doc_id=doc_id, ref="J001-HTXY·2022-Y-JFLH-0001", title="积分落户系统保密协议",
        text=f"保密协议：乙方不得泄露源代码。监理王为昌。合同编号BJRBJ2021010。{extra}",
        category="HTXY", year=2022, date=date(2022, 10, 19), project="JFLH", names=("王为昌",),
    )


@pytest.fixture
def index_dir(tmp_path):
    directory = tmp_path / "index"
    engine = open_index(directory, Sealer(KEY))
    engine.add([secret_doc()])
    engine.add([secret_doc("doc-secret-2", "第二份")])  # a second segment
    engine.delete(["doc-secret-2"])
    engine.close()
    return directory


def test_no_term_of_any_document_is_readable_anywhere_in_the_index_directory(index_dir):
    files = [p for p in index_dir.rglob("*") if p.is_file()]
    assert len(files) >= 3
    for path in files:
        data = path.read_bytes()
        for term in SECRET_TERMS:
            for form in encodings(term).values():
                assert form not in data, f"{term!r} readable in {path.name}"


def test_only_sealed_owner_only_files_and_an_empty_lock_file_are_on_disk(index_dir):
    for path in index_dir.iterdir():
        data = path.read_bytes()
        assert path.stat().st_mode & 0o077 == 0, path.name
        if path.name.endswith(".lock"):
            assert data == b""
        else:
            assert data[:3] == b"DGS", path.name


def test_the_index_is_useless_without_the_key(index_dir):
    with pytest.raises(Unauthenticated):
        open_index(index_dir, Sealer(new_key()))


def _segment_file(directory):
    return next(p for p in sorted(directory.iterdir()) if p.suffix in (".seg", ".pst"))


def test_a_flipped_bit_in_a_segment_is_rejected(index_dir):
    path = _segment_file(index_dir)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(Unauthenticated):
        engine = open_index(index_dir, Sealer(KEY))
        engine.search("保密协议")


def test_a_flipped_bit_in_the_toc_is_rejected(index_dir):
    toc = next(p for p in index_dir.iterdir() if p.suffix == ".toc")
    data = bytearray(toc.read_bytes())
    data[-1] ^= 0x80
    toc.write_bytes(bytes(data))
    with pytest.raises(Unauthenticated):
        open_index(index_dir, Sealer(KEY))


def test_a_file_swapped_in_from_another_index_with_the_same_key_is_rejected(index_dir, tmp_path):
    """GIVEN two indexes sealed with the same key WHEN a segment of one replaces a segment of the other THEN it fails."""
    other = tmp_path / "other"
    engine = open_index(other, Sealer(KEY))
    engine.add([secret_doc("intruder")])
    engine.close()
    victim = _segment_file(index_dir)
    shutil.copyfile(_segment_file(other), victim)
    with pytest.raises(Unauthenticated):
        engine = open_index(index_dir, Sealer(KEY))
        engine.search("保密协议")


def test_a_renamed_file_does_not_open_under_its_new_name(tmp_path):
    storage = EncryptedStorage(tmp_path / "ix", Sealer(KEY)).create()
    with storage.create_file("a.bin") as f:
        f.write(b"content of a")
    with storage.create_file("b.bin") as f:
        f.write(b"content of b")
    os.replace(tmp_path / "ix" / "a.bin", tmp_path / "ix" / "b.bin")
    with pytest.raises(Unauthenticated):
        storage.open_file("b.bin")


def test_storage_round_trip_and_plaintext_length(tmp_path):
    storage = EncryptedStorage(tmp_path / "ix", Sealer(KEY)).create()
    with storage.create_file("x.bin") as f:
        f.write(b"hello index")
    assert storage.file_length("x.bin") == len(b"hello index")
    assert bytes(storage.open_file("x.bin").read()) == b"hello index"
    storage.rename_file("x.bin", "y.bin")
    assert bytes(storage.open_file("y.bin").read()) == b"hello index"
    assert sorted(storage.list()) == ["y.bin"]
    assert (tmp_path / "ix" / ID_FILE).exists()


def test_the_writer_leaves_no_scratch_files_on_disk(tmp_path):
    """Whoosh's sort runs and column buffers stay in memory: after a large add only sealed files remain."""
    engine = open_index(tmp_path / "ix", Sealer(KEY))
    engine.add([secret_doc(f"d{i}", "附加文本" * 50) for i in range(200)])
    engine.close()
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.endswith(".lock")]
    assert all(p.read_bytes()[:3] == b"DGS" for p in leftovers)
    assert not any(p.is_dir() for p in (tmp_path / "ix").iterdir())


def test_the_copy_free_stream_reads_like_bytesio():
    import io

    from index.storage import _ViewStream

    data = b"abc\ndef\n" + b"x" * 10000 + b"\nlast"
    view, reference = _ViewStream(memoryview(data)), io.BytesIO(data)
    steps = [lambda s: s.readline(), lambda s: s.read(2), lambda s: s.readline(), lambda s: s.readline(5),
             lambda s: s.readline(), lambda s: s.seek(3), lambda s: s.tell(), lambda s: s.readline(),
             lambda s: s.seek(-4, 2), lambda s: s.read(), lambda s: s.read()]
    assert [step(view) for step in steps] == [step(reference) for step in steps]
