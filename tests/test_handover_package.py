"""Building handover packages from a real archive: BagIt 1.0, 文件目录, 移交清单, nothing leaked."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import bagit
import pytest
from docx import Document
from openpyxl import load_workbook

from archive import ConcurrentChange
from archive.crypto import KdfParams
from archive.handover_catalog import COLUMNS, read_catalog
from archive.handover_package import BuildOptions, PackageExists
from archive.handover_transport import TransportError, is_transport_file, open_package
from archive.handover_verify import verify_package
from archive.handover_duties import package_period
from tests.archive_helpers import make_archive
from tests.handover_fixtures import PERSON, PROJECT, Q1_AS_OF, SEPTEMBER_AS_OF, leaks, quarter, september

FAST_KDF = KdfParams(time_cost=1, memory_cost=1024, parallelism=1)  # the cheap test profile


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The September 2023 package, built once for the read-only tests of this module."""
    root = tmp_path_factory.mktemp("september")
    arc = make_archive(root / "home")
    scenario = september(arc)
    result = scenario.handover.build("JFLH", month="2023-09", out_dir=root / "out", as_of=SEPTEMBER_AS_OF,
                                     options=BuildOptions(bagging_date=date(2023, 10, 12)))
    yield scenario, result
    arc.close()


def test_the_package_is_a_valid_bagit_1_0_bag(built):
    _, result = built
    bag = bagit.Bag(str(result.package.path))
    assert bag.validate(processes=1) is True  # every payload and tag digest, Payload-Oxum, completeness
    assert bag.tags["BagIt-Version"] == "1.0" and bag.algorithms == ["sha256"]
    assert (result.package.path / "tagmanifest-sha256.txt").is_file()
    assert bag.info["Source-Organization"] == PROJECT["vendor"]
    assert bag.info["External-Identifier"] == "JFLH-2023-09-01" == result.package.package_id
    assert bag.info["Bagging-Date"] == "2023-10-12"
    files = [p for p in (result.package.path / "data").rglob("*") if p.is_file()]
    assert bag.info["Payload-Oxum"] == f"{sum(p.stat().st_size for p in files)}.{len(files)}"


def test_the_payload_holds_the_decrypted_documents_by_year_category_and_ref(built):
    scenario, result = built
    ref = scenario.refs["M09"]
    path = result.package.path / "data" / "2023" / "07-服务总结" / f"{ref}.docx"
    assert path.read_bytes() == scenario.arc.read(ref)
    names = {p.name for p in (result.package.path / "data").iterdir()}
    assert {"文件目录.xml", "文件目录.xlsx", "移交清单.docx", "完整性报告.json", "数字摘要登记表.csv", "2023"} == names


def test_the_package_carries_matched_and_other_documents_but_no_very_sensitive_one(built):
    scenario, result = built
    carried = {e.ref for e in result.package.entries}
    refs = scenario.refs
    assert carried == {refs[k] for k in ("W36", "W37", "W39", "M09", "GZ-9", "minutes", "note")}
    assert result.package.withheld == [refs["nda"]]
    assert refs["nda"] not in (result.package.path / "manifest-sha256.txt").read_text(encoding="utf-8")


def test_no_id_number_and_nothing_of_the_very_sensitive_document_appears_in_any_file(built):
    """GIVEN a withheld 非常敏感 NDA holding an ID number, and a note whose title and notes carry one
    WHEN every file of the bag, and every member of every docx/xlsx inside, is scanned
    THEN neither the ID number nor the NDA's person appears anywhere."""
    _, result = built
    assert leaks(result.package.path, [PERSON.id_number, PERSON.name]) == []


def test_the_catalogue_lists_every_document_with_the_archival_columns(built):
    scenario, result = built
    catalog = read_catalog((result.package.path / "data" / "文件目录.xml").read_bytes())
    assert catalog.package_id == "JFLH-2023-09-01" and catalog.period == "2023-09"
    assert [e.seq for e in catalog.entries] == list(range(1, 8))
    note = next(e for e in catalog.entries if e.ref == scenario.refs["note"])
    assert note.title == "驻场人员变更 ［身份证号］" and "［身份证号］" in note.remarks
    w37 = next(e for e in catalog.entries if e.ref == scenario.refs["W37"])
    assert (w37.date, w37.classification) == ("20230919", "最小敏感性")
    assert "迟交 1 天（应交 2023-09-18，实交 2023-09-19）" in w37.remarks
    sheet = load_workbook(result.package.path / "data" / "文件目录.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == COLUMNS
    assert [r[1] for r in rows[2:]] == [e.ref for e in catalog.entries]


def test_the_handover_list_opens_and_lists_every_item_with_signature_lines(built):
    scenario, result = built
    document = Document(result.package.path / "data" / "移交清单.docx")
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    text = "\n".join(p.text for p in document.paragraphs)
    assert {e.ref for e in result.package.entries} <= cells
    assert {"移交方（盖章）：", "接收方（盖章）：", PROJECT["vendor"], PROJECT["client"]} <= cells
    assert f"监理单位（盖章）：{PROJECT['supervisor']}" in text
    assert "缺失" in cells and "迟交（1 天）" in cells
    assert "另有 1 件定为“非常敏感”的文件已归档" in text


def test_the_completeness_report_names_withheld_documents_by_ref_only(built):
    scenario, result = built
    report = json.loads((result.package.path / "data" / "完整性报告.json").read_text(encoding="utf-8"))
    assert report["withheld"] == [{"ref": scenario.refs["nda"], "reason": "非常敏感，已归档，未随包移交"}]
    assert report["summary"]["missing"] == 1 and report["summary"]["late"] == 2
    assert report["summary"]["total_deduction"] == "1.5"
    assert scenario.refs["nda"] not in {o["ref"] for o in report["other_documents"]}


def test_building_is_audited_and_recorded(built):
    scenario, result = built
    entry = scenario.arc.log(action="handover.build")[-1]
    assert entry.detail["package_id"] == "JFLH-2023-09-01" and entry.detail["documents"] == 7
    exports = [e for e in scenario.arc.log(action="export") if e.detail.get("package") == "JFLH-2023-09-01"]
    assert sorted(e.ref for e in exports) == sorted(e.ref for e in result.package.entries)  # one each, none withheld
    record = scenario.handover.package("JFLH-2023-09-01")
    assert record.bag_digest == result.package.bag_digest and record.built_on == date(2023, 10, 12)


def test_very_sensitive_documents_travel_only_when_asked(tmp_path):
    arc = make_archive(tmp_path / "home")
    scenario = september(arc)
    result = scenario.handover.build("JFLH", month="2023-09", out_dir=tmp_path / "out", as_of=SEPTEMBER_AS_OF,
                                     options=BuildOptions(include_very_sensitive=True))
    assert scenario.refs["nda"] in {e.ref for e in result.package.entries} and result.package.withheld == []
    arc.close()


def test_a_quarter_package_consolidates_its_months(tmp_path):
    """GIVEN 2024 Q1 with W07 late (春节), 月报 02 late and 月报 03 missing WHEN the quarter is built
    THEN it carries all 16 documents, owes 17 items and says what is late and missing."""
    arc = make_archive(tmp_path / "home")
    scenario = quarter(arc)
    result = scenario.handover.build("JFLH", quarter="2024Q1", out_dir=tmp_path / "out", as_of=Q1_AS_OF)
    assert result.package.package_id == "JFLH-2024Q1-01"
    assert len(result.package.entries) == 16 and len(result.report.items) == 17
    late = [i.expected.key for i in result.report.items if i.status == "late"]
    assert late == ["周报/2024-W07", "月报/2024-02"]
    assert [i.expected.key for i in result.report.items if i.status == "missing"] == ["月报/2024-03"]
    assert bagit.Bag(str(result.package.path)).is_valid()
    arc.close()


def test_a_failed_build_leaves_nothing_behind(tmp_path, monkeypatch):
    arc = make_archive(tmp_path / "home")
    scenario = september(arc)
    calls = []

    def failing_export(package_id, placed, progress):
        for doc, dest in placed:
            calls.append(doc.ref)
            if len(calls) == 3:
                raise OSError("disk full")
            dest.write_bytes(arc.read(doc.ref))

    monkeypatch.setattr(scenario.handover, "_export", failing_export)
    with pytest.raises(OSError, match="disk full"):
        scenario.handover.build("JFLH", month="2023-09", out_dir=tmp_path / "out", as_of=SEPTEMBER_AS_OF)
    assert list((tmp_path / "out").iterdir()) == []
    assert scenario.handover.packages() == [] and arc.log(action="handover.build") == []
    arc.close()


def test_zip_and_transport_encrypted_packages_round_trip(tmp_path):
    arc = make_archive(tmp_path / "home")
    scenario = september(arc)
    out = tmp_path / "out"
    zipped = scenario.handover.build("JFLH", month="2023-09", out_dir=out, options=BuildOptions(zip=True)).package
    assert zipped.path.name == "JFLH-2023-09-01.zip" and zipfile.is_zipfile(zipped.path)
    assert verify_package(zipped.path).ok
    sealed = scenario.handover.build("JFLH", month="2023-09", out_dir=out, options=BuildOptions(
        transport_passphrase="运输口令", transport_kdf=FAST_KDF)).package
    assert sealed.path.name == "JFLH-2023-09-02.zip.dgt" and is_transport_file(sealed.path)
    assert not zipfile.is_zipfile(sealed.path)
    hits = leaks(out, [PROJECT["vendor"], "服务周报"])
    assert any(hit.startswith("JFLH-2023-09-01.zip!") for hit in hits)  # the plain zip carries them
    assert not any(hit.startswith("JFLH-2023-09-02.zip.dgt") for hit in hits)  # the wrapped one does not
    assert verify_package(sealed.path, transport_passphrase="运输口令").ok
    opened = open_package(sealed.path, tmp_path / "opened.zip", "运输口令")
    assert verify_package(opened).ok
    with pytest.raises(TransportError):
        open_package(sealed.path, tmp_path / "wrong.zip", "错误口令")
    assert not (tmp_path / "wrong.zip").exists()
    assert sorted(p.name for p in out.iterdir()) == ["JFLH-2023-09-01.zip", "JFLH-2023-09-02.zip.dgt"]
    arc.close()


def test_an_existing_package_is_never_overwritten(tmp_path):
    from archive.handover_package import Parties, build_package
    from archive.handover_completeness import check_completeness

    report = check_completeness("JFLH", (), package_period(month="2023-09"), [], as_of=SEPTEMBER_AS_OF)
    (tmp_path / "JFLH-2023-09-01").mkdir()
    with pytest.raises(PackageExists):
        build_package("JFLH-2023-09-01", Parties("JFLH", "项目", "乙方", "甲方"), report, lambda d, p: None, tmp_path)


@pytest.mark.parametrize("their_folder, error", [("out", PackageExists), ("elsewhere", ConcurrentChange)])
def test_a_build_racing_another_for_the_same_package_never_removes_the_other(tmp_path, monkeypatch, their_folder, error):
    """GIVEN another process builds and records the same package id (into the same folder or
    another) while this build is bagging WHEN this build goes on THEN it fails, leaves nothing of
    its own, and the other's package, recorded in the archive, stays whole."""
    from archive import Archive, handover_package
    from archive.handover import Handover
    from tests.archive_helpers import PASSPHRASE

    arc = make_archive(tmp_path / "home")
    scenario = september(arc)
    out, options = tmp_path / "out", BuildOptions(zip=True)
    stage_bag, theirs = handover_package.stage_bag, []

    def stage_bag_while_another_process_builds(build):
        if not theirs:
            theirs.append(None)
            with Archive.open(arc.home.root, PASSPHRASE) as other:
                theirs[0] = Handover(other).build("JFLH", month="2023-09", out_dir=tmp_path / their_folder,
                                                  as_of=SEPTEMBER_AS_OF, options=options).package
        return stage_bag(build)

    monkeypatch.setattr(handover_package, "stage_bag", stage_bag_while_another_process_builds)
    with pytest.raises(error):
        scenario.handover.build("JFLH", month="2023-09", out_dir=out, as_of=SEPTEMBER_AS_OF, options=options)
    assert theirs[0].package_id == "JFLH-2023-09-01" and verify_package(theirs[0].path).ok
    assert [p.package_id for p in scenario.handover.packages()] == ["JFLH-2023-09-01"]
    assert scenario.handover.package("JFLH-2023-09-01").bag_digest == theirs[0].bag_digest
    assert [p.name for p in out.iterdir()] == (["JFLH-2023-09-01.zip"] if their_folder == "out" else [])
    arc.close()
