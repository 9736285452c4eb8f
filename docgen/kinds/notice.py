"""The ``notice`` kind: a 监理通知单 from the supervisor to an O&M vendor (inventory D.8).

Seed 000 names the form and its purpose — "对运维中的重大事故提出整改和考核意见" (§12, L1097),
"发现偏离应签发《监理通知》，要求运维公司及时采取措施" (§6.4, L780), 费用核减 (§2.1(3)) — but
contains none, so its content is what D.8 lists: the number (文号, derived from year and sequence:
监通〔2023〕第012号), the recipient and the O&M contract concerned (from the contract's data file),
a copy to 甲方, the issue (重大事故 / 进度偏离 / 质量偏差 / 其他) with time, description and 影响范围,
the basis (the contract's clauses by key, its annexes, or a 规范), the 整改要求 and the 整改期限
(a date, or a period counted from the issue date in working days on the State Council calendar),
the 考核意见 with a possible 费用核减 amount in 大写, the issuer (总监理工程师) and date, and the
vendor's reply and the supervisor's closure check — blank lines to fill in by hand until given.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, model_validator

from docgen import cn
from docgen.errors import Problem
from docgen.kinds._linked import CheckStep, FollowsContract, LinkedKind, facts
from docgen.kinds.base import Clause, ClauseSpec, Layout, number_clauses, register
from docgen.kinds.common import Clock, CnDate, DocModel, Duration, F, PositiveMoney, error, warning, workday_warning

IssueType = Literal["重大事故", "进度偏离", "质量偏差", "其他"]

# ───────────────────────────── input model ─────────────────────────────


class NoticeNumber(DocModel):
    """The 文号: prefix, year and sequence; printed 监通〔2023〕第012号."""

    prefix: str = F("文号前缀", "监通", min_length=1, max_length=10)
    year: int = F("年度", ge=2000, le=2100)
    seq: int = F("序号", gt=0, le=9999)


class Issuer(DocModel):
    unit: str = F("监理单位", min_length=2)
    chief_engineer: str = F("总监理工程师", min_length=2, max_length=20)


class Incident(DocModel):
    """What happened: type, when, what, how far it reached."""

    type: IssueType = F("问题类型")
    occurred: CnDate = F("发生日期")
    time: Clock | None = F("发生时间", None)
    description: str = F("问题描述", min_length=2)
    impact: str = F("影响范围", min_length=2)


class Basis(DocModel):
    """One ground for the notice: a clause of the main contract (by key), one of its annexes (by key),
    or any other text (a 规范, a plan)."""

    clause: str | None = F("主合同条款", None)
    annex: str | None = F("主合同附件", None)
    text: str | None = F("其他依据", None, min_length=2)

    @model_validator(mode="after")
    def _exactly_one(self) -> "Basis":
        if sum(x is not None for x in (self.clause, self.annex, self.text)) != 1:
            raise ValueError("每条依据写 clause（主合同条款）、annex（主合同附件）或 text（其他依据）三者之一")
        return self


_ISO = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}\s*$")


class Deadline(DocModel):
    """整改期限: a period counted from the issue date ("5个工作日") or a date ("2023-10-11")."""

    within: Duration | None = F("整改期限（期间）", None)
    on: CnDate | None = F("整改期限（日期）", None)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, date) or (isinstance(value, str) and _ISO.match(value)):
            return {"on": value}
        if isinstance(value, str) or (isinstance(value, dict) and "n" in value):
            return {"within": value}
        return value

    @model_validator(mode="after")
    def _one_of(self) -> "Deadline":
        if (self.within is None) == (self.on is None):
            raise ValueError("整改期限写期间（如 \"5个工作日\"）或日期（如 \"2023-10-11\"）二者之一")
        if self.within is not None and self.within.unit not in ("日", "月"):
            raise ValueError("整改期限应以日、工作日或月计")
        return self


class Assessment(DocModel):
    """考核意见, and the 费用核减 it proposes, if any."""

    opinion: str = F("考核意见", min_length=2)
    deduction: PositiveMoney | None = F("费用核减金额", None)


class Reply(DocModel):
    """The vendor's reply (整改情况), when it has come back."""

    text: str = F("回复内容", min_length=2)
    by: str = F("回复单位负责人", min_length=2)
    date: CnDate = F("回复日期")


class Closure(DocModel):
    """The supervisor's check that the issue is closed."""

    text: str = F("复查意见", min_length=2)
    by: str = F("复查人", min_length=2)
    date: CnDate = F("复查日期")
    closed: bool = F("是否闭环", True)


class NoticeModel(FollowsContract):
    """A 监理通知单 about one O&M contract."""

    layout: Literal["notice"] = F("通知单版式", "notice")
    number: NoticeNumber = F("文号")
    issuer: Issuer = F("签发单位")
    issue_date: CnDate = F("签发日期")
    subject: str = F("事由", min_length=2)
    incident: Incident = F("问题情况")
    basis: list[Basis] = F("依据", min_length=1)
    requirements: list[str] = F("整改要求", min_length=1)
    deadline: Deadline = F("整改期限")
    assessment: Assessment | None = F("考核意见", None)
    cc_extra: list[str] = F("其他抄送单位", [])
    reply: Reply | None = F("运维服务单位回复", None)
    closure: Closure | None = F("监理复查意见", None)


# ───────────────────────────── layout ─────────────────────────────

NOTICE = Layout(
    name="notice",
    label="监理通知单（问题情况 / 依据 / 整改要求 / 整改期限 / 考核意见 / 回复与复查）",
    template="notice.docx",
    style="chapter",
    clauses=(
        ClauseSpec("incident", "问题情况"),
        ClauseSpec("basis", "依据"),
        ClauseSpec("requirements", "整改要求"),
        ClauseSpec("deadline", "整改期限"),
        ClauseSpec("assessment", "考核意见", optional=True),
    ),
)

# ───────────────────────────── derived values ─────────────────────────────


class NoticeDerived(BaseModel):
    """Every value the notice prints that is computed or taken from the main contract."""

    number_text: str  # 监通〔2023〕第012号
    recipient: str  # the contract's 乙方
    cc: str  # the contract's 甲方, then any others
    project_name: str
    contract_title: str
    occurred_text: str  # 2023年9月27日9时20分
    basis_lines: list[str]
    deadline_date: date
    deadline_text: str  # 5个工作日内（即2023年10月11日前）
    deduction_upper: str | None
    clause: dict[str, Clause]


def number_text(number: NoticeNumber) -> str:
    """监通〔2023〕第012号 (the sequence has at least three digits)."""
    return f"{number.prefix}〔{number.year}〕第{number.seq:03d}号"


def occurred_text(incident: Incident) -> str:
    text = cn.fmt_date(incident.occurred)
    if incident.time:
        hour, minute = (int(part) for part in incident.time.split(":"))
        text += f"{hour}时{minute:02d}分" if minute else f"{hour}时"
    return text


def deadline_date(model: NoticeModel) -> date:
    deadline = model.deadline
    return deadline.on if deadline.on is not None else deadline.within.after(model.issue_date)  # type: ignore[union-attr]


def _basis_line(basis: Basis, clauses: dict[str, Clause], annexes: dict) -> str:  # noqa: ANN001
    if basis.clause is not None:
        clause = clauses.get(basis.clause)
        return f"主合同的{clause.ref}（{clause.title}）" if clause else basis.clause
    if basis.annex is not None:
        annex = annexes.get(basis.annex)
        return f"主合同{annex.ref}" if annex else basis.annex
    return basis.text or ""


@register
class NoticeKind(LinkedKind):
    name = "notice"
    label = "监理通知单"
    model = NoticeModel
    derived_model = NoticeDerived
    layouts = (NOTICE,)
    samples = ("sample-002.yaml",)
    not_printed = frozenset({
        # Printed through the derived values (number_text, recipient, cc, basis_lines, deadline_text …).
        "contract", "main_contract", "layout", "number", "cc_extra", "basis", "deadline", "incident.occurred",
        "incident.time", "deadline_date",
    })

    def derive(self, model: NoticeModel) -> NoticeDerived:  # type: ignore[override]
        main = facts(model)
        due = deadline_date(model)
        within = model.deadline.within
        deduction = model.assessment.deduction if model.assessment else None
        return NoticeDerived(
            number_text=number_text(model.number),
            recipient=main.party_b.name,
            cc="、".join([main.party_a.name, *model.cc_extra]),
            project_name=main.project_name,
            contract_title=main.cited_title,
            occurred_text=occurred_text(model.incident),
            basis_lines=[_basis_line(b, main.clauses, main.annexes) for b in model.basis],
            deadline_date=due,
            deadline_text=f"{within.text}内（即{cn.fmt_date(due)}前）" if within else f"{cn.fmt_date(due)}前",
            deduction_upper=cn.rmb_upper(deduction) if deduction is not None else None,
            clause=number_clauses(NOTICE.clauses, NOTICE.style, {"assessment"} if model.assessment else set()),
        )

    def steps(self) -> tuple[CheckStep, ...]:
        return (_check_dates, _check_number, _check_basis, _check_deduction, _check_reply)


# ───────────────────────────── checks ─────────────────────────────


def _check_dates(model: NoticeModel, derived: NoticeDerived) -> list[Problem]:
    """The incident precedes the notice, the notice its deadline; dates fall in the service term."""
    problems = []
    issued, due = model.issue_date, derived.deadline_date
    if due < issued:
        problems.append(error("deadline", "整改期限", f"整改期限 {due} 早于签发日期 {issued}", due))
    elif due == issued:
        problems.append(warning("deadline", "整改期限", "整改期限与签发日期为同一天", due))
    else:  # a typed date, or calendar days counted from the issue date, may end on a rest day
        problems += workday_warning("deadline", "整改期限", due, "整改期限")
    if model.incident.occurred > issued:
        problems.append(error("incident.occurred", "发生日期", f"晚于签发日期 {issued}", model.incident.occurred))
    main = facts(model)
    if issued < main.signing_date:
        problems.append(error("issue_date", "签发日期", f"早于主合同签订日期 {main.signing_date}", issued))
    elif main.service_end and issued > main.service_end:
        problems.append(warning("issue_date", "签发日期", f"晚于主合同服务期结束日 {main.service_end}", issued))
    problems += workday_warning("issue_date", "签发日期", issued, "签发日期")
    return problems


def _check_number(model: NoticeModel, derived: NoticeDerived) -> list[Problem]:
    if model.number.year != model.issue_date.year:
        return [warning("number.year", "年度", f"文号年度与签发日期的年度 {model.issue_date.year} 不一致",
                        model.number.year)]
    return []


def _check_basis(model: NoticeModel, derived: NoticeDerived) -> list[Problem]:
    """Clause and annex keys must exist in the main contract; without one they cannot be cited."""
    main = facts(model)
    problems = []
    for n, basis in enumerate(model.basis):
        if basis.clause is not None and basis.clause not in main.clauses:
            known = "、".join(main.clauses) or "（无主合同数据文件，不能按条款引用，请改用 text）"
            problems.append(error(f"basis[{n}].clause", "主合同条款", f"主合同没有此条款；可用：{known}", basis.clause))
        if basis.annex is not None and basis.annex not in main.annexes:
            known = "、".join(main.annexes) or "（无主合同数据文件，不能按附件引用，请改用 text）"
            problems.append(error(f"basis[{n}].annex", "主合同附件", f"主合同没有此附件；可用：{known}", basis.annex))
    return problems


def _check_deduction(model: NoticeModel, derived: NoticeDerived) -> list[Problem]:
    deduction = model.assessment.deduction if model.assessment else None
    total = facts(model).total
    if deduction is not None and total is not None and deduction > total:
        return [error("assessment.deduction", "费用核减金额",
                      f"核减金额 {cn.fmt_cny(deduction)} 大于合同总价 {cn.fmt_cny(total)}", deduction)]
    return []


def _check_reply(model: NoticeModel, derived: NoticeDerived) -> list[Problem]:
    problems = []
    if model.reply and model.reply.date < model.issue_date:
        problems.append(error("reply.date", "回复日期", f"早于签发日期 {model.issue_date}", model.reply.date))
    if model.closure and model.reply is None:
        problems.append(error("closure", "监理复查意见", "没有运维服务单位的回复，不能复查闭环"))
    if model.closure and model.reply and model.closure.date < model.reply.date:
        problems.append(error("closure.date", "复查日期", f"早于回复日期 {model.reply.date}", model.closure.date))
    if model.reply and model.reply.date > derived.deadline_date:
        problems.append(warning("reply.date", "回复日期", f"晚于整改期限 {derived.deadline_date}", model.reply.date))
    return problems


__all__ = ["NoticeDerived", "NoticeKind", "NoticeModel", "number_text"]
