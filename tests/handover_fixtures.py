"""Shared scenario for the handover tests: a project, a September 2023 and a 2024 Q1 of reports.

September 2023 (as of 2023-12-01), deadlines across 中秋/国庆:

    周报 W36  received 09-11  due 09-11  按时
    周报 W37  received 09-19  due 09-18  迟交
    周报 W38  —               due 09-25  缺失
    周报 W39  received 10-07  due 10-07  按时 (调休 Saturday)
    月报 09   received 10-10  due 10-09  迟交 (3rd working day after 国庆)
    故障 GZ-9 cleared 09-27, report received 10-08, due 10-08  按时

plus a 会议纪要 (fits no duty), a 非常敏感 personal NDA whose text holds a fake ID number,
and a 最小敏感性 note whose title and notes carry a fake ID number (to be masked).

2024 Q1 (as of 2024-05-01), deadlines across 春节 and 清明: every 周报 on its due date except
W07 (due 02-19, received 02-20); 月报 01 on 02-04 (调休 Sunday), 月报 02 late, 月报 03 missing,
季报 2024Q1 on 04-08.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from archive import Archive, DocMeta
from archive.handover import Handover
from archive.handover_duties import DEFAULT_DUTIES, parse_period
from archive.projects import project_from_data
from tests.archive_helpers import docx_bytes
from tests.fakes import fake_person

PERSON = fake_person(3)
PROJECT = {"code": "JFLH", "name": "示例积分系统运行维护服务", "vendor": "北京示例信息技术有限公司",
           "client": "北京市示例局", "supervisor": "北京样本咨询有限公司",
           "service": {"start": "2023-01-01", "end": "2024-12-31"}}
SEPTEMBER_AS_OF = date(2023, 12, 1)
Q1_AS_OF = date(2024, 5, 1)


@dataclass
class Scenario:
    handover: Handover
    refs: dict[str, str] = field(default_factory=dict)

    @property
    def arc(self) -> Archive:
        return self.handover.arc


def _add(arc: Archive, key: str, refs: dict[str, str], text: str, **meta) -> None:
    meta.setdefault("project", "JFLH")
    meta.setdefault("title", key)
    day = meta.get("received")
    meta.setdefault("date", day)
    result = arc.add(docx_bytes(text), DocMeta(**meta), filename=f"{key}.docx")
    refs[key] = result.ref


def september(arc: Archive) -> Scenario:
    """Register the project and archive the September 2023 documents."""
    handover = Handover(arc)
    handover.projects.add(project_from_data(PROJECT))
    handover.projects.add_fault("JFLH", date(2023, 9, 27), "GZ-9", "数据库连接中断")
    refs: dict[str, str] = {}
    for week, received in (("36", date(2023, 9, 11)), ("37", date(2023, 9, 19)), ("39", date(2023, 10, 7))):
        _add(arc, f"W{week}", refs, f"服务周报 2023 年第 {week} 周：巡检正常。", category="07", doc_type="周报",
             period=f"2023-W{week}", received=received)
    _add(arc, "M09", refs, "服务月报 2023 年 9 月：系统可用性 99.9%。", category="07", doc_type="月报", period="2023-09",
         received=date(2023, 10, 10))
    _add(arc, "GZ-9", refs, "故障报告：数据库连接中断，已恢复。", category="06", doc_type="故障报告", doc_no="GZ-9",
         received=date(2023, 10, 8), date=date(2023, 9, 28))
    _add(arc, "minutes", refs, "监理例会纪要：讨论国庆保障。", category="08", doc_type="会议纪要", received=date(2023, 9, 14))
    _add(arc, "nda", refs, f"个人保密协议：{PERSON.name}，身份证号 {PERSON.id_number}。", category="12",
         doc_type="个人保密协议", sensitivity="非常敏感", received=date(2023, 9, 5), title=f"个人保密协议（{PERSON.name}）")
    _add(arc, "note", refs, "驻场人员变更说明（正文不含证件号）。", category="11", doc_type="回复函", received=date(2023, 9, 20),
         title=f"驻场人员变更 {PERSON.id_number}", notes=f"身份证 {PERSON.id_number} 已核对", responsible="北京示例信息技术有限公司")
    return Scenario(handover, refs)


def quarter(arc: Archive) -> Scenario:
    """Register the project and archive 2024 Q1: weeks on time except W07, 月报 02 late, 月报 03 missing."""
    handover = Handover(arc)
    handover.projects.add(project_from_data(PROJECT))
    refs: dict[str, str] = {}
    weekly = next(d for d in DEFAULT_DUTIES if d.name == "周报")
    for week in range(1, 14):
        period = parse_period(f"2024-W{week:02d}")
        received = weekly.due.due(period.end) + (timedelta(days=1) if week == 7 else timedelta())
        _add(arc, f"W{week:02d}", refs, f"服务周报 2024 年第 {week} 周", category="07", doc_type="周报",
             period=period.key, received=received)
    for month, received in (("01", date(2024, 2, 4)), ("02", date(2024, 3, 6))):
        _add(arc, f"M{month}", refs, f"服务月报 2024 年 {month} 月", category="07", doc_type="月报",
             period=f"2024-{month}", received=received)
    _add(arc, "Q1", refs, "季度服务工作总结报告 2024 年第一季度", category="07", doc_type="季报", period="2024Q1",
         received=date(2024, 4, 8))
    return Scenario(handover, refs)


# --- scanning whole packages ---


def _zip_members(data: bytes) -> list[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(info.filename, archive.read(info)) for info in archive.infolist() if not info.is_dir()]
    except zipfile.BadZipFile:
        return []


def every_byte_string(root: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of every file under ``root`` and, recursively, of every member of zips inside
    (.docx, .xlsx and .zip are zips): what a leak scan must look through."""
    found: list[tuple[str, bytes]] = []
    pending = [(str(p.relative_to(root)), p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()]
    while pending:
        name, data = pending.pop()
        found.append((name, data))
        pending.extend((f"{name}!{member}", inner) for member, inner in _zip_members(data))
    return found


def leaks(root: Path, needles: list[str]) -> list[str]:
    """Where any needle appears (UTF-8 or UTF-16) in any file or zip member under ``root``."""
    hits = []
    for name, data in every_byte_string(root):
        for needle in needles:
            if needle.encode("utf-8") in data or needle.encode("utf-16-le") in data:
                hits.append(f"{name}: {needle}")
    return hits
