"""The shared base: atomic writes, sealing, text extraction, the CLI entry point."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from archive.crypto import Sealer, derive_subkey, new_key, seal, unseal
from archive.errors import Unauthenticated
from docgen.cli import cli
from docgen.fsutil import atomic_write_bytes, atomic_writer
from index.extract import extract_text


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "a.bin"
    atomic_write_bytes(target, b"old")
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_atomic_writer_leaves_old_file_on_error(tmp_path):
    target = tmp_path / "a.bin"
    atomic_write_bytes(target, b"old")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as handle:
            handle.write(b"half")
            raise RuntimeError("crash")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_seal_roundtrip_and_context_binding():
    key = new_key()
    sealed = seal(key, "保密协议".encode(), b"doc-1")
    assert "保密协议".encode() not in sealed
    assert unseal(key, sealed, b"doc-1") == "保密协议".encode()
    with pytest.raises(Unauthenticated):
        unseal(key, sealed, b"doc-2")  # swapped context
    with pytest.raises(Unauthenticated):
        unseal(new_key(), sealed, b"doc-1")  # wrong key
    flipped = bytearray(sealed)
    flipped[-1] ^= 1
    with pytest.raises(Unauthenticated):
        unseal(key, bytes(flipped), b"doc-1")


def test_subkeys_differ_by_label_and_sealer_hides_key():
    master = new_key()
    assert derive_subkey(master, "index") != derive_subkey(master, "blobs")
    sealer = Sealer(derive_subkey(master, "index"))
    assert sealer.unseal(sealer.seal(b"x")) == b"x"
    assert "hidden" in repr(sealer)


def test_extract_docx_includes_tables_and_headers():
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "页眉：北京市人力资源和社会保障局"
    document.add_paragraph("履约保函金额为壹拾万叁仟捌佰元整")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "首都信息发展股份有限公司"
    table.cell(0, 1).text = "329856005414"
    buffer = io.BytesIO()
    document.save(buffer)
    result = extract_text(buffer.getvalue(), "合同.docx")
    assert result.status == "ok"
    for term in ("页眉", "壹拾万叁仟捌佰元整", "首都信息发展股份有限公司", "329856005414"):
        assert term in result.text


def test_extract_flags_empty_and_unsupported_without_failing():
    assert extract_text(b"   ", "空.txt").status == "empty"
    assert extract_text(b"\x89PNG....", "scan.png").status == "image_only"
    assert extract_text(b"abc", "x.bin").status == "unsupported"
    assert extract_text(b"not a zip", "broken.docx").status == "unreadable"
    assert extract_text("监理通知单".encode("gb18030"), "n.txt").text == "监理通知单"


def test_cli_help_and_version():
    runner = CliRunner()
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "docgen" in result.output
    assert runner.invoke(cli, ["--version"]).output.startswith("docgen")
