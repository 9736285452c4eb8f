"""The ``nda-company`` kind: the company 安全保密协议 that seeds 000, 001 and 002 annex to their contracts.

One layout, ``hrss`` (the 市人力社保局 template: 目的 / 保密范围 1–6 / 乙方责任 / 双方共同遵守的条款 /
其他; inventory B.11, D.11, D.12). The agreement follows a main contract and takes from its data
file the parties, the project, the contract's title, the signing date, the agreement's own title
(the one the contract cites in its annex list) and the penalty clause it refers to. That makes
three of the seeds' errors impossible: seed 000 citing a 第九条 that is not the penalty clause,
seed 002 citing 第十条 where the penalty is in 七, and seed 001 titling the annex 保密协议书 while
the contract requires 《安全保密协议》. A confidentiality period that ends with the service term
while the contract says the duty survives it (seed 004) is a warning.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, model_validator

from docgen import cn
from docgen.errors import Problem
from docgen.kinds._linked import CheckStep, FollowsContract, LinkedKind, Signer, facts, signer
from docgen.kinds.base import Clause, ClauseSpec, Layout, number_clauses, register
from docgen.kinds.common import Copies, DocModel, F, error, warning, workday_warning

DEFAULT_TITLE = "安全保密协议"

# ───────────────────────────── input model ─────────────────────────────

PeriodKind = Literal["perpetual", "service_term", "project_plus_years", "until_public"]


class ConfidentialityPeriod(DocModel):
    """How long the duty lasts (inventory D.12): for ever, the service term, the project plus N years,
    or until the information is made public by its owner."""

    kind: PeriodKind = F("保密期限类型", "perpetual")
    years: int | None = F("项目验收后年数", None, gt=0, le=50)

    @model_validator(mode="after")
    def _years_for_project_plus(self) -> "ConfidentialityPeriod":
        if self.kind == "project_plus_years" and self.years is None:
            raise ValueError("保密期限为“项目验收后 N 年”时需要 years")
        if self.kind != "project_plus_years" and self.years is not None:
            raise ValueError("只有保密期限类型为 project_plus_years 时才写 years")
        return self


class NdaCompanyModel(FollowsContract):
    """A company confidentiality agreement annexed to a main contract."""

    layout: Literal["hrss"] = F("协议版式", "hrss")
    title: str | None = F("协议名称", None, min_length=2)
    penalty_clause: str | None = F("违约责任引用条款", None, min_length=2)
    scope_extra: list[str] = F("补充保密范围", [])
    return_within: int = F("销毁或返还期限（工作日）", 5, gt=0, le=60)
    period: ConfidentialityPeriod = F("保密期限", {})
    effective: Literal["sign_and_seal", "seal"] = F("生效条件", "sign_and_seal")
    copies: Copies | None = F("协议份数", None)


# ───────────────────────────── layout ─────────────────────────────

HRSS = Layout(
    name="hrss",
    label="安全保密协议（目的 / 保密范围 / 乙方责任 / 双方共同遵守 / 其他，种子 000/001/002）",
    template="hrss.docx",
    style="chapter",
    clauses=(
        ClauseSpec("purpose", "目的"),
        ClauseSpec("scope", "保密范围（包括但不限于以下内容）"),
        ClauseSpec("duties", "乙方责任"),
        ClauseSpec("mutual", "双方共同遵守的条款"),
        ClauseSpec("other", "其他"),
    ),
)

# ───────────────────────────── derived values ─────────────────────────────


class NdaCompanyDerived(BaseModel):
    """Every value the agreement prints that comes from the main contract or is computed."""

    agreement_title: str
    annex_heading: str | None  # 附件四：《安全保密协议》
    party_a: Signer
    party_b: Signer
    project_name: str
    contract_title: str  # 北京市积分落户管理信息系统运行维护服务合同书
    signing_date: date
    penalty_ref: str  # 合同一般条款第七条（违约条款）
    return_text: str  # 五（5）个工作日内
    period_text: str
    effective_text: str
    clause: dict[str, Clause]


def return_text(days: int) -> str:
    """5 → 五（5）个工作日内, as the seeds write it."""
    return f"{cn.cn_count(days, 'lower')}（{days}）个工作日内"


def period_text(period: ConfidentialityPeriod, service_end: date | None) -> str:
    """Scope item 6: how long the duty lasts."""
    if period.kind == "perpetual":
        return "保密义务在双方的服务合同结束后仍然有效。"
    if period.kind == "service_term":
        end = f"（{cn.fmt_date(service_end)}）" if service_end else ""
        return f"保密义务自本协议生效之日起至服务合同服务期届满之日{end}止。"
    if period.kind == "project_plus_years":
        return f"保密义务在项目期间有效，并持续至项目验收后{period.years}年。"
    return "保密义务持续至保密资料被其合法拥有者公开时止。"


def effective_text(kind: str, a: Signer, b: Signer) -> str:
    """本协议自甲乙双方法定代表人或授权代表人签字并盖章之日起生效。"""
    if kind == "seal":
        return "本协议自甲乙双方盖章之日起生效。"
    who = f"甲乙双方{a.signatory}" if a.signatory == b.signatory else f"甲方{a.signatory}、乙方{b.signatory}"
    return f"本协议自{who}签字并盖章之日起生效。"


def _title(model: NdaCompanyModel, annex_title: str | None) -> str:
    return annex_title or model.title or DEFAULT_TITLE


@register
class NdaCompanyKind(LinkedKind):
    name = "nda-company"
    label = "安全保密协议"
    model = NdaCompanyModel
    derived_model = NdaCompanyDerived
    layouts = (HRSS,)
    samples = ("sample-002.yaml", "sample-001.yaml")
    not_printed = frozenset({
        # The main contract: its facts reach the agreement through the derived values.
        "contract", "main_contract", "layout", "title", "penalty_clause", "return_within", "period", "effective",
    })
    own_fields = ("penalty_clause",)

    def derive(self, model: NdaCompanyModel) -> NdaCompanyDerived:  # type: ignore[override]
        main = facts(model)
        annex = main.annexes.get("nda")
        a, b = signer(main.party_a), signer(main.party_b)
        penalty = main.clauses.get("penalty")
        title = _title(model, annex.title if annex else None)
        return NdaCompanyDerived(
            agreement_title=title,
            annex_heading=f"{annex.no}：《{title}》" if annex else None,
            party_a=a,
            party_b=b,
            project_name=main.project_name,
            contract_title=main.cited_title,
            signing_date=main.signing_date,
            penalty_ref=f"{penalty.ref}（{penalty.title}）" if penalty else (model.penalty_clause or ""),
            return_text=return_text(model.return_within),
            period_text=period_text(model.period, main.service_end),
            effective_text=effective_text(model.effective, a, b),
            clause=number_clauses(HRSS.clauses, HRSS.style),
        )

    def steps(self) -> tuple[CheckStep, ...]:
        return (_check_title, _check_penalty_clause, _check_period, _check_signing_day)


# ───────────────────────────── checks ─────────────────────────────


def _check_title(model: NdaCompanyModel, derived: NdaCompanyDerived) -> list[Problem]:
    """The agreement's title is the one the contract cites (seed 001: 保密协议书 vs 《安全保密协议》)."""
    annex = facts(model).annexes.get("nda")
    if annex and model.title and model.title != annex.title:
        return [error("title", "协议名称", f"与主合同附件清单中的《{annex.title}》不一致；协议名称取自主合同，"
                                         "请删去 title 或改主合同的附件名称", model.title)]
    return []


def _check_penalty_clause(model: NdaCompanyModel, derived: NdaCompanyDerived) -> list[Problem]:
    """Without a contract data file the cited clause is typed, and nothing can check it."""
    if model.contract is not None:
        return []
    if not model.penalty_clause:
        return [error("penalty_clause", "违约责任引用条款",
                      "没有主合同数据文件时须写明主合同的违约责任条款（如“第十一条（违约责任）”）")]
    return [warning("penalty_clause", "违约责任引用条款",
                    "无法核对所引条款是否为主合同的违约责任条款（未提供主合同数据文件）", model.penalty_clause)]


def _check_period(model: NdaCompanyModel, derived: NdaCompanyDerived) -> list[Problem]:
    """Seed 004: the NDA's duty ends with the service term, the contract's survives it."""
    if model.contract is None or model.period.kind != "service_term":
        return []
    clause = facts(model).clauses["confidentiality"]
    return [warning("period.kind", "保密期限类型",
                    f"与主合同{clause.ref}（{clause.title}）相矛盾：主合同约定保密义务不因合同的终止而免除，"
                    "本协议却约定保密义务随服务期届满而终止", model.period.kind)]


def _check_signing_day(model: NdaCompanyModel, derived: NdaCompanyDerived) -> list[Problem]:
    return workday_warning("contract.signing.date" if model.contract else "main_contract.signing_date",
                           "签订日期", derived.signing_date, "签约日期")


__all__ = ["ConfidentialityPeriod", "NdaCompanyDerived", "NdaCompanyKind", "NdaCompanyModel", "return_text"]
