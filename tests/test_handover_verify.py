"""The receiving side attacked: tampered bags, edited 文件目录, zip-slip, zip bombs, symlinks."""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from datetime import date
from pathlib import Path

import bagit
import pytest

from archive.handover_package import zip_bag
from archive.handover_verify import ZipLimits, verify_package
from docgen.errors import UsageError
from tests.archive_helpers import make_archive
from tests.handover_fixtures import SEPTEMBER_AS_OF, september


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """(scenario, path of a pristine September bag) built once; tests work on copies."""
    root = tmp_path_factory.mktemp("pristine")
    arc = make_archive(root / "home")
    scenario = september(arc)
    result = scenario.handover.build("JFLH", month="2023-09", out_dir=root / "out", as_of=SEPTEMBER_AS_OF)
    yield scenario, result.package.path
    arc.close()


@pytest.fixture
def bag(pristine, tmp_path) -> Path:
    copy = tmp_path / pristine[1].name
    shutil.copytree(pristine[1], copy)
    return copy


def lines(result) -> list[str]:
    return [p.as_line() for p in result.problems]


def a_document(bag_dir: Path) -> Path:
    return sorted((bag_dir / "data" / "2023" / "07-服务总结").iterdir())[0]


def test_a_pristine_bag_passes_every_step(bag):
    result = verify_package(bag)
    assert result.ok and result.steps == ["format", "structure", "digests", "catalog"]
    assert (result.package_id, result.documents) == ("JFLH-2023-09-01", 7)


def test_a_changed_payload_byte_is_caught(bag):
    target = a_document(bag)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    relative = f"data/2023/07-服务总结/{target.name}"
    found = lines(verify_package(bag))
    assert len(found) == 2
    assert found[0].startswith(f"{relative}（摘要）：sha256 摘要不符")
    assert found[1].startswith(f"{relative}（文件目录）：与文件目录登记的摘要不符")


def test_an_added_file_is_caught(bag):
    (bag / "data" / "2023" / "extra.txt").write_text("夹带", encoding="utf-8")
    found = lines(verify_package(bag))
    assert "data/2023/extra.txt（文件目录）：文件目录中没有此文件" in found
    assert any(line.startswith("bag-info.txt（摘要）：Payload-Oxum validation failed") for line in found)


def test_a_removed_file_is_caught(bag):
    target = a_document(bag)
    target.unlink()
    found = lines(verify_package(bag))
    assert f"data/2023/07-服务总结/{target.name}（文件目录）：文件目录列出的文件不在包中" in found


def test_an_edited_catalogue_is_caught_by_the_tag_manifest(bag):
    xml = bag / "data" / "文件目录.xml"
    xml.write_text(xml.read_text(encoding="utf-8").replace("W37", "W40"), encoding="utf-8")
    found = lines(verify_package(bag))
    assert len(found) == 1 and found[0].startswith("data/文件目录.xml（摘要）：sha256 摘要不符")


def test_a_rebagged_removal_is_caught_by_the_catalogue(bag):
    """GIVEN a document removed and the bag's manifests recomputed to match THEN bagit is satisfied
    but the 文件目录 still lists the document."""
    target = a_document(bag)
    target.unlink()
    bagit.Bag(str(bag)).save(manifests=True)
    assert bagit.Bag(str(bag)).is_valid()
    assert lines(verify_package(bag)) == [f"data/2023/07-服务总结/{target.name}（文件目录）：文件目录列出的文件不在包中"]


def test_a_consistently_rebuilt_package_is_caught_by_the_build_record(pristine, bag):
    """GIVEN a 题名 edited in the 文件目录 and the manifests recomputed (bagit and the catalogue agree)
    WHEN verified against the archive that built it THEN the recorded tag-manifest digest differs."""
    scenario, _ = pristine
    xml = bag / "data" / "文件目录.xml"
    xml.write_text(xml.read_text(encoding="utf-8").replace("W37", "W40"), encoding="utf-8")
    bagit.Bag(str(bag)).save(manifests=True)
    assert verify_package(bag).ok
    result = scenario.handover.verify(bag)
    assert [p.label for p in result.problems] == ["建包记录"]
    assert scenario.arc.log(action="handover.verify")[-1].detail == {
        "package_id": "JFLH-2023-09-01", "format": "bag", "ok": False, "problems": 1, "known": True}


def test_a_symlink_inside_the_bag_is_refused(bag):
    os.symlink("/etc/passwd", bag / "data" / "2023" / "passwd")
    assert lines(verify_package(bag)) == ["data/2023/passwd（结构）：包内有符号链接"]


def test_a_wrong_bagit_version_is_reported(bag):
    (bag / "bagit.txt").write_text("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8")
    found = lines(verify_package(bag))
    assert "bagit.txt（结构）：BagIt-Version 应为 1.0；现值：0.97" in found


# --- zips ---


def evil_zip(path: Path, members: list[tuple[str, bytes]], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


def test_a_zipped_bag_passes(bag, tmp_path):
    assert verify_package(zip_bag(bag, bag.name, tmp_path / "p.zip")).ok


def test_zip_slip_is_refused_and_nothing_is_written(tmp_path):
    # extracted under <scratch>/.docgen-verify-*/bag/, P/../../../ would land in tmp_path itself
    package = evil_zip(tmp_path / "slip.zip", [("P/bagit.txt", b"x"), ("P/../../../escaped.txt", b"owned"),
                                                 ("/tmp/absolute.txt", b"owned"), ("P\\..\\win.txt", b"owned")])
    result = verify_package(package, scratch=tmp_path)
    assert lines(result) == [
        "P/../../../escaped.txt（解压安全）：含 .. 的路径（会写到解压目录之外）",
        "/tmp/absolute.txt（解压安全）：绝对路径",
        "P\\..\\win.txt（解压安全）：含反斜杠的路径",
    ]
    assert not Path("/tmp/absolute.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["slip.zip"]  # nothing escaped; the scratch folder was removed


def test_a_symlink_in_a_zip_is_refused(tmp_path):
    package = evil_zip(tmp_path / "link.zip", [("P/bagit.txt", b"x")], symlink="P/data/passwd")
    assert lines(verify_package(package)) == ["P/data/passwd（解压安全）：符号链接"]


def test_a_member_that_is_both_a_file_and_a_folder_is_refused_not_a_crash(tmp_path):
    package = evil_zip(tmp_path / "clash.zip", [("P/bagit.txt", b"x"), ("P/data", b"file"), ("P/data/x.txt", b"y")])
    assert lines(verify_package(package, scratch=tmp_path)) == ["P/data（解压安全）：文件与目录同名（其下还有其他条目）"]
    assert [p.name for p in tmp_path.iterdir()] == ["clash.zip"]


def test_a_member_the_file_system_cannot_hold_is_reported_not_a_crash(tmp_path):
    package = evil_zip(tmp_path / "long.zip", [("P/bagit.txt", b"x"), ("P/" + "长" * 300 + ".txt", b"y")])
    found = lines(verify_package(package, scratch=tmp_path))
    assert len(found) == 1 and found[0].startswith("long.zip（解压安全）：无法解压（OSError")
    assert [p.name for p in tmp_path.iterdir()] == ["long.zip"]


def test_a_zip_bomb_is_refused_before_extraction(tmp_path):
    package = evil_zip(tmp_path / "bomb.zip", [("P/data/zeros.bin", bytes(30 * 1024 * 1024))])
    assert package.stat().st_size < 100_000
    found = lines(verify_package(package, limits=ZipLimits(max_bytes=10 * 1024 * 1024)))
    assert found[0].startswith("P/data/zeros.bin（解压安全）：压缩比异常")
    assert found[1] == f"(zip)（解压安全）：解压后共 {30 * 1024 * 1024} 字节，超过上限 {10 * 1024 * 1024}，疑似压缩炸弹"


def test_the_inflated_bytes_are_counted_even_when_headers_are_believed(tmp_path):
    """A cap below the real size stops extraction however the central directory was judged."""
    package = evil_zip(tmp_path / "big.zip", [("P/data/a.bin", os.urandom(600_000)), ("P/data/b.bin", os.urandom(600_000))])
    from archive.handover_verify import _TooBig, safe_extract

    with zipfile.ZipFile(package) as archive, pytest.raises(_TooBig):
        safe_extract(archive, tmp_path / "x", ZipLimits(max_bytes=1_000_000))


def test_not_a_package(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"hello")
    assert lines(verify_package(tmp_path / "x.bin")) == ["x.bin（封装）：不是移交包（不是目录、zip 或传输加密包）"]
    assert lines(verify_package(tmp_path / "nothing")) == [f"{tmp_path / 'nothing'}（封装）：不存在"]


def test_an_encrypted_package_needs_its_passphrase(pristine, tmp_path):
    from archive.crypto import KdfParams
    from archive.handover_package import zip_bag as make_zip
    from archive.handover_transport import wrap

    plain = make_zip(pristine[1], pristine[1].name, tmp_path / "p.zip")
    sealed = wrap(plain, tmp_path / "p.zip.dgt", "正确口令", KdfParams(1, 1024, 1))
    with pytest.raises(UsageError):
        verify_package(sealed)
    assert lines(verify_package(sealed, transport_passphrase="错误口令")) == [
        "p.zip.dgt（封装）：无法解开传输加密包：口令不对，或文件已损坏、被篡改"]
    data = bytearray(sealed.read_bytes())
    data[-100] ^= 1
    sealed.write_bytes(bytes(data))
    assert not verify_package(sealed, transport_passphrase="正确口令").ok


def test_confirming_records_who_and_when_once(pristine):
    scenario, _ = pristine
    from archive.handover import AlreadyConfirmed, UnknownPackage
    from docgen.errors import InvalidInput

    handover = scenario.handover
    with pytest.raises(InvalidInput) as raised:
        handover.confirm("JFLH-2023-09-01", by=" ", on=date(2999, 1, 1))
    assert [p.as_line() for p in raised.value.problems] == [
        "--by（接收人）：不能为空，且不超过 100 字", "--date（接收日期）：晚于今天；现值：2999-01-01"]
    record = handover.confirm("JFLH-2023-09-01", by="王样本", on=date.today())
    assert (record.confirmed_by, record.confirmed_on) == ("王样本", date.today())
    with pytest.raises(AlreadyConfirmed):
        handover.confirm("JFLH-2023-09-01", by="王样本")
    with pytest.raises(UnknownPackage):
        handover.confirm("JFLH-2099-01-01", by="王样本")
    assert scenario.arc.log(action="handover.confirm")[-1].detail["by"] == "王样本"
