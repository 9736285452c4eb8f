"""Nothing readable at rest: after archiving documents full of distinctive terms, titles, names and
a fake ID number — and reading, exporting, holding and verifying them — none of those byte
sequences (UTF-8, GB18030, UTF-16) is anywhere under the data home: catalog, WAL, SHM, blobs,
temp files, key file, search index.
"""

from __future__ import annotations

from datetime import date

from tests.archive_helpers import (
    docx_bytes,
    make_archive,
    plaintext_hits,
    run_docgen,
    weekly,
    xlsx_bytes,
)
from tests.fakes import fake_id_number

ID_NUMBER = fake_id_number(20240308, date(1988, 8, 8), False)
TERMS = [
    "琥珀蜂鸟机房",  # body text of a docx
    "翡翠穿山甲割接",  # body text of a txt
    "紫檀猎豹资产",  # a cell of an xlsx
    "关于玄武岩防火墙策略调整的函",  # a title
    "示例区测试路1号",  # notes
    "北京琉璃瓦信息技术有限公司",  # a party
    "京琉璃函〔2024〕88号",  # 文号
    "韩草稿",  # 责任者
    "青铜麒麟拓扑",  # a file name
    "冻结原因白垩纪",  # a legal-hold reason
    ID_NUMBER,
]


def test_no_plaintext_anywhere_under_the_data_home(tmp_path):
    home = tmp_path / "home"
    with make_archive(home) as arc:
        doc = arc.add(
            docx_bytes("本周在琥珀蜂鸟机房完成巡检。", f"值班人员身份证号：{ID_NUMBER}"),
            weekly(10, title="关于玄武岩防火墙策略调整的函", notes="送达地址：北京市示例区测试路1号",
                   parties=["北京琉璃瓦信息技术有限公司"], doc_no="京琉璃函〔2024〕88号", responsible="韩草稿"),
            filename="青铜麒麟拓扑.docx",
        )  # fmt: skip
        arc.add(f"翡翠穿山甲割接方案 第二版 {ID_NUMBER}".encode("gb18030"), {"category": "10", "date": "2024-05-06"}, filename="plan.txt")
        arc.add(xlsx_bytes([["资产", "位置"], ["紫檀猎豹资产", "3 号柜"]]), {"category": "04", "date": "2024-05-07"}, filename="a.xlsx")
        arc.read(doc.ref)
        arc.export(doc.ref, tmp_path / "exported.docx")
        arc.hold(doc.ref, "冻结原因白垩纪")
        assert arc.verify(full=True).ok
        # while still open: WAL and SHM are on disk now
        hits_open = plaintext_hits(home, TERMS)
    hits_closed = plaintext_hits(home, TERMS)
    assert hits_open == [] and hits_closed == []


def test_the_scanner_finds_what_it_looks_for(tmp_path):
    """The scan is not vacuous: plain bytes in each encoding are found."""
    for number, encoding in enumerate(["utf-8", "gb18030", "utf-16-le", "utf-16-be"]):
        (tmp_path / f"{number}.bin").write_bytes(b"\x00" + "琥珀蜂鸟机房".encode(encoding) + b"\x00")
    (tmp_path / "id.txt").write_text(f"x{ID_NUMBER}x")
    hits = plaintext_hits(tmp_path, TERMS)
    assert len(hits) == 5


def test_no_plaintext_after_cli_use(tmp_path):
    home = tmp_path / "home"
    make_archive(home).close()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "青铜麒麟拓扑.txt").write_text(f"琥珀蜂鸟机房 {ID_NUMBER}", encoding="utf-8")
    (folder / "b.txt").write_text("翡翠穿山甲割接", encoding="utf-16")
    done = run_docgen(["archive", "add", str(folder), "-c", "05", "--date", "2024-01-02", "--party", "韩草稿",
                       "--notes", "示例区测试路1号"], home)  # fmt: skip
    assert done.returncode == 0, done.stderr
    ref = done.stdout.split()[0]
    assert run_docgen(["archive", "get", ref, "-o", str(tmp_path / "out.txt")], home).returncode == 0
    assert run_docgen(["archive", "verify", "--full"], home).returncode == 0
    assert plaintext_hits(home, TERMS) == []
