"""Documents that follow a main contract: load the contract a data file names, and the facts taken from it.

The NDAs, the 验收报告 and the 监理通知单 all concern one O&M contract. Their data file names the
contract's data file (``contract: ../contract/sample-002.yaml``, relative to the data file) and
takes the parties, project, title, signing date, service period and clause numbers from it, so
each fact has one source. A document about a contract that docgen did not generate gives the
few facts it needs inline instead (``main_contract:``), never both.

Loading is cached by path, size and modification time: a batch of 200 personal NDAs reads and
validates its contract once per process, not 400 times.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Callable, ClassVar

from pydantic import BaseModel, BeforeValidator, ValidationInfo, WithJsonSchema, field_validator

from docgen.errors import Problem, errors_of
from docgen.kinds.base import Annex, Clause, Kind, get_kind
from docgen.kinds.common import CnDate, DocModel, F, Party, PositiveMoney, validate
from docgen.kinds.contract import ContractDerived, ContractModel, StaffMember

CONTRACT_FIELD = "contract"
MISSING_FILE = "找不到主合同数据文件（contract 应为相对于本数据文件的路径）"


def _loaded(value: Any) -> Any:
    # Kind.resolve replaced a path that names a readable file by its contents; a string left
    # here is a path that does not (resolve made it absolute so the problem shows where it looked).
    if isinstance(value, str):
        raise ValueError(MISSING_FILE)
    return value


LinkedContract = Annotated[
    ContractModel, BeforeValidator(_loaded),
    WithJsonSchema({"type": "string", "title": "主合同数据文件",
                    "description": "主合同数据文件的路径，相对于本数据文件，例如 ../contract/sample-002.yaml"}),
]
"""The main contract, read from the data file the document names (``contract: PATH``)."""


class MainContract(DocModel):
    """The facts of a main contract that docgen did not generate (no contract data file)."""

    project_name: str = F("项目名称", min_length=2)
    title: str = F("合同名称", min_length=2)
    contract_no: str | None = F("合同编号", None)
    party_a: Party = F("甲方")
    party_b: Party = F("乙方")
    signing_date: CnDate = F("签订日期")
    service_start: CnDate | None = F("服务起日期", None)
    service_end: CnDate | None = F("服务止日期", None)
    total: PositiveMoney | None = F("合同总价", None)


# ───────────────────────────── loading ─────────────────────────────


@lru_cache(maxsize=32)
def _load_contract(path: str, mtime_ns: int, size: int) -> Any:
    """The contract data file's contents: a ``ContractModel`` when valid, else the raw mapping
    (so that validating the document reports the contract's problems under ``contract.``)."""
    from docgen.render import load_yaml  # render imports the kinds; import it late

    raw = load_yaml(path)
    model, _ = validate(ContractModel, raw)
    return model if model is not None else raw


def resolve_contract(raw: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """``raw`` with ``contract: PATH`` replaced by the contract it names (see ``Kind.resolve``)."""
    value = raw.get(CONTRACT_FIELD)
    if not isinstance(value, str):
        return raw
    path = (base_dir / value).resolve()
    if not path.is_file():
        return {**raw, CONTRACT_FIELD: str(path)}
    stat = os.stat(path)
    return {**raw, CONTRACT_FIELD: _load_contract(str(path), stat.st_mtime_ns, stat.st_size)}


NO_SOURCE = "缺少必填项：请用 contract 指向主合同数据文件，或用 main_contract 写明主合同的要素"


def require_source(value: Any, info: ValidationInfo) -> Any:
    """Field validator for ``contract`` (declared after ``main_contract``): one of the two is given.

    Skipped when ``main_contract`` itself failed validation (it is then missing from ``info.data``
    and has its own problem)."""
    if value is None and "main_contract" in info.data and info.data["main_contract"] is None:
        raise ValueError(NO_SOURCE)
    return value


def one_source_problems(model: Any, own: tuple[str, ...] = ()) -> list[Problem]:
    """Not both ``contract`` and ``main_contract``; fields the contract provides not typed again."""
    contract, main = getattr(model, "contract", None), getattr(model, "main_contract", None)
    problems = []
    if contract is not None and main is not None:
        problems.append(Problem("main_contract", "主合同要素",
                                "已用 contract 指定主合同数据文件，主合同要素取自该文件，请删去 main_contract"))
    for name in own:
        if contract is not None and getattr(model, name, None) is not None:
            label = type(model).model_fields[name].title or name
            problems.append(Problem(name, label, f"已用 contract 指定主合同数据文件，{label}取自主合同，请勿重复填写"))
    return problems


# ───────────────────────────── the base model and kind ─────────────────────────────


class FollowsContract(DocModel):
    """Base of the input models whose contract may be given either way: its data file
    (``contract``) or its facts inline (``main_contract``), exactly one of the two.

    The two fields come first in the model (and in ``docgen schema``); each kind declares only
    its own fields after them."""

    main_contract: MainContract | None = F("主合同要素", None)
    contract: LinkedContract | None = F("主合同数据文件", None)

    @field_validator("contract")
    @classmethod
    def _one_source(cls, value: Any, info: ValidationInfo) -> Any:
        return require_source(value, info)


CheckStep = Callable[[Any, Any], list[Problem]]
"""One named check of a kind: ``(model, derived) -> problems``."""


class LinkedKind(Kind):
    """A kind whose documents follow a main contract.

    ``resolve`` loads the contract the data file names; ``check`` reports a contract given twice
    (or a fact typed again, ``own_fields``) and the contract's own errors, then runs the kind's
    ``steps`` in order."""

    own_fields: ClassVar[tuple[str, ...]] = ()
    """Fields the document types only without a contract data file (e.g. ``penalty_clause``)."""

    def resolve(self, raw: dict[str, Any], base_dir: Path) -> dict[str, Any]:
        return resolve_contract(raw, base_dir)

    def steps(self) -> tuple[CheckStep, ...]:
        """The kind's own checks, in the order their problems are listed."""
        return ()

    def check(self, model: BaseModel, derived: BaseModel) -> list[Problem]:
        problems = one_source_problems(model, self.own_fields)
        problems += contract_errors(model)
        for step in self.steps():
            problems += step(model, derived)
        return problems


# ───────────────────────────── the facts documents print ─────────────────────────────


@dataclass(frozen=True)
class ContractFacts:
    """What a follow-up document takes from its main contract, whichever way it was given."""

    project_name: str
    title: str  # as printed on the contract (合 同 书)
    cited_title: str  # as another document cites it: 北京市积分落户管理信息系统运行维护服务合同书
    contract_no: str | None
    party_a: Party
    party_b: Party
    signing_date: date
    service_start: date | None
    service_end: date | None
    total: Decimal | None
    clauses: dict[str, Clause]
    annexes: dict[str, Annex]
    staff: list[StaffMember]
    derived: ContractDerived | None  # None without a contract data file
    model: ContractModel | None


GENERIC_TITLES = {"合同", "合同书", "协议", "协议书"}


def cited_title(title: str, project_name: str) -> str:
    """How other documents cite a contract: 合 同 书 → 《<project>合同书》's inner text."""
    compact = "".join(title.split())
    return f"{project_name}{compact}" if compact in GENERIC_TITLES else compact


def contract_derived(model: ContractModel) -> ContractDerived:
    return get_kind("contract").derive(model)  # type: ignore[return-value]


_MEMO: dict[int, tuple[ContractModel, Any]] = {}


def _memo(contract: ContractModel, what: str, compute):  # noqa: ANN001, ANN202
    """``compute()`` once per contract object (the loader hands out one object per file version)."""
    key = id(contract)
    entry = _MEMO.get(key)
    if entry is None or entry[0] is not contract:
        if len(_MEMO) >= 32:
            _MEMO.clear()
        entry = _MEMO[key] = (contract, {})
    values = entry[1]
    if what not in values:
        values[what] = compute()
    return values[what]


def facts(model: Any) -> ContractFacts:
    """The main contract's facts for a document model with ``contract`` or ``main_contract``."""
    contract: ContractModel | None = getattr(model, "contract", None)
    if contract is not None:
        return _memo(contract, "facts", lambda: _contract_facts(contract))
    main: MainContract = model.main_contract
    return ContractFacts(
        project_name=main.project_name, title=main.title, cited_title=cited_title(main.title, main.project_name),
        contract_no=main.contract_no, party_a=main.party_a, party_b=main.party_b, signing_date=main.signing_date,
        service_start=main.service_start, service_end=main.service_end, total=main.total, clauses={},
        annexes={}, staff=[], derived=None, model=None)


def _contract_facts(contract: ContractModel) -> ContractFacts:
    derived = contract_derived(contract)
    return ContractFacts(
        project_name=contract.project_name, title=contract.title,
        cited_title=cited_title(contract.title, contract.project_name), contract_no=contract.contract_no,
        party_a=contract.party_a, party_b=contract.party_b, signing_date=contract.signing.date,
        service_start=derived.service_start, service_end=derived.service_end, total=contract.money.total,
        clauses=derived.clause, annexes=derived.annex, staff=list(contract.staff),
        derived=derived, model=contract)


def contract_errors(model: Any) -> list[Problem]:
    """The main contract's own errors (sums, dates …), under ``contract.``; its warnings are its own."""
    contract: ContractModel | None = getattr(model, "contract", None)
    if contract is None:
        return []
    kind = get_kind("contract")
    found = _memo(contract, "problems", lambda: kind.check(contract, facts(model).derived))
    return [p.under("contract") for p in errors_of(found)]


# ───────────────────────────── small shared helpers ─────────────────────────────


class Signer(BaseModel):
    """A party as a signature block prints it."""

    name: str
    signatory: str


def signer(party: Party) -> Signer:
    return Signer(name=party.name, signatory=party.signatory)
