"""The ``acceptance`` kind: a 验收报告 for an O&M contract, with the sections of inventory D.9.

1. project and contract identifiers, parties and service period (from the main contract);
2. organiser, date and place, the attendance list (签到表) and the experts;
3. the criteria checklist (seed 003 七.3, seed 004 7.2) with the evidence and result of each;
4. KPI results (seed 003 七.2) and the performance score, graded as seed 003 附件4 grades it;
5. the supervisor's 文档审核意见 and 验收监理意见 (seed 000 §2.4, §4.3.1), when there is one;
6. the conclusion, *derived*: 不合格 when any mandatory criterion failed — and a 不合格 report
   must carry a 整改 list, each item with a deadline in working days on the State Council calendar;
7. the financial consequence: final payment, bond return, or the 尾款 refunded by grade
   (seed 003 七.5: 20 % / 40 % / 60 % of 232,000.00 → 46,400.00 / 92,800.00 / 139,200.00);
8. the continuation commitment (seed 000 五, seed 003 五.14);
9. signatures of 甲方, 监理 and 乙方 (三方, seed 000 §4.3.2) or of the two parties.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator

from docgen import cn
from docgen.errors import Problem
from docgen.kinds._linked import CheckStep, FollowsContract, LinkedKind, facts
from docgen.kinds.base import Clause, ClauseSpec, Layout, number_clauses, register
from docgen.kinds.common import CnDate, DocModel, Duration, F, PositiveMoney, Pct, error, warning, workday_warning

# ───────────────────────────── grades (seed 003 附件4 说明) ─────────────────────────────

Grade = Literal["优秀", "良好", "合格", "基本合格", "不合格"]
GRADES: tuple[tuple[Decimal, str], ...] = (
    (Decimal(95), "优秀"), (Decimal(80), "良好"), (Decimal(70), "合格"), (Decimal(60), "基本合格"),
)
"""Lowest score of each grade: 95 分及以上优秀；80（含）到 95 良好；70（含）到 80 合格；60（含）到 70 基本合格；低于 60 不合格."""


def grade_of(score: Decimal) -> str:
    """The 绩效考核等级 of a total score, by seed 003 附件4's thresholds."""
    for floor, grade in GRADES:
        if score >= floor:
            return grade
    return "不合格"


def _score(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str, float)):
        raise ValueError("考核总分应为数字")
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except ArithmeticError:
        raise ValueError("考核总分应为数字，例如 78.5") from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(200):
        raise ValueError("考核总分应在 0 到 200 之间（初始分 100，可加减分）")
    return number


Score = Annotated[Decimal, BeforeValidator(_score)]

# ───────────────────────────── input model ─────────────────────────────

Side = Literal["甲方", "乙方", "监理", "专家", "其他"]


class Attendee(DocModel):
    """One line of the 签到表."""

    name: str = F("姓名", min_length=2, max_length=20)
    unit: str = F("单位", min_length=2)
    position: str | None = F("职务或职称", None)
    side: Side = F("参会方")


class Criterion(DocModel):
    """One acceptance criterion and what was found."""

    item: str = F("验收标准", min_length=2)
    evidence: str = F("依据材料", min_length=2)
    passed: bool = F("是否通过")
    mandatory: bool = F("是否必备项", True)


class KpiResult(DocModel):
    item: str = F("考核指标", min_length=2)
    target: str = F("指标要求", min_length=1)
    actual: str = F("实际情况", min_length=1)
    met: bool = F("是否达标")


class Performance(DocModel):
    """The 信息化运维绩效考核 result: a total score (initial 100, plus and minus points)."""

    period: str | None = F("考核期间", None)
    score: Score = F("绩效考核总分")


class Supervision(DocModel):
    """The supervisor's opinions before acceptance (seed 000 §2.4: 项目文档审核意见、项目验收监理意见)."""

    unit: str = F("监理单位", min_length=2)
    chief_engineer: str = F("总监理工程师", min_length=2, max_length=20)
    document_review: str = F("文档审核意见", min_length=2)
    opinion: str = F("验收监理意见", min_length=2)


class Rectification(DocModel):
    """One 整改 item; its deadline is counted from the acceptance date."""

    item: str = F("整改事项", min_length=2)
    within: Duration = F("整改期限")
    responsible: str | None = F("责任人", None)


class GradeRefund(DocModel):
    grade: Grade = F("考核等级")
    pct: Pct = F("退回尾款比例")


class Settlement(DocModel):
    """What acceptance means for the money: final payment, bond return, or 尾款 refunded by grade."""

    final_payment: PositiveMoney | None = F("尾款金额", None)
    final_paid: bool = F("尾款是否已支付", False)
    refund_by_grade: list[GradeRefund] = F("按考核等级退回尾款比例", [])
    within: Duration | None = F("支付或退回期限", None)
    bond_return: bool = F("退还履约保证金", False)


class Continuation(DocModel):
    """The commitment to keep serving: seed 000 五 (unfinished fiscal projects) or seed 003 五.14
    (until the next vendor arrives)."""

    kind: Literal["fiscal_projects", "until_successor"] = F("承诺类型")
    service: str = F("继续提供的服务", "运维服务", min_length=2)
    projects: list[str] = F("涉及的财政项目", [])


class AcceptanceModel(FollowsContract):
    """A 验收报告 under a main contract."""

    layout: Literal["report"] = F("报告版式", "report")
    report_no: str | None = F("报告编号", None)
    date: CnDate = F("验收日期")
    place: str = F("验收地点", min_length=2)
    organizer: str = F("验收组织单位", min_length=2)
    attendees: list[Attendee] = F("签到表", min_length=1)
    criteria: list[Criterion] = F("验收标准及检查结果", min_length=1)
    kpis: list[KpiResult] = F("考核指标完成情况", [])
    performance: Performance | None = F("绩效考核结果", None)
    expert_opinion: str | None = F("专家验收意见", None, min_length=2)
    supervision: Supervision | None = F("监理意见", None)
    rectifications: list[Rectification] = F("整改要求", [])
    settlement: Settlement | None = F("费用结算", None)
    continuation: Continuation | None = F("后续服务承诺", None)


# ───────────────────────────── layout ─────────────────────────────

REPORT = Layout(
    name="report",
    label="验收报告（项目概况 / 验收组织 / 验收标准 / 监理意见 / 结论 / 整改 / 结算 / 承诺 / 三方签署）",
    template="report.docx",
    style="chapter",
    clauses=(
        ClauseSpec("overview", "项目概况"),
        ClauseSpec("meeting", "验收组织"),
        ClauseSpec("criteria", "验收标准及检查结果"),
        ClauseSpec("kpis", "考核指标完成情况", optional=True),
        ClauseSpec("supervision", "监理意见", optional=True),
        ClauseSpec("conclusion", "验收结论"),
        ClauseSpec("rectification", "整改要求", optional=True),
        ClauseSpec("settlement", "费用结算", optional=True),
        ClauseSpec("continuation", "后续服务承诺", optional=True),
        ClauseSpec("signatures", "签署"),
    ),
)

# ───────────────────────────── derived values ─────────────────────────────


class PartyLine(BaseModel):
    name: str


class AttendeeRow(BaseModel):
    seq: int
    name: str
    unit: str
    position: str
    side: str


class CriterionRow(BaseModel):
    seq: int
    item: str
    evidence: str
    mandatory: str  # 是 / 否
    result: str  # 通过 / 未通过


class KpiRow(BaseModel):
    seq: int
    item: str
    target: str
    actual: str
    result: str  # 达标 / 未达标


class RectificationRow(BaseModel):
    seq: int
    item: str
    within: str  # 10个工作日
    deadline: date
    responsible: str


class RefundRow(BaseModel):
    grade: str
    pct: Decimal
    amount: Decimal
    upper: str
    applies: str  # ✓ for this report's grade


class SignRow(BaseModel):
    side: str  # 甲方 / 监理单位 / 乙方
    name: str


class AcceptanceDerived(BaseModel):
    """Every value the report prints that is computed or taken from the main contract."""

    project_name: str
    contract_title: str
    contract_no: str | None
    party_a: PartyLine
    party_b: PartyLine
    service_start: date | None
    service_end: date | None
    contract_total: Decimal | None
    contract_total_upper: str | None
    attendee_rows: list[AttendeeRow]
    experts: str  # 张三、李四（组长）…
    criterion_rows: list[CriterionRow]
    kpi_rows: list[KpiRow]
    kpis_met: str  # 6 项全部达标 / 6 项中 5 项达标
    grade: str | None
    conclusion: str  # 合格 / 不合格
    failed_items: list[str]  # mandatory criteria that failed
    rectification_rows: list[RectificationRow]
    settlement_text: list[str]  # the paragraphs of 费用结算
    refund_rows: list[RefundRow]
    continuation_text: str | None
    signatories: list[SignRow]
    clause: dict[str, Clause]


def _party_line(party) -> PartyLine:  # noqa: ANN001
    return PartyLine(name=party.name)


def _yuan(amount: Decimal) -> str:
    """人民币¥46,400.00元（大写：人民币肆万陆仟肆佰元整）."""
    return f"人民币{cn.fmt_cny(amount)}元（大写：人民币{cn.rmb_upper(amount)}）"


def _share(amount: Decimal, pct: Decimal) -> Decimal:
    return (amount * pct / 100).quantize(cn.FEN, rounding=ROUND_HALF_UP)


def final_payment(model: AcceptanceModel) -> Decimal | None:
    """The 尾款: as given, or the main contract's last instalment when it pays in several."""
    settlement = model.settlement
    if settlement is None:
        return None
    if settlement.final_payment is not None:
        return settlement.final_payment
    derived = facts(model).derived
    if derived is not None and len(derived.payments) > 1:
        return derived.payments[-1].amount
    return None


def _bond(model: AcceptanceModel) -> tuple[str, Decimal] | None:
    derived, contract = facts(model).derived, model.contract
    if derived is None or contract is None or contract.bond is None or derived.bond_amount is None:
        return None
    return contract.bond.form, derived.bond_amount


def settlement_lines(model: AcceptanceModel, grade: str | None, passed: bool) -> tuple[list[str], list[RefundRow]]:
    """The 费用结算 paragraphs and, with a refund scale, its table."""
    settlement = model.settlement
    if settlement is None:
        return [], []
    lines: list[str] = []
    rows: list[RefundRow] = []
    final = final_payment(model)
    within = f"在{settlement.within.text}内" if settlement.within else ""
    if final is not None and settlement.refund_by_grade:
        rows = [RefundRow(grade=r.grade, pct=r.pct, amount=_share(final, r.pct), upper=cn.rmb_upper(_share(final, r.pct)),
                          applies="✓" if r.grade == grade else "") for r in settlement.refund_by_grade]
        lines.append(f"根据主合同约定，尾款为{_yuan(final)}。按信息化运维绩效考核等级退回尾款的比例如下表。")
        applied = next((r for r in rows if r.grade == grade), None)
        if applied is None:
            lines.append(f"本次绩效考核等级为{grade}，不退回尾款。")
        elif settlement.final_paid:
            lines.append(f"本次绩效考核等级为{grade}，乙方应{within}向甲方退回尾款的{cn.fmt_pct(applied.pct)}，即{_yuan(applied.amount)}。")
        else:
            net = final - applied.amount
            lines.append(f"本次绩效考核等级为{grade}，甲方支付尾款时扣减尾款的{cn.fmt_pct(applied.pct)}，即{_yuan(applied.amount)}，"
                         f"并应{within}实际支付{_yuan(net)}。")
    elif final is not None:
        if passed:
            lines.append(f"验收合格，甲方应{within}向乙方支付尾款{_yuan(final)}。")
        else:
            lines.append(f"验收不合格，尾款{_yuan(final)}待整改完成、复验合格后支付。")
    bond = _bond(model)
    if settlement.bond_return and bond is not None:
        form, amount = bond
        if passed:
            lines.append(f"验收合格，甲方应{within}退还乙方{form}{_yuan(amount)}。")
        else:
            lines.append(f"验收不合格，{form}{_yuan(amount)}暂不退还，待整改完成、复验合格后退还。")
    return lines, rows


def continuation_text(model: AcceptanceModel, service_end: date | None) -> str | None:
    promise = model.continuation
    if promise is None:
        return None
    if promise.kind == "fiscal_projects":
        projects = f"（{'、'.join(promise.projects)}）" if promise.projects else ""
        return f"对于本年度正在执行或未执行的财政项目{projects}，乙方承诺继续履行{promise.service}，保证项目的后续执行。"
    end = f"（{cn.fmt_date(service_end)}）" if service_end else ""
    return (f"自主合同服务期满{end}至下一年度服务商进驻之前，乙方承诺继续做好合同项下各项{promise.service}，"
            "直至新服务商进驻，并配合做好与新服务商的交接。")


def _experts(attendees: list[Attendee]) -> str:
    return "、".join(f"{a.name}（{a.position}）" if a.position else a.name for a in attendees if a.side == "专家")


def _kpis_met(rows: list[KpiResult]) -> str:
    met = sum(1 for r in rows if r.met)
    return f"{len(rows)}项考核指标全部达标" if met == len(rows) else f"{len(rows)}项考核指标中{met}项达标"


@register
class AcceptanceKind(LinkedKind):
    name = "acceptance"
    label = "验收报告"
    model = AcceptanceModel
    derived_model = AcceptanceDerived
    layouts = (REPORT,)
    samples = ("sample-003.yaml", "sample-002.yaml")
    not_printed = frozenset({
        # Printed through the derived rows and texts.
        "contract", "main_contract", "layout", "attendees", "criteria", "kpis", "rectifications", "settlement",
        "continuation", "failed_items",
    })

    def derive(self, model: AcceptanceModel) -> AcceptanceDerived:  # type: ignore[override]
        main = facts(model)
        failed = [c.item for c in model.criteria if c.mandatory and not c.passed]
        grade = grade_of(model.performance.score) if model.performance else None
        settlement, refunds = settlement_lines(model, grade, not failed)
        present = {key for key, on in (("kpis", model.kpis or model.performance), ("supervision", model.supervision),
                                       ("rectification", model.rectifications), ("settlement", settlement),
                                       ("continuation", model.continuation)) if on}
        signatories = [SignRow(side="甲方", name=main.party_a.name)]
        if model.supervision:
            signatories.append(SignRow(side="监理单位", name=model.supervision.unit))
        signatories.append(SignRow(side="乙方", name=main.party_b.name))
        return AcceptanceDerived(
            project_name=main.project_name,
            contract_title=main.cited_title,
            contract_no=main.contract_no,
            party_a=_party_line(main.party_a),
            party_b=_party_line(main.party_b),
            service_start=main.service_start,
            service_end=main.service_end,
            contract_total=main.total,
            contract_total_upper=cn.rmb_upper(main.total) if main.total is not None else None,
            attendee_rows=[AttendeeRow(seq=n, name=a.name, unit=a.unit, position=a.position or "", side=a.side)
                           for n, a in enumerate(model.attendees, start=1)],
            experts=_experts(model.attendees),
            criterion_rows=[CriterionRow(seq=n, item=c.item, evidence=c.evidence, mandatory="是" if c.mandatory else "否",
                                         result="通过" if c.passed else "未通过")
                            for n, c in enumerate(model.criteria, start=1)],
            kpi_rows=[KpiRow(seq=n, item=k.item, target=k.target, actual=k.actual, result="达标" if k.met else "未达标")
                      for n, k in enumerate(model.kpis, start=1)],
            kpis_met=_kpis_met(model.kpis) if model.kpis else "",
            grade=grade,
            conclusion="不合格" if failed else "合格",
            failed_items=failed,
            rectification_rows=_rectification_rows(model),
            settlement_text=settlement,
            refund_rows=refunds,
            continuation_text=continuation_text(model, main.service_end),
            signatories=signatories,
            clause=number_clauses(REPORT.clauses, REPORT.style, present),
        )

    def steps(self) -> tuple[CheckStep, ...]:
        return (_check_conclusion, _check_dates, _check_attendees, _check_settlement, _check_rectifications,
                _check_meeting_day)


def _rectification_rows(model: AcceptanceModel) -> list[RectificationRow]:
    rows = []
    for n, item in enumerate(model.rectifications, start=1):
        deadline = item.within.after(model.date) if item.within.unit in ("日", "月") else model.date
        rows.append(RectificationRow(seq=n, item=item.item, within=item.within.text, deadline=deadline,
                                     responsible=item.responsible or ""))
    return rows


# ───────────────────────────── checks ─────────────────────────────


def _check_conclusion(model: AcceptanceModel, derived: AcceptanceDerived) -> list[Problem]:
    """A 不合格 report must say what to fix and by when; a 合格 one should not hide a failed item."""
    problems = []
    if derived.conclusion == "不合格" and not model.rectifications:
        problems.append(error("rectifications", "整改要求",
                              f"验收结论为不合格（未通过：{'、'.join(derived.failed_items)}），须列出整改事项及整改期限"))
    optional_failed = [c.item for c in model.criteria if not c.mandatory and not c.passed]
    if derived.conclusion == "合格" and optional_failed and not model.rectifications:
        problems.append(warning("rectifications", "整改要求",
                                f"非必备项未通过（{'、'.join(optional_failed)}），但没有整改要求"))
    if derived.conclusion == "合格" and derived.grade == "不合格":
        problems.append(warning("performance.score", "绩效考核总分", "绩效考核等级为不合格，验收结论却为合格",
                                model.performance.score if model.performance else None))
    unmet = [k.item for k in model.kpis if not k.met]
    if unmet and derived.conclusion == "合格" and not model.rectifications:
        problems.append(warning("kpis", "考核指标完成情况", f"考核指标未达标（{'、'.join(unmet)}），但没有整改要求"))
    return problems


def _check_dates(model: AcceptanceModel, derived: AcceptanceDerived) -> list[Problem]:
    main = facts(model)
    problems = []
    if model.date < main.signing_date:
        problems.append(error("date", "验收日期", f"早于主合同签订日期 {main.signing_date}", model.date))
    elif main.service_end and model.date < main.service_end:
        problems.append(warning("date", "验收日期", f"早于服务期结束日 {main.service_end}：服务尚未完成即验收",
                                model.date))
    return problems


def _check_attendees(model: AcceptanceModel, derived: AcceptanceDerived) -> list[Problem]:
    sides = {a.side for a in model.attendees}
    problems = []
    for side in ("甲方", "乙方"):
        if side not in sides:
            problems.append(warning("attendees", "签到表", f"签到表中没有{side}人员"))
    if model.supervision and "监理" not in sides:
        problems.append(warning("attendees", "签到表", "有监理意见，但签到表中没有监理人员"))
    if model.expert_opinion and "专家" not in sides:
        problems.append(error("expert_opinion", "专家验收意见", "有专家验收意见，但签到表中没有专家（side: 专家）"))
    seen: dict[str, int] = {}
    for n, attendee in enumerate(model.attendees):
        if attendee.name in seen:
            problems.append(error(f"attendees[{n}].name", "姓名", f"与 attendees[{seen[attendee.name]}] 重复",
                                  attendee.name))
        seen.setdefault(attendee.name, n)
    return problems


def _check_settlement(model: AcceptanceModel, derived: AcceptanceDerived) -> list[Problem]:
    settlement = model.settlement
    if settlement is None:
        return []
    problems = []
    final = final_payment(model)
    total = facts(model).total
    if settlement.refund_by_grade and final is None:
        problems.append(error("settlement.final_payment", "尾款金额",
                              "按考核等级退回尾款需要尾款金额（或主合同分期付款的末期）"))
    if settlement.refund_by_grade and model.performance is None:
        problems.append(error("performance", "绩效考核结果", "按考核等级退回尾款需要绩效考核总分（performance.score）"))
    grades = [r.grade for r in settlement.refund_by_grade]
    for grade in sorted({g for g in grades if grades.count(g) > 1}):
        problems.append(error("settlement.refund_by_grade", "按考核等级退回尾款比例", f"考核等级“{grade}”重复"))
    if final is not None and total is not None and final > total:
        problems.append(error("settlement.final_payment", "尾款金额",
                              f"尾款 {cn.fmt_cny(final)} 大于合同总价 {cn.fmt_cny(total)}", final))
    if settlement.bond_return and _bond(model) is None:
        problems.append(error("settlement.bond_return", "退还履约保证金", "主合同没有履约担保，无可退还"))
    if not derived.settlement_text:
        problems.append(error("settlement", "费用结算", "没有可结算的内容：请给出尾款金额、按等级退回比例或退还履约保证金"))
    return problems


def _check_rectifications(model: AcceptanceModel, derived: AcceptanceDerived) -> list[Problem]:
    problems = []
    for n, item in enumerate(model.rectifications):
        if item.within.unit not in ("日", "月"):
            problems.append(error(f"rectifications[{n}].within", "整改期限", "整改期限应以日、工作日或月计",
                                  item.within.text))
    return problems


def _check_meeting_day(model: AcceptanceModel, derived: AcceptanceDerived) -> list[Problem]:
    return workday_warning("date", "验收日期", model.date, "验收日期")


__all__ = ["AcceptanceDerived", "AcceptanceKind", "AcceptanceModel", "grade_of"]
