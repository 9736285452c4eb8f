"""Projects: registered from a contract or a project file, duties checked, kept sealed in the catalog."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from archive.errors import Tampered
from archive.handover_duties import DEFAULT_DUTIES
from archive.projects import ProjectExists, ProjectRegister, UnknownProject, load_project_file, project_from_data
from docgen.errors import InvalidInput
from docgen.kinds.base import templates_dir
from tests.archive_helpers import plaintext_hits

VENDOR = "北京示例信息技术有限公司"
PROJECT = {"code": "JFLH", "name": "示例积分系统运行维护服务", "vendor": VENDOR, "client": "北京市示例局",
           "service": {"start": "2023-01-01", "end": "2023-12-31"}}


def problems(error: InvalidInput) -> list[str]:
    return [p.as_line() for p in error.problems]


def test_a_contract_data_file_gives_name_vendor_client_and_the_derived_service_period():
    project = load_project_file(templates_dir() / "contract" / "sample-002.yaml", code="JFLH")
    assert project.name == "北京市积分落户管理信息系统运行维护服务"
    assert project.vendor == "首都信息发展股份有限公司"  # 乙方
    assert project.client == "北京市人力资源和社会保障局"  # 甲方
    assert (project.service_start, project.service_end) == (date(2022, 12, 13), date(2023, 12, 12))
    assert project.duties == DEFAULT_DUTIES


def test_a_contract_data_file_needs_a_code():
    with pytest.raises(InvalidInput) as raised:
        load_project_file(templates_dir() / "contract" / "sample-002.yaml")
    assert problems(raised.value) == ["code（项目代码）：必填（合同数据中没有项目代码）"]


def test_a_project_file_may_point_at_its_contract_and_override_duties(tmp_path: Path):
    contract = templates_dir() / "contract" / "sample-002.yaml"
    (tmp_path / "p.yaml").write_text(
        f"code: YJGL\ncontract: {contract}\nsupervisor: 北京样本咨询有限公司\n"
        "duties:\n  - 周报\n  - {name: 月报, due: 5}\n"
        "  - {name: 日常巡检及维护记录, category: '04', doc_type: 系统日监控单, cadence: 每工作日, due: 1}\n"
        "  - {name: 服务年报, category: '07', doc_type: 年报, cadence: yearly, due: {n: 15, basis: calendar}}\n",
        encoding="utf-8")
    project = load_project_file(tmp_path / "p.yaml")
    assert project.supervisor == "北京样本咨询有限公司" and project.vendor == "首都信息发展股份有限公司"
    assert [(d.name, d.cadence, d.due.n, d.due.basis) for d in project.duties] == [
        ("周报", "week", 1, "working"), ("月报", "month", 5, "working"),
        ("日常巡检及维护记录", "workday", 1, "working"), ("服务年报", "year", 15, "calendar"),
    ]


def test_every_problem_of_a_project_file_is_reported_at_once():
    with pytest.raises(InvalidInput) as raised:
        project_from_data({"code": "积分", "service": {"start": "2023-02-30", "end": "2023-01-01"}, "colour": "red"})
    assert problems(raised.value) == [
        "code（项目代码）：项目代码只能用字母、数字、点、横线、下划线，字母或数字开头（代码以明文保存，不写名称）；现值：积分",
        "service.start（服务起日期）：日期不存在：2023 年 2 月没有 30 日；现值：2023-02-30",
        "colour：不认识的字段（拼写错误？）；现值：red",
    ]


def test_duties_are_checked_against_the_filing_scheme():
    data = {**PROJECT, "duties": ["周报", "旬报", {"name": "巡检", "category": "04", "doc_type": "巡检记录", "cadence": "weekly", "due": 1},
                                  {"name": "汇报", "category": "99", "doc_type": "x", "cadence": "monthly", "due": 1},
                                  {"name": "周报", "due": 2}]}
    with pytest.raises(InvalidInput) as raised:
        project_from_data(data)
    assert problems(raised.value) == [
        "duties[1]（应交文件）：不是默认的应交文件（周报、月报、季报、半年报、故障报告）；请写出 category、doc_type、cadence、due；现值：旬报",
        "duties[0].name（应交文件名称）：重复；现值：周报",
        "duties[2].cadence（频次）：巡检记录在文件分类方案中每月报告一次，频次应为每月；现值：week",
        "duties[3].category（类别代码）：不在文件分类方案中；现值：99",
        "duties[4].name（应交文件名称）：重复；现值：周报",
    ]


def test_service_end_before_start_is_refused():
    with pytest.raises(InvalidInput) as raised:
        project_from_data({**PROJECT, "service": {"start": "2023-12-31", "end": "2023-01-01"}})
    assert problems(raised.value) == ["service.end（服务止日期）：早于服务起日期；现值：2023-01-01"]


def test_register_add_get_list_and_audit(arc):
    register = ProjectRegister(arc)
    added = register.add(project_from_data(PROJECT))
    assert added.vendor == VENDOR and added.created_at
    assert [p.code for p in register.list()] == ["JFLH"]
    with pytest.raises(ProjectExists):
        register.add(project_from_data(PROJECT))
    updated = register.add(project_from_data({**PROJECT, "name": "新名称项目"}), replace=True)
    assert updated.name == "新名称项目" and updated.created_at == added.created_at
    assert [e.action for e in arc.log(action="project")] == ["project.add", "project.update"]
    with pytest.raises(UnknownProject):
        register.get("NOPE")


def test_faults_are_registered_and_audited(arc):
    register = ProjectRegister(arc)
    register.add(project_from_data(PROJECT))
    fault = register.add_fault("JFLH", date(2023, 9, 27), "GZ-9", "数据库连接中断")
    assert (fault.id, fault.cleared, fault.ref, fault.title) == (1, date(2023, 9, 27), "GZ-9", "数据库连接中断")
    with pytest.raises(InvalidInput):
        register.add_fault("JFLH", date(2023, 9, 28), "GZ-9")
    with pytest.raises(InvalidInput):
        register.add_fault("JFLH", date(2999, 1, 1))
    assert [f.ref for f in register.faults("JFLH")] == ["GZ-9"]
    assert arc.log(action="project.fault")[0].detail["fault"] == 1


def test_names_and_fault_text_are_not_readable_at_rest(arc):
    register = ProjectRegister(arc)
    register.add(project_from_data({**PROJECT, "supervisor": "北京样本咨询有限公司"}))
    register.add_fault("JFLH", date(2023, 9, 27), "GZ-9", "数据库连接中断")
    arc._catalog.checkpoint()
    hits = plaintext_hits(arc.home.root, [VENDOR, "示例积分系统", "北京市示例局", "北京样本咨询", "数据库连接中断", "故障报告"])
    assert hits == []


def test_an_edited_clear_column_makes_the_row_fail_authentication(arc):
    register = ProjectRegister(arc)
    register.add(project_from_data(PROJECT))
    raw = sqlite3.connect(arc.home.catalog)
    raw.execute("UPDATE projects SET service_end = '2030-12-31'")
    raw.commit()
    raw.close()
    with pytest.raises(Tampered):
        register.get("JFLH")
