"""The ``nda-personal`` kind: the 个人保密协议 each resident engineer signs (seed 003 附件2).

The agreement is always made under a main contract, named by its data file
(``contract: contract-003.yaml``): 甲方, the engineer's employer (the contract's 乙方), the
project, the date (the contract's signing date), the company NDA it follows (the contract's
annex ``nda``) and the person's role come from it. The person is named once (``person.name``) and
must be in the contract's staff table; the header and the signature line print the same field,
so seed 003's 王为昌 / 王伟昌 and 姚高云 / 高云 cannot happen. The ID number and address come
from the staff row (or the data file, when the staff row lacks them); gender is derived from the
ID number. The obligations run to an *obligee* that is defined in the text — 甲方 itself, or
(seed 003) the bodies it serves, 市科委、中关村管委会 — so the reader knows who is meant.

``docgen batch nda-personal CONTRACT.yaml`` makes one agreement per resident engineer (服务类型
驻场服务); a personal-NDA data file without ``person`` does the same with its own settings.
Output file names carry the person's name and number, never the ID number.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from docgen import cn
from docgen.errors import InvalidInput, Problem
from docgen.kinds._linked import CheckStep, LinkedContract, LinkedKind, Signer, facts, resolve_contract, signer
from docgen.kinds.base import BatchJob, Clause, ClauseSpec, Layout, number_clauses, register
from docgen.kinds.common import Copies, Dispute, DocModel, F, IdNumber, error, mask_id, validate, workday_warning
from docgen.kinds.contract import ContractModel, StaffMember

DEFAULT_PARENT_TITLE = "保密协议"
RESIDENT = "驻场服务"

# ───────────────────────────── input model ─────────────────────────────

Sensitivity = Literal["非常敏感", "比较敏感", "最小敏感性"]
SENSITIVITY_ORDER: tuple[str, ...] = ("非常敏感", "比较敏感", "最小敏感性")
SENSITIVITY_LABELS = {"非常敏感": "非常敏感的信息", "比较敏感": "比较敏感的信息", "最小敏感性": "最小敏感性信息"}


class PersonRef(DocModel):
    """The person who signs: a member of the contract's staff table."""

    name: str = F("姓名", min_length=2, max_length=20)
    id_number: IdNumber | None = F("身份证号码", None, repr=False)
    address: str | None = F("住址", None, min_length=2, repr=False)


class Obligee(DocModel):
    """Whose secrets the person keeps, when it is not 甲方 itself (seed 003: 市科委、中关村管委会)."""

    name: str = F("保密权利人简称", min_length=2)
    full_name: str = F("保密权利人全称", min_length=2)


class SensitivityRow(DocModel):
    """One row of the 保密内容 table (inventory D.10): level, sensitivity, what it covers."""

    level: str = F("级别", "工作秘密", min_length=2)
    sensitivity: Sensitivity = F("敏感程度")
    contents: list[str] = F("内容", min_length=1)


class NdaPersonalModel(DocModel):
    """A personal confidentiality agreement under a main contract."""

    layout: Literal["personal"] = F("协议版式", "personal")
    contract: LinkedContract = F("主合同数据文件")
    person: PersonRef = F("乙方（个人）")
    parent_nda_title: str | None = F("所依据的保密协议名称", None, min_length=2)
    obligee: Obligee | None = F("保密权利人", None)
    regulations: list[str] = F("须遵守的安全管理制度", [])
    sensitivity: list[SensitivityRow] | None = F("保密内容分级表", None)
    dispute: Dispute = F("争议解决", {"method": "litigation", "court": "甲方所在地人民法院"})
    copies: Copies = F("协议份数", {"total": 2, "holders": [{"holder": "甲方", "n": 1}, {"holder": "乙方", "n": 1}],
                                    "numerals": "小写"})


# ───────────────────────────── layout ─────────────────────────────

PERSONAL = Layout(
    name="personal",
    label="个人保密协议（保密内容分级表，种子 003 附件2）",
    template="personal.docx",
    style="chapter",
    clauses=(
        ClauseSpec("content", "保密内容"),
        ClauseSpec("duties", "保密义务"),
        ClauseSpec("term", "保密期限"),
        ClauseSpec("liability", "违约责任"),
        ClauseSpec("dispute", "争议的解决"),
        ClauseSpec("other", "其他"),
    ),
)

# ───────────────────────────── derived values ─────────────────────────────


class SensitivityLine(BaseModel):
    level_shown: str  # the level, printed on the first row of its group only (a merged cell)
    sensitivity: str  # 非常敏感的信息
    contents: str  # ■ 应用系统业务数据、备份数据；■ 各类身份鉴别信息等。


class NdaPersonalDerived(BaseModel):
    """Every value the agreement prints that comes from the contract or is computed."""

    party_a: Signer
    employer: str
    project_name: str
    contract_title: str
    agreement_date: date
    parent_title: str
    obligee_name: str  # 市科委、中关村管委会 / 甲方
    obligee_definition: str | None
    person_name: str
    id_number: str
    gender: str
    address: str
    role: str
    service_type: str
    regulations_text: str
    sensitivity_rows: list[SensitivityLine]
    clause: dict[str, Clause]


def default_sensitivity(obligee: str) -> list[SensitivityRow]:
    """Seed 003 附件2 一's table (L384-390), the obligee's name filled in."""
    return [
        SensitivityRow(sensitivity="非常敏感", contents=["应用系统业务数据、备份数据", "各类身份鉴别信息等"]),
        SensitivityRow(sensitivity="比较敏感", contents=[
            "资产清单", "网络拓扑图、VLan 划分及 IP 地址分配情况、网络设备与安全设备配置策略", "应用系统配置、程序源代码",
            "系统运行日志", "安全性评估报告", f"{obligee}的红头文件、资料信息等"]),
        SensitivityRow(sensitivity="最小敏感性", contents=[
            "项目相关文档：包括合同、协议、可行性研究报告、需求规格说明书、工程实施方案、测试验收报告、操作手册、"
            "培训资料、运维工作记录、工作总结报告、主要会议记录等"]),
    ]


def sensitivity_lines(rows: list[SensitivityRow]) -> list[SensitivityLine]:
    """Rows in order of sensitivity, the level shown once per group, contents as ■ bullets."""
    ordered = sorted(rows, key=lambda r: SENSITIVITY_ORDER.index(r.sensitivity))
    lines, previous = [], None
    for row in ordered:
        contents = "；".join(f"■ {item.rstrip('；;。')}" for item in row.contents) + "。"
        lines.append(SensitivityLine(level_shown="" if row.level == previous else row.level,
                                     sensitivity=SENSITIVITY_LABELS[row.sensitivity], contents=contents))
        previous = row.level
    return lines


def staff_row(contract: ContractModel, name: str) -> StaffMember | None:
    return next((s for s in contract.staff if s.name == name), None)


@register
class NdaPersonalKind(LinkedKind):
    name = "nda-personal"
    label = "个人保密协议"
    model = NdaPersonalModel
    derived_model = NdaPersonalDerived
    layouts = (PERSONAL,)
    samples = ("sample-003.yaml",)
    not_printed = frozenset({
        # Printed through the derived values (person_name, id_number, obligee_name, sensitivity_rows …).
        "contract", "layout", "person", "parent_nda_title", "obligee", "regulations", "sensitivity",
        "dispute.arbitration",  # dispute.text says it
    })

    def derive(self, model: NdaPersonalModel) -> NdaPersonalDerived:  # type: ignore[override]
        main = facts(model)
        member = staff_row(model.contract, model.person.name)
        id_number = model.person.id_number or (member.id_number if member else None) or ""
        annex = main.annexes.get("nda")
        obligee = model.obligee.name if model.obligee else "甲方"
        return NdaPersonalDerived(
            party_a=signer(main.party_a),
            employer=main.party_b.name,
            project_name=main.project_name,
            contract_title=main.cited_title,
            agreement_date=main.signing_date,
            parent_title=annex.title if annex else (model.parent_nda_title or DEFAULT_PARENT_TITLE),
            obligee_name=obligee,
            obligee_definition=_definition(model.obligee),
            person_name=model.person.name,
            id_number=id_number,
            gender=_gender(id_number),
            address=model.person.address or (member.address if member else None) or "",
            role=member.role if member else "",
            service_type=member.service_type if member else "",
            regulations_text=("".join(model.regulations) + "等各项安全管理制度") if model.regulations else "各项安全管理制度",
            sensitivity_rows=sensitivity_lines(model.sensitivity or default_sensitivity(obligee)),
            clause=number_clauses(PERSONAL.clauses, PERSONAL.style),
        )

    def steps(self) -> tuple[CheckStep, ...]:
        return (_check_person, _check_parent_title, _check_sensitivity, _check_signing_day)

    def batch_jobs(self, source: Path) -> list[BatchJob]:
        """One agreement per resident engineer, from a contract data file or from a personal-NDA
        data file without ``person`` (its settings apply to every agreement); a folder or a file
        with ``person`` is rendered as it is."""
        if source.is_dir():
            return super().batch_jobs(source)
        from docgen.render import load_yaml

        raw = load_yaml(source)
        if not isinstance(raw, dict) or "person" in raw:
            return super().batch_jobs(source)
        if "contract" in raw:
            base = source.resolve().parent
            value = raw["contract"]
            settings = {**raw, "contract": str((base / value).resolve())} if isinstance(value, str) else dict(raw)
            contract_raw = resolve_contract(raw, base)["contract"]
        else:
            settings, contract_raw = {"contract": str(source.resolve())}, raw
        residents = _residents(contract_raw, source)
        return [BatchJob(name, f"个人保密协议-{n:02d}-{_safe(name)}", {**settings, "person": {"name": name}})
                for n, name in enumerate(residents, start=1)]


# ───────────────────────────── helpers and checks ─────────────────────────────


def _definition(obligee: Obligee | None) -> str | None:
    if obligee is None:
        return None
    return (f"本协议所称“{obligee.name}”，指{obligee.full_name}；乙方对{obligee.name}承担的保密义务，"
            "同样及于甲方。")


def _gender(id_number: str) -> str:
    return cn.id_gender(id_number) if id_number else ""


_UNSAFE = re.compile(r"[^\w\u3400-\u9fff]+")


def _safe(name: str) -> str:
    """A name fit for a file name: anything but letters, digits and CJK becomes _."""
    return _UNSAFE.sub("_", name).strip("_") or "未命名"


def _residents(contract_raw: Any, source: Path) -> list[str]:
    """The names of the contract's resident engineers; InvalidInput when there are none."""
    if isinstance(contract_raw, str):
        raise InvalidInput(f"找不到主合同数据文件：{contract_raw}")
    model = contract_raw
    if not isinstance(model, ContractModel):
        model, problems = validate(ContractModel, contract_raw)
        if model is None:
            raise InvalidInput(f"主合同数据有 {len(problems)} 处错误，未生成任何文件", problems)
    names = [s.name for s in model.staff if s.service_type == RESIDENT]
    if not names:
        raise InvalidInput(f"{source} 的项目人员名单（staff）中没有服务类型为“{RESIDENT}”的人员，无需签署个人保密协议")
    return names


def _check_person(model: NdaPersonalModel, derived: NdaPersonalDerived) -> list[Problem]:
    """The person is on the staff list; ID number and address have one source each."""
    person = model.person
    member = staff_row(model.contract, person.name)
    if member is None:
        names = "、".join(s.name for s in model.contract.staff) or "（人员名单为空）"
        return [error("person.name", "姓名", f"不在主合同的项目人员名单（contract.staff）中；名单：{names}", person.name)]
    problems = []
    if person.id_number and member.id_number and person.id_number != member.id_number:
        problems.append(error("person.id_number", "身份证号码", "与主合同项目人员名单中此人的身份证号码不一致；"
                                                            "请只在一处填写", mask_id(person.id_number)))
    if not derived.id_number:
        problems.append(error("person.id_number", "身份证号码", "缺少身份证号码：主合同项目人员名单中此人也没有"))
    if person.address and member.address and person.address != member.address:
        problems.append(error("person.address", "住址", "与主合同项目人员名单中此人的住址不一致；请只在一处填写"))
    if not derived.address:
        problems.append(error("person.address", "住址", "缺少住址：主合同项目人员名单中此人也没有"))
    return problems


def _check_parent_title(model: NdaPersonalModel, derived: NdaPersonalDerived) -> list[Problem]:
    annex = facts(model).annexes.get("nda")
    if annex and model.parent_nda_title and model.parent_nda_title != annex.title:
        return [error("parent_nda_title", "所依据的保密协议名称",
                      f"与主合同附件清单中的《{annex.title}》不一致；此名称取自主合同，请删去 parent_nda_title",
                      model.parent_nda_title)]
    return []


def _check_sensitivity(model: NdaPersonalModel, derived: NdaPersonalDerived) -> list[Problem]:
    rows = model.sensitivity or []
    seen: set[str] = set()
    problems = []
    for n, row in enumerate(rows):
        if row.sensitivity in seen:
            problems.append(error(f"sensitivity[{n}].sensitivity", "敏感程度", "同一敏感程度只能有一行",
                                  row.sensitivity))
        seen.add(row.sensitivity)
    return problems


def _check_signing_day(model: NdaPersonalModel, derived: NdaPersonalDerived) -> list[Problem]:
    return workday_warning("contract.signing.date", "签订日期", derived.agreement_date, "协议签署日期")


__all__ = ["NdaPersonalDerived", "NdaPersonalKind", "NdaPersonalModel", "default_sensitivity"]
