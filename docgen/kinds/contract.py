"""The ``contract`` kind: O&M service contracts in the seeds' two main layouts.

* ``hetongshu`` — 合同书 with 一、 chapters, followed by 合同一般条款 and 合同特殊条款
  (seed 002 北京市积分落户管理信息系统运行维护服务; seed 000 is the same family).
* ``articles`` — 电子政务运维项目服务合同 with 第X条 (seed 001 网络安全支持服务运行维护等).

The model follows inventory section B (B.1–B.10). Everything printed that can be computed is
derived here, never typed: 大写 and 万元 amounts, the bond and every instalment (the last one
takes the rounding), service end dates, the bond's working-day deadline, copy counts, clause
and annex numbers. ``clause_numbers`` is public so the company NDA can cite the contract's
penalty clause (参照主合同第X条) by number.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar, Literal

from pydantic import BaseModel, computed_field, field_validator, model_validator

from docgen import cn
from docgen.errors import Problem
from docgen.kinds.base import (
    Annex, Clause, ClauseSpec, Kind, Layout, number_annexes, number_clauses, register,
)
from docgen.kinds.common import (
    Clock,
    CnDate,
    Copies,
    Dispute,
    DocModel,
    Duration,
    F,
    IdNumber,
    Money,
    Party,
    Pct,
    PositiveMoney,
    error,
    warning,
    workday_warning,
)

# ───────────────────────────── input model ─────────────────────────────


class Signing(DocModel):
    place: str = F("签订地点", min_length=2)
    date: CnDate = F("签订日期")


class Procurement(DocModel):
    """How the vendor was chosen (中标/成交通知书), when the contract follows a procurement."""

    method: str = F("采购方式", "公开招标")
    agency: str | None = F("采购代理机构", None)
    number: str | None = F("采购编号", None)
    notice: Literal["中标通知书", "成交通知书"] = F("通知书类型", "中标通知书")
    notice_date: CnDate | None = F("通知书日期", None)
    award_amount: Money | None = F("中标（成交）金额", None)
    sign_within: Duration | None = F("签约期限", None)

    printed_via: ClassVar[dict[str, tuple[str, ...]]] = {"winner": ("notice",)}

    @computed_field(title="中标人称谓")  # type: ignore[prop-decorator]
    @property
    def winner(self) -> str:
        """中标人 after a 中标通知书, 成交供应商 after a 成交通知书."""
        return "中标人" if self.notice == "中标通知书" else "成交供应商"


class ServicePeriod(DocModel):
    """One row of the service-period table (seed 001 第二条3)."""

    content: str = F("服务内容", min_length=2)
    start: CnDate = F("服务起日期")
    months: int | None = F("服务月数", None, gt=0, le=120)
    end: CnDate | None = F("服务止日期", None)

    @model_validator(mode="after")
    def _end_or_months(self) -> "ServicePeriod":
        if self.months is None and self.end is None:
            raise ValueError("服务期间需要服务月数（months）或服务止日期（end）")
        return self


class Service(DocModel):
    scope: str = F("服务内容概述", min_length=2)
    object: str | None = F("服务对象", None)
    location: str = F("服务地点", min_length=2)
    periods: list[ServicePeriod] = F("服务期间表", min_length=1)


class FeeItem(DocModel):
    content: str = F("运维服务内容", min_length=2)
    amount: PositiveMoney = F("运维服务费用")


class Instalment(DocModel):
    """One payment: its share, what triggers it, and when it is due."""

    pct: Pct = F("付款比例")
    condition: str = F("付款条件", min_length=2)
    within: Duration | None = F("付款期限", None)
    year: int | None = F("年内支付年度", None, ge=2000, le=2100)

    @model_validator(mode="after")
    def _one_deadline(self) -> "Instalment":
        if self.pct <= 0:
            raise ValueError("付款比例必须大于 0")
        if (self.within is None) == (self.year is None):
            raise ValueError("付款期限写 within（如 \"10个工作日\"）或 year（于某年内支付）二者之一")
        return self


class ContractMoney(DocModel):
    total: PositiveMoney = F("合同总价")
    tax_included: bool = F("含税", False)
    fee_items: list[FeeItem] = F("服务费清单", [])
    instalments: list[Instalment] = F("付款节点", min_length=1)
    invoice: str = F("发票类型", "正式服务发票")
    fiscal_funding: bool = F("财政资金条款", True)

    @field_validator("instalments")
    @classmethod
    def _shares_make_100(cls, instalments: list[Instalment]) -> list[Instalment]:
        total = sum((i.pct for i in instalments), Decimal(0))
        if total != 100:
            raise ValueError(f"各期付款比例之和应为 100%，现为 {cn.fmt_pct(total)}")
        return instalments


class Bond(DocModel):
    """履约保函 (a bank guarantee, expires) or 履约保证金 (a deposit, returned)."""

    form: Literal["履约保函", "履约保证金"] = F("履约担保形式")
    pct: Pct = F("履约担保比例")
    due: Duration = F("提交期限")
    expiry: CnDate | None = F("保函有效截止日", None)
    return_rule: str | None = F("保证金退还方式", None)

    @model_validator(mode="after")
    def _form_fields(self) -> "Bond":
        if self.pct <= 0:
            raise ValueError("履约担保比例必须大于 0")
        if self.form == "履约保函" and self.expiry is None:
            raise ValueError("履约保函需要有效截止日（expiry）")
        if self.form == "履约保证金" and not self.return_rule:
            raise ValueError("履约保证金需要退还方式（return_rule）")
        return self


class LatePayment(DocModel):
    """甲方逾期付款: grace in working days, daily rate, cap, when 乙方 may stop."""

    grace_working_days: int = F("宽限工作日数", 30, ge=0, le=365)
    daily_pct: Pct = F("每日违约金比例")
    cap_pct: Pct = F("违约金上限比例")
    terminate_after: Duration = F("乙方可终止合同的逾期期限", "30日")


class Penalties(DocModel):
    service_failure_pct: Pct = F("服务不达标违约金比例")
    confidentiality_pct: Pct = F("违反保密义务违约金比例")
    late_payment: LatePayment = F("甲方逾期付款")


class Assessment(DocModel):
    organizer: str | None = F("验收组织单位", None)
    cycle: Literal["月度", "季度", "年度"] = F("考核周期", "季度")
    inspection: str | None = F("巡检要求", None)
    review_days: int = F("报告评审期限（日）", 15, gt=0, le=90)
    fail_periods_to_terminate: int = F("连续不合格可解除的考核期数", 2, gt=0, le=12)


_PATTERN = re.compile(r"^([1-7])\s*[×xX*]\s*([1-9]|1\d|2[0-4])$")


class ServiceHours(DocModel):
    """An on-site or hotline pattern such as 5×8 (08:30–17:30): D days × H hours a day."""

    pattern: str = F("服务时间模式")
    start: Clock | None = F("开始时间", None)
    end: Clock | None = F("结束时间", None)
    break_hours: Decimal = F("午休时长（小时）", Decimal(0), ge=0, le=4)

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        match = _PATTERN.match(value.strip())
        if not match:
            raise ValueError("服务时间模式应写成 天数×小时数，如 \"5×8\"、\"7×24\"")
        return f"{match.group(1)}×{match.group(2)}"

    @model_validator(mode="after")
    def _hours_match(self) -> "ServiceHours":
        """5×8 with 08:30–17:30 is nine hours (seed 002): the pattern and the clock must agree."""
        if (self.start is None) != (self.end is None):
            raise ValueError("开始时间和结束时间需同时给出")
        if self.start and self.end:
            minutes = _minutes(self.end) - _minutes(self.start) - int(self.break_hours * 60)
            hours = int(self.pattern.split("×")[1])
            if minutes != hours * 60:
                raise ValueError(f"{self.pattern} 表示每天 {hours} 小时，但 {self.start}–{self.end}"
                                 f"（扣除午休 {self.break_hours} 小时）是 {Decimal(minutes) / 60:g} 小时")
        return self

    @computed_field(title="服务时间表述")  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        """5×8小时（08:30-17:30） / 7×24小时."""
        rest = f"，其中午休{self.break_hours:g}小时" if self.break_hours else ""
        clock = f"（{self.start}-{self.end}{rest}）" if self.start else ""
        return f"{self.pattern}小时{clock}"

    printed_via: ClassVar[dict[str, tuple[str, ...]]] = {"text": ("pattern", "start", "end", "break_hours")}


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class SLA(DocModel):
    """Service levels (inventory B.4); each is optional, those given are printed as a table."""

    onsite: ServiceHours | None = F("驻场服务时间", None)
    hotline: ServiceHours | None = F("热线服务时间", None)
    response: Duration | None = F("电话响应时限", None)
    arrival: Duration | None = F("到场时限", None)
    resolution: Duration | None = F("故障解决时限", None)
    fault_report: Duration | None = F("故障报告时限", None)


class Terms(DocModel):
    """The windows the seeds set differently (inventory C.3): all parameters, seed 002 defaults."""

    staff_replace: Duration = F("更换服务人员期限", "7日")
    cure: Duration = F("纠正违约期限", "30日")
    refund_within: Duration = F("返还合同款期限", "30日")
    ip_handover: Duration = F("技术成果移交期限", "30日")
    force_majeure_proof: Duration = F("不可抗力证明期限", "10日")
    force_majeure_renegotiate: Duration = F("不可抗力另行商议期限", "90日")
    bank_change_notice: Duration = F("结算账户变更告知期限", "7日")


class StaffMember(DocModel):
    """One person of the vendor's team; resident engineers (驻场服务) sign a personal NDA."""

    name: str = F("姓名", min_length=2, max_length=20)
    role: str = F("项目角色", min_length=2)
    duty: str | None = F("承担工作", None)
    education: str | None = F("学历", None)
    title: str | None = F("职称", None)
    service_type: Literal["驻场服务", "远程服务"] = F("服务类型")
    id_number: IdNumber | None = F("身份证号码", None, repr=False)
    address: str | None = F("住址", None, repr=False)


ANNEX_KEYS = ("award_notice", "scope", "plan", "fees", "staff", "nda")
AnnexKey = Literal["award_notice", "scope", "plan", "fees", "staff", "nda"]


class AnnexItem(DocModel):
    key: AnnexKey = F("附件标识")
    title: str = F("附件名称", min_length=2)


EFFECTIVE_TEXT = {
    "seal": "本合同自双方加盖单位合同章或公章后生效。",
    "sign_and_seal": "本合同自双方法定代表人或授权代表签字并加盖单位公章或合同专用章之日起生效；"
                     "双方签署日期不一致的，以后签署之日为生效日。",
    "sign_seal_bond": "本合同自双方法定代表人或授权代表签字、加盖单位公章或合同专用章，"
                      "并由乙方递交{bond}之日起生效。",
}


class ContractModel(DocModel):
    """A service contract, one source for every fact printed in it."""

    layout: Literal["hetongshu", "articles"] = F("合同版式")
    project_name: str = F("项目名称", min_length=2)
    title: str = F("合同名称", min_length=2)
    contract_no: str | None = F("合同编号", None)
    legal_basis: list[str] = F("订立依据", ["《中华人民共和国民法典》"], min_length=1)
    signing: Signing = F("签订")
    procurement: Procurement | None = F("采购信息", None)
    party_a: Party = F("甲方")
    party_b: Party = F("乙方")
    service: Service = F("服务")
    money: ContractMoney = F("合同价款")
    bond: Bond | None = F("履约担保", None)
    penalties: Penalties = F("违约责任")
    assessment: Assessment = F("服务质量考核", {})
    terms: Terms = F("期限约定", {})
    sla: SLA = F("服务级别", {})
    staff: list[StaffMember] = F("项目人员名单", [])
    copies: Copies = F("合同份数")
    dispute: Dispute = F("争议解决")
    effective: Literal["seal", "sign_and_seal", "sign_seal_bond"] = F("生效条件")
    integrity: bool = F("廉政承诺条款", True)
    continuation: bool = F("到期后继续服务条款", True)
    annexes: list[AnnexItem] = F("附件", [])
    annex_style: Literal["chinese", "arabic"] = F("附件编号样式", "chinese")
    special_terms: str = F("合同特殊条款", "无。")


# ───────────────────────────── layouts and clauses ─────────────────────────────

_BOOK, _GENERAL = "合同书", "合同一般条款"

HETONGSHU = Layout(
    name="hetongshu",
    label="合同书（一、章节 + 合同一般条款，种子合同 002/000）",
    template="hetongshu.docx",
    style="chapter",
    qualify_sections=True,
    clauses=(
        ClauseSpec("definitions", "定义", section=_BOOK),
        ClauseSpec("documents", "合同文件", section=_BOOK),
        ClauseSpec("scope", "服务内容", section=_BOOK),
        ClauseSpec("object", "服务对象、地点和时间", section=_BOOK),
        ClauseSpec("price", "合同总价", section=_BOOK),
        ClauseSpec("payment_method", "付款方式", section=_BOOK),
        ClauseSpec("term", "服务期限", section=_BOOK),
        ClauseSpec("effect_brief", "合同的生效", section=_BOOK),
        ClauseSpec("service", "服务事项及内容", section=_GENERAL),
        ClauseSpec("period", "服务期间", section=_GENERAL),
        ClauseSpec("place", "服务地点", section=_GENERAL),
        ClauseSpec("payment", "合同款及支付方式", section=_GENERAL),
        ClauseSpec("bond", "履约保函", section=_GENERAL, optional=True),
        ClauseSpec("rights", "权利和义务", section=_GENERAL),
        ClauseSpec("penalty", "违约条款", section=_GENERAL),
        ClauseSpec("assessment", "服务质量考核条款", section=_GENERAL),
        ClauseSpec("ip", "知识产权", section=_GENERAL),
        ClauseSpec("confidentiality", "保密条款", section=_GENERAL),
        ClauseSpec("integrity", "合同廉政承诺", section=_GENERAL, optional=True),
        ClauseSpec("force_majeure", "不可抗力", section=_GENERAL),
        ClauseSpec("dispute", "争议的解决", section=_GENERAL),
        ClauseSpec("termination", "合同的终止与解除", section=_GENERAL),
        ClauseSpec("other", "其它条款", section=_GENERAL),
        ClauseSpec("continuation", "附则", section=_GENERAL, optional=True),
        ClauseSpec("effect", "合同的生效", section=_GENERAL),
    ),
)

ARTICLES = Layout(
    name="articles",
    label="电子政务运维项目服务合同（第X条，种子合同 001）",
    template="articles.docx",
    style="article",
    clauses=(
        ClauseSpec("general", "合同说明条款"),
        ClauseSpec("service", "服务内容"),
        ClauseSpec("price", "合同价款"),
        ClauseSpec("payment", "支付条款"),
        ClauseSpec("payment_basis", "支付依据", parent="payment"),
        ClauseSpec("payment_method", "支付方式", parent="payment"),
        ClauseSpec("payment_bond", "履约保函", parent="payment", optional=True),
        ClauseSpec("payment_funding", "财政资金", parent="payment", optional=True),
        ClauseSpec("penalty", "违约条款"),
        ClauseSpec("assessment", "服务质量考核条款"),
        ClauseSpec("confidentiality", "安全保密条款"),
        ClauseSpec("ip", "知识产权条款"),
        ClauseSpec("force_majeure", "不可抗力"),
        ClauseSpec("dispute", "争议解决条款"),
        ClauseSpec("other", "其它条款"),
        ClauseSpec("termination", "合同的终止与解除"),
        ClauseSpec("continuation", "附则", optional=True),
        ClauseSpec("effect", "合同的生效"),
        ClauseSpec("integrity", "合同廉政承诺", optional=True),
    ),
)

# Annexes each layout's wording cites by number; they must be listed in the data.
REQUIRED_ANNEXES = {
    "hetongshu": ("scope", "nda"),
    "articles": ("scope", "nda"),
}


def _present_clauses(model: ContractModel) -> set[str]:
    present = set()
    if model.bond is not None:
        present |= {"bond", "payment_bond"}
    if model.integrity:
        present.add("integrity")
    if model.continuation:
        present.add("continuation")
    if model.money.fiscal_funding:
        present.add("payment_funding")
    return present


def clause_numbers(model: ContractModel) -> dict[str, Clause]:
    """The contract's numbered clauses for its layout: ``clause_numbers(m)['penalty'].ref``.

    Public for the company NDA, whose liability clause cites the contract's penalty clause.
    """
    layout = {"hetongshu": HETONGSHU, "articles": ARTICLES}[model.layout]
    titles = {}
    if model.bond is not None:
        titles = {"bond": model.bond.form, "payment_bond": model.bond.form}
    return number_clauses(layout.clauses, layout.style, _present_clauses(model), titles, layout.qualify_sections)


# ───────────────────────────── derived values ─────────────────────────────


class PeriodRow(BaseModel):
    seq: int
    content: str
    start: date
    end: date
    days: int


class FeeRow(BaseModel):
    seq: str  # 一 二 三
    content: str
    amount: Decimal


class PaymentRow(BaseModel):
    seq_cn: str  # 第一期
    pct: Decimal
    amount: Decimal
    upper: str
    wan: str
    condition: str
    deadline: str  # 于2022年内 / 10个工作日内


class SlaRow(BaseModel):
    item: str
    requirement: str


def _sla_rows(sla: SLA) -> list[SlaRow]:
    rows = []
    if sla.onsite:
        rows.append(SlaRow(item="驻场服务", requirement=f"{sla.onsite.text}，国家法定节假日除外"))
    if sla.hotline:
        rows.append(SlaRow(item="服务热线", requirement=f"{sla.hotline.text}受理技术咨询、服务请求和故障申报"))
    if sla.response:
        rows.append(SlaRow(item="电话响应", requirement=f"接到通知后{sla.response.text}内响应"))
    if sla.arrival:
        rows.append(SlaRow(item="现场到达", requirement=f"需要现场处理的，{sla.arrival.text}内到达现场"))
    if sla.resolution:
        rows.append(SlaRow(item="故障解决", requirement=f"{sla.resolution.text}内解决故障；不能解决的，应与甲方协商备用方案"))
    if sla.fault_report:
        rows.append(SlaRow(item="故障报告", requirement=f"故障解除后{sla.fault_report.text}内提交故障处理报告"))
    return rows


class ContractDerived(BaseModel):
    """Every value the contract prints that is computed from the data."""

    total_upper: str
    total_wan: str
    daily_fee: Decimal
    fee_rows: list[FeeRow]
    fee_total: Decimal
    fee_total_upper: str
    payments: list[PaymentRow]
    single_payment: bool
    payment_method: str  # 一次性支付 / 分三期支付
    late_payment_from: int  # 第31个工作日
    bond_amount: Decimal | None
    bond_upper: str | None
    bond_wan: str | None
    bond_due_date: date | None
    periods: list[PeriodRow]
    service_start: date
    service_end: date
    service_days: int
    service_months_text: str  # 12个月 / 壹年
    cycle_unit: str  # 个月 / 个季度 / 个年度
    cycle_every: str  # 每月 / 每季度 / 每年
    documents: list[str]  # 组成合同的文件，按优先次序
    effective_text: str
    sla_rows: list[SlaRow]
    resident_staff: list[str]
    clause: dict[str, Clause]
    annex: dict[str, Annex]
    annex_list: list[Annex]


def _periods(model: ContractModel) -> list[PeriodRow]:
    rows = []
    for n, period in enumerate(model.service.periods, start=1):
        end = period.end or cn.service_end(period.start, period.months)  # type: ignore[arg-type]
        rows.append(PeriodRow(seq=n, content=period.content, start=period.start, end=end,
                              days=(end - period.start).days + 1))
    return rows


def _payments(model: ContractModel) -> list[PaymentRow]:
    """Instalment amounts: total × pct rounded to 分; the last one takes the rounding."""
    total = model.money.total
    rows, paid = [], Decimal(0)
    instalments = model.money.instalments
    for n, item in enumerate(instalments, start=1):
        if n < len(instalments):
            amount = (total * item.pct / 100).quantize(cn.FEN, rounding=ROUND_HALF_UP)
        else:
            amount = total - paid
        paid += amount
        deadline = f"于{item.year}年内" if item.year is not None else f"{item.within.text}内"  # type: ignore[union-attr]
        rows.append(PaymentRow(seq_cn=f"第{cn.cn_ordinal(n)}期", pct=item.pct, amount=amount,
                               upper=cn.rmb_upper(amount), wan=cn.wan(amount), condition=item.condition,
                               deadline=deadline))
    return rows


def _months_text(rows: list[PeriodRow], model: ContractModel) -> str:
    months = {p.months for p in model.service.periods}
    if len(months) == 1 and None not in months:
        n = months.pop()
        return "壹年" if n == 12 else f"{n}个月"
    return f"{rows[0].days}天" if len(rows) == 1 else "见服务期间表"


def _documents(model: ContractModel, annexes: dict[str, Annex]) -> list[str]:
    """The contract documents in order of precedence (seed 002 二、合同文件)."""
    documents = ["本合同书"]
    if model.procurement is not None:
        notice = model.procurement.notice
        documents.append(f"{notice}（详见{annexes['award_notice'].no}）" if "award_notice" in annexes else notice)
    documents += ["合同一般条款", "合同特殊条款"]
    if annexes:
        documents.append("合同附件（" + "、".join(a.title for a in annexes.values()) + "）")
    return documents


class ContractKind(Kind):
    name = "contract"
    label = "服务合同"
    model = ContractModel
    derived_model = ContractDerived
    layouts = (HETONGSHU, ARTICLES)
    samples = ("sample-002.yaml", "sample-001.yaml")
    not_printed = frozenset({
        # Kept for the personal NDAs the batch draws from the staff table; never in the contract.
        "staff[].id_number", "staff[].address",
        # Inputs printed through derived values (payments, bond, clause titles, effective_text).
        "money.instalments", "bond.pct", "effective", "integrity", "continuation", "annexes",
        "annex_style", "layout", "service.periods", "money.fee_items", "staff[].service_type", "sla",
        # Summaries offered to other kinds and to `docgen check`, not printed in the contract.
        "resident_staff", "fee_total_upper", "service_days", "daily_fee", "bond_wan",
        "procurement.sign_within", "procurement.award_amount", "total_wan", "periods[].days",
        # Printed through late_payment_from (第31个工作日).
        "penalties.late_payment.grace_working_days",
    })

    def derive(self, model: ContractModel) -> ContractDerived:  # type: ignore[override]
        periods = _periods(model)
        payments = _payments(model)
        total = model.money.total
        bond = model.bond
        bond_amount = (total * bond.pct / 100).quantize(cn.FEN, rounding=ROUND_HALF_UP) if bond else None
        fee_total = sum((f.amount for f in model.money.fee_items), Decimal(0)).quantize(cn.FEN)
        annexes = number_annexes([(a.key, a.title) for a in model.annexes], model.annex_style)
        effective = EFFECTIVE_TEXT[model.effective].format(bond=bond.form if bond else "履约保证金")
        return ContractDerived(
            total_upper=cn.rmb_upper(total),
            total_wan=cn.wan(total),
            daily_fee=(total / 365).quantize(cn.FEN, rounding=ROUND_HALF_UP),
            fee_rows=[FeeRow(seq=cn.cn_ordinal(n), content=f.content, amount=f.amount)
                      for n, f in enumerate(model.money.fee_items, start=1)],
            fee_total=fee_total,
            fee_total_upper=cn.rmb_upper(fee_total),
            payments=payments,
            single_payment=len(payments) == 1,
            payment_method="一次性支付" if len(payments) == 1 else f"分{cn.cn_count(len(payments), 'lower')}期支付",
            late_payment_from=model.penalties.late_payment.grace_working_days + 1,
            bond_amount=bond_amount,
            bond_upper=cn.rmb_upper(bond_amount) if bond_amount is not None else None,
            bond_wan=cn.wan(bond_amount) if bond_amount is not None else None,
            bond_due_date=bond.due.after(model.signing.date) if bond else None,
            periods=periods,
            service_start=min(p.start for p in periods),
            service_end=max(p.end for p in periods),
            service_days=(max(p.end for p in periods) - min(p.start for p in periods)).days + 1,
            service_months_text=_months_text(periods, model),
            cycle_unit={"月度": "个月", "季度": "个季度", "年度": "个年度"}[model.assessment.cycle],
            cycle_every={"月度": "每月", "季度": "每季度", "年度": "每年"}[model.assessment.cycle],
            documents=_documents(model, annexes),
            effective_text=effective,
            sla_rows=_sla_rows(model.sla),
            resident_staff=[s.name for s in model.staff if s.service_type == "驻场服务"],
            clause=clause_numbers(model),
            annex=annexes,
            annex_list=list(annexes.values()),
        )

    def check(self, model: ContractModel, derived: ContractDerived) -> list[Problem]:  # type: ignore[override]
        problems: list[Problem] = []
        for step in (_check_money, _check_dates, _check_bond, _check_parties, _check_staff, _check_annexes,
                     _warn_signing_day, _warn_postcodes):
            problems.extend(step(model, derived))
        return problems


register(ContractKind)

# ───────────────────────────── checks ─────────────────────────────


def _check_money(model: ContractModel, derived: ContractDerived) -> list[Problem]:
    problems = []
    total = model.money.total
    if model.money.fee_items and derived.fee_total != total:
        problems.append(error("money.fee_items", "服务费清单",
                              f"服务费清单合计 {cn.fmt_cny(derived.fee_total)} 不等于合同总价 {cn.fmt_cny(total)}"))
    paid = sum((p.amount for p in derived.payments), Decimal(0))
    if paid != total:  # cannot happen while the last instalment takes the rounding; kept as a guard
        problems.append(error("money.instalments", "付款节点", f"各期金额之和 {paid} 不等于合同总价 {total}"))
    award = model.procurement.award_amount if model.procurement else None
    if award is not None and award != total:
        problems.append(error("procurement.award_amount", "中标（成交）金额",
                              f"中标金额 {cn.fmt_cny(award)} 与合同总价 {cn.fmt_cny(total)} 不一致"))
    periods, fees = model.service.periods, model.money.fee_items
    if len(periods) > 1 and fees and len(fees) != len(periods):
        problems.append(error("money.fee_items", "服务费清单",
                              f"服务费清单有 {len(fees)} 项，服务期间表有 {len(periods)} 项，应一一对应"))
    for n, item in enumerate(model.money.instalments):
        if item.year is not None and item.year < model.signing.date.year:
            problems.append(error(f"money.instalments[{n}].year", "年内支付年度",
                                  f"付款年度早于签订年度 {model.signing.date.year}", item.year))
    return problems


def _check_dates(model: ContractModel, derived: ContractDerived) -> list[Problem]:
    problems = []
    signed = model.signing.date
    for n, (period, row) in enumerate(zip(model.service.periods, derived.periods)):
        path = f"service.periods[{n}]"
        if row.end < row.start:
            problems.append(error(f"{path}.end", "服务止日期", f"服务止日期早于服务起日期 {row.start}", row.end))
        if period.end is not None and period.months is not None:
            expected = cn.service_end(period.start, period.months)
            if period.end != expected:
                problems.append(error(f"{path}.end", "服务止日期",
                                      f"与服务月数不一致：{period.start} 起 {period.months} 个月应止于 {expected}",
                                      period.end))
        if row.start < signed:
            problems.append(warning(f"{path}.start", "服务起日期",
                                    f"服务期间早于合同签订日期 {signed} 开始（合同溯及既往）", row.start))
    procurement = model.procurement
    if procurement and procurement.notice_date:
        if procurement.notice_date > signed:
            problems.append(error("procurement.notice_date", "通知书日期",
                                  f"{procurement.notice}日期晚于合同签订日期 {signed}", procurement.notice_date))
        elif procurement.sign_within and procurement.sign_within.after(procurement.notice_date) < signed:
            problems.append(warning("signing.date", "签订日期",
                                    f"超过{procurement.notice}规定的签约期限（{procurement.sign_within.text}）", signed))
    return problems


def _check_bond(model: ContractModel, derived: ContractDerived) -> list[Problem]:
    problems = []
    bond = model.bond
    if model.effective == "sign_seal_bond" and bond is None:
        problems.append(error("effective", "生效条件", "生效条件要求递交履约担保，但合同没有履约担保（bond）"))
    if bond is None:
        return problems
    if bond.expiry is not None and bond.expiry < derived.service_end:
        problems.append(error("bond.expiry", "保函有效截止日",
                              f"履约保函在服务期结束（{derived.service_end}）之前失效", bond.expiry))
    due = derived.bond_due_date
    for n, item in enumerate(model.money.instalments):
        needs_bond = "保函" in item.condition or "保证金" in item.condition
        if needs_bond and item.year is not None and due is not None and due > date(item.year, 12, 31):
            problems.append(warning(f"money.instalments[{n}]", "付款节点",
                                    f"付款以收到{bond.form}为条件且须于 {item.year} 年内支付，"
                                    f"但{bond.form}的提交期限 {due} 已在次年"))
    wrong_form = "履约保证金" if bond.form == "履约保函" else "履约保函"
    for n, item in enumerate(model.money.instalments):
        if wrong_form in item.condition:
            problems.append(error(f"money.instalments[{n}].condition", "付款条件",
                                  f"合同约定的是{bond.form}，付款条件却写了{wrong_form}", item.condition))
    return problems


def _check_parties(model: ContractModel, derived: ContractDerived) -> list[Problem]:
    problems = []
    a, b = model.party_a, model.party_b
    if a.name == b.name:
        problems.append(error("party_b.name", "名称", "甲方与乙方名称相同", b.name))
    if a.short_name and b.short_name and a.short_name == b.short_name:
        problems.append(error("party_b.short_name", "简称", "甲方与乙方简称相同", b.short_name))
    for side, party in (("party_a", a), ("party_b", b)):
        other = b if party is a else a
        if party.short_name and other.name.find(party.short_name) >= 0 and party.short_name != party.name:
            problems.append(warning(f"{side}.short_name", "简称", f"简称也出现在对方名称“{other.name}”中",
                                    party.short_name))
    # One source per name: free text that spells a party differently from its record.
    for path, label, text in _free_texts(model):
        for side, party in (("party_a", a), ("party_b", b)):
            for variant in _name_variants(party.name):
                if variant in text and party.name not in text:
                    problems.append(warning(path, label, f"文字中的单位名称“{variant}”与{_side(side)}名称"
                                                        f"“{party.name}”不一致；请只在 {side}.name 中写一次", text[:40]))
    return problems


def _side(side: str) -> str:
    return "甲方" if side == "party_a" else "乙方"


def _free_texts(model: ContractModel) -> list[tuple[str, str, str]]:
    texts = [("service.scope", "服务内容概述", model.service.scope),
             ("service.location", "服务地点", model.service.location)]
    if model.service.object:
        texts.append(("service.object", "服务对象", model.service.object))
    for n, item in enumerate(model.money.instalments):
        texts.append((f"money.instalments[{n}].condition", "付款条件", item.condition))
    return texts


def _name_variants(name: str) -> list[str]:
    """Misspellings worth catching: the name with 北京市 dropped or inserted, and spacing."""
    variants = []
    if name.startswith("北京市"):
        variants.append(name[3:])
    elif name.startswith("北京"):
        variants.append("北京市" + name[2:])
    return [v for v in variants if len(v) >= 6]


def _check_staff(model: ContractModel, derived: ContractDerived) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for n, member in enumerate(model.staff):
        if member.name in seen:
            problems.append(error(f"staff[{n}].name", "姓名", f"与 staff[{seen[member.name]}] 重名", member.name))
        seen.setdefault(member.name, n)
    if model.staff and "staff" not in {a.key for a in model.annexes}:
        problems.append(error("annexes", "附件", "有项目人员名单（staff），但附件中没有 staff（项目人员名单）"))
    return problems


def _check_annexes(model: ContractModel, derived: ContractDerived) -> list[Problem]:
    problems = []
    keys = [a.key for a in model.annexes]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(error("annexes", "附件", f"附件 {key} 重复"))
    for key in REQUIRED_ANNEXES[model.layout]:
        if key not in keys:
            problems.append(error("annexes", "附件", f"合同条文引用了附件 {key}，但附件清单中没有"))
    if "staff" in keys and not model.staff:
        problems.append(error("staff", "项目人员名单", "附件中有项目人员名单，但 staff 为空"))
    if "fees" in keys and not model.money.fee_items:
        problems.append(error("money.fee_items", "服务费清单", "附件中有服务费清单，但 fee_items 为空"))
    return problems


def _warn_signing_day(model: ContractModel, derived: ContractDerived) -> list[Problem]:
    return workday_warning("signing.date", "签订日期", model.signing.date, "签订日期")


_BEIJING_POSTCODE = re.compile(r"^10\d{4}$")


def _warn_postcodes(model: ContractModel, derived: ContractDerived) -> list[Problem]:
    problems = []
    for side, party in (("party_a", model.party_a), ("party_b", model.party_b)):
        if party.postcode and "北京" in party.address and not _BEIJING_POSTCODE.match(party.postcode):
            problems.append(warning(f"{side}.postcode", "邮政编码", "地址在北京，但邮政编码不是北京的（10xxxx）",
                                    party.postcode))
    return problems

