"""Projects: who owes which periodic documents, for which service period, and their faults.

A project is registered from a contract data file (the ``contract`` kind's YAML: 项目名称,
乙方 as the vendor, 甲方 as the client, the service period derived from its 服务期间表) or
from a small project file::

    code: JFLH                         # 项目代码: kept in the clear, so a code, never a name
    name: 北京市积分落户管理信息系统运行维护服务
    vendor: 北京示例信息技术有限公司      # 运维服务单位 (移交方)
    client: 北京市示例局                 # 甲方 (接收方), optional
    supervisor: 北京样本咨询有限公司      # 监理单位, optional: adds its line to the 移交清单
    service: {start: 2023-01-01, end: 2023-12-31}
    contract: contract.yaml            # optional instead of name/vendor/client/service
    duties:                            # optional; absent = the seed 003 附件4 defaults
      - 周报                            # a default by name
      - {name: 月报, due: 5}            # a default with its deadline changed
      - {name: 日常巡检及维护记录, category: "04", doc_type: 系统日监控单, cadence: workday, due: 1}

Duties are checked against the filing scheme (the category exists, the document type is one
of it, and a type with a reporting period has the duty's cadence). Faults (``fault add``) are
kept per project: the day each was cleared and the reference its report will carry.
Names and duties are sealed at rest (``handover_store``); code and dates are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence, Union

from pydantic import ValidationError, field_validator, model_validator

from docgen.errors import InvalidInput, Problem
from docgen.kinds.common import CnDate, DocModel, F, problems_from_validation

from .errors import ArchiveError
from .handover_duties import CADENCE_ALIASES, CADENCE_NAMES, DEFAULT_DUTIES, Duty, DueRule, Fault, default_duty
from .handover_store import HandoverStore
from .meta import PROJECT_PATTERN
from .scheme import Scheme, load_scheme

if TYPE_CHECKING:
    from .store import Archive


class UnknownProject(ArchiveError):
    """No project has this code."""

    exit_code = 2


class ProjectExists(ArchiveError):
    """A project with this code is already registered (use replace to update it)."""

    exit_code = 2


# ───────────────────────────── the edge: project files ─────────────────────────────


class DutyInput(DocModel):
    """One duty as written in a project file; missing fields come from the default of that name."""

    name: str = F("应交文件名称", min_length=1, max_length=40)
    category: str | None = F("类别代码", None, pattern=r"^\d{2}$")
    doc_type: str | None = F("文件类型", None, min_length=1, max_length=40)
    cadence: str | None = F("频次", None)
    due: Union[int, DueRule, None] = F("提交期限（工作日）", None)
    source: str | None = F("依据", None, max_length=500)

    @model_validator(mode="after")
    def _cadence_known(self) -> "DutyInput":
        if self.cadence is not None and self.cadence not in CADENCE_ALIASES:
            raise ValueError(f"频次 {self.cadence} 不可用；可用：{'、'.join(sorted(set(CADENCE_ALIASES)))}")
        return self


class ServiceInput(DocModel):
    start: CnDate = F("服务起日期")
    end: CnDate = F("服务止日期")


class ProjectInput(DocModel):
    """A project file, validated: every problem reported at once with its path and label."""

    code: str = F("项目代码")
    name: str | None = F("项目名称", None, min_length=2, max_length=200)
    vendor: str | None = F("运维服务单位", None, min_length=2, max_length=200)
    client: str | None = F("甲方", None, min_length=2, max_length=200)
    supervisor: str | None = F("监理单位", None, min_length=2, max_length=200)
    service: ServiceInput | None = F("服务期间", None)
    contract: str | None = F("合同数据文件", None)
    contract_ref: str | None = F("合同档号", None, max_length=60)
    duties: list[Union[str, DutyInput]] | None = F("应交文件", None)

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str) -> str:
        if not re.match(PROJECT_PATTERN, value):
            raise ValueError("项目代码只能用字母、数字、点、横线、下划线，字母或数字开头（代码以明文保存，不写名称）")
        return value


@dataclass(frozen=True)
class Project:
    """A registered project."""

    code: str
    name: str
    vendor: str
    service_start: date
    service_end: date
    duties: tuple[Duty, ...] = DEFAULT_DUTIES
    client: str | None = None
    supervisor: str | None = None
    contract_ref: str | None = None
    source: str | None = None  # the file it was registered from (its name only)
    created_at: str | None = None
    updated_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name, "vendor": self.vendor, "client": self.client,
            "supervisor": self.supervisor, "service_start": self.service_start, "service_end": self.service_end,
            "contract_ref": self.contract_ref, "source": self.source, "created_at": self.created_at,
            "updated_at": self.updated_at,
            "duties": [_duty_dict(d) for d in self.duties],
        }


def _duty_dict(duty: Duty) -> dict[str, Any]:
    return {"name": duty.name, "category": duty.category, "doc_type": duty.doc_type, "cadence": duty.cadence,
            "due": {"n": duty.due.n, "basis": duty.due.basis}, "rule": duty.describe(), "source": duty.source}


def _problem(path: str, label: str, message: str, value: Any = None) -> Problem:
    return Problem(path, label, message, None if value is None else str(value))


def _duty_from(item: str | DutyInput, index: int) -> tuple[Duty | None, list[Problem]]:
    path = f"duties[{index}]"
    name = item if isinstance(item, str) else item.name
    base = default_duty(name)
    given = {} if isinstance(item, str) else item.model_dump(exclude_none=True)
    if base is None and isinstance(item, str):
        names = "、".join(d.name for d in DEFAULT_DUTIES)
        return None, [_problem(path, "应交文件", f"不是默认的应交文件（{names}）；请写出 category、doc_type、cadence、due", name)]
    merged = {**(base.model_dump() if base else {}), **given}
    if base is not None and "due" in given and isinstance(given["due"], dict):
        merged["due"] = {**base.due.model_dump(), **given["due"]}
    missing = [f for f in ("category", "doc_type", "cadence", "due") if f not in merged]
    if missing:
        return None, [_problem(f"{path}.{f}", "应交文件", "必填（不是默认的应交文件时）") for f in missing]
    try:
        return Duty.model_validate(merged), []
    except ValidationError as error:
        return None, problems_from_validation(error, DutyInput, prefix=path)


def duty_problems(duties: Sequence[Duty], scheme: Scheme, indexes: Sequence[int] | None = None) -> list[Problem]:
    """What the filing scheme says is wrong with a project's duties (``indexes``: their places in the file)."""
    problems: list[Problem] = []
    names = [d.name for d in duties]
    for index, duty in zip(indexes or range(len(duties)), duties):
        path = f"duties[{index}]"
        if names.count(duty.name) > 1:
            problems.append(_problem(f"{path}.name", "应交文件名称", "重复", duty.name))
        category = scheme.category(duty.category)
        if category is None:
            problems.append(_problem(f"{path}.category", "类别代码", "不在文件分类方案中", duty.category))
            continue
        kind = category.doc_type(duty.doc_type)
        if kind is None:
            problems.append(_problem(f"{path}.doc_type", "文件类型",
                                     f"不是「{category.name}」的文件类型；可用：{'、'.join(t.name for t in category.doc_types)}",
                                     duty.doc_type))
        elif kind.period and duty.cadence != kind.period:
            wanted = CADENCE_NAMES[kind.period]
            problems.append(_problem(f"{path}.cadence", "频次",
                                     f"{duty.doc_type}在文件分类方案中{wanted}报告一次，频次应为{wanted}", duty.cadence))
    return problems


def _from_contract(path: Path) -> dict[str, Any]:
    """name, vendor, client and service period from a contract data file (validated by its kind)."""
    from docgen.render import check, load_yaml

    raw = load_yaml(path)
    result = check("contract", path)  # raises InvalidInput with every problem of the contract
    return {
        "name": raw["project_name"],
        "vendor": raw["party_b"]["name"],
        "client": raw["party_a"]["name"],
        "service": {"start": result.derived["service_start"], "end": result.derived["service_end"]},
    }


def is_contract_data(raw: Any) -> bool:
    """Whether a mapping looks like the contract kind's data (it has 项目名称 and 乙方)."""
    return isinstance(raw, dict) and "project_name" in raw and "party_b" in raw


def load_project_file(path: str | Path, code: str | None = None, scheme: Scheme | None = None) -> Project:
    """A project from a project file or a contract data file (then ``code`` is required).

    Raises ``InvalidInput`` listing every problem (field path and Chinese label).
    """
    from docgen.render import load_yaml

    path = Path(path)
    raw = load_yaml(path)
    if is_contract_data(raw):
        if not code:
            raise InvalidInput("从合同数据登记项目时须给出项目代码（--code）",
                               [_problem("code", "项目代码", "必填（合同数据中没有项目代码）")])
        raw = {"code": code, "contract": str(path)}
    elif not isinstance(raw, dict):
        raise InvalidInput(f"项目文件的顶层应为一组字段：{path}")
    elif code:
        raw = {**raw, "code": code}
    return project_from_data(raw, base_dir=path.parent, source=path.name, scheme=scheme)


def project_from_data(raw: dict[str, Any], *, base_dir: Path = Path("."), source: str | None = None,
                      scheme: Scheme | None = None) -> Project:
    """Validate a project mapping (see the module docstring) into a :class:`Project`."""
    try:
        given = ProjectInput.model_validate(raw)
    except ValidationError as error:
        raise InvalidInput("项目数据有误", problems_from_validation(error, ProjectInput)) from None
    fields: dict[str, Any] = {}
    if given.contract:
        contract = Path(given.contract)
        fields = _from_contract(contract if contract.is_absolute() else base_dir / contract)
    for name in ("name", "vendor", "client"):
        if getattr(given, name):
            fields[name] = getattr(given, name)
    if given.service:
        fields["service"] = {"start": given.service.start, "end": given.service.end}
    problems = [_problem(name, label, "必填（或给出 contract 合同数据文件）")
                for name, label in (("name", "项目名称"), ("vendor", "运维服务单位"), ("service", "服务期间"))
                if name not in fields]
    duties: list[Duty] = []
    places: list[int] = []
    for index, item in enumerate(given.duties if given.duties is not None else []):
        duty, found = _duty_from(item, index)
        problems.extend(found)
        if duty:
            duties.append(duty)
            places.append(index)
    final_duties = tuple(duties) if given.duties is not None else DEFAULT_DUTIES
    problems.extend(duty_problems(final_duties, scheme or load_scheme(), places if given.duties is not None else None))
    service = fields.get("service")
    if service and service["end"] < service["start"]:
        problems.append(_problem("service.end", "服务止日期", "早于服务起日期", service["end"]))
    if problems:
        raise InvalidInput("项目数据有误", problems)
    return Project(
        code=given.code, name=fields["name"], vendor=fields["vendor"], client=fields.get("client"),
        supervisor=given.supervisor, service_start=service["start"], service_end=service["end"],
        duties=final_duties, contract_ref=given.contract_ref, source=source,
    )


# ───────────────────────────── the register ─────────────────────────────


@dataclass
class FaultRecord:
    """A fault in the register, as listed."""

    id: int
    project: str
    cleared: date
    ref: str | None
    title: str | None
    added_at: str

    def as_fault(self) -> Fault:
        return Fault(self.id, self.cleared, self.ref, self.title)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "project": self.project, "cleared": self.cleared, "ref": self.ref,
                "title": self.title, "added_at": self.added_at}


@dataclass
class ProjectRegister:
    """Projects and their faults in an open archive."""

    arc: "Archive"
    store: HandoverStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = HandoverStore(self.arc)

    def add(self, project: Project, *, replace: bool = False) -> Project:
        """Register ``project`` (audited ``project.add`` / ``project.update``)."""
        from .audit import utc_now

        with self.store.write():
            existing = self.store.rows("projects", "code = ?", (project.code,))
            if existing and not replace:
                raise ProjectExists(f"项目 {project.code} 已登记；要更新请加 --replace")
            now = utc_now()
            created = existing[0]["created_at"] if existing else now
            clear = {"code": project.code, "service_start": project.service_start.isoformat(),
                     "service_end": project.service_end.isoformat(), "created_at": created, "updated_at": now}
            data = {k: v for k, v in project.to_dict().items() if k not in clear and k not in ("service_start", "service_end")}
            self.store.insert("projects", clear, data, replace=True)
            self.store.audit("project.update" if existing else "project.add",
                             {"project": project.code, "duties": [d.name for d in project.duties]})
        return self.get(project.code)

    def get(self, code: str) -> Project:
        rows = self.store.rows("projects", "code = ?", (code,))
        if not rows:
            raise UnknownProject(f"没有登记项目 {code}；先运行 docgen project add")
        return _project(rows[0])

    def list(self) -> list[Project]:
        return [_project(row) for row in self.store.rows("projects", order="code")]

    def add_fault(self, code: str, cleared: date, ref: str | None = None, title: str | None = None) -> FaultRecord:
        """Record a fault cleared on ``cleared`` (audited ``project.fault``); its report is then owed."""
        from .audit import utc_now

        project = self.get(code)
        problems = []
        if cleared > date.today():
            problems.append(_problem("cleared", "故障解除日期", "晚于今天", cleared))
        if ref is not None and not ref.strip():
            problems.append(_problem("ref", "故障编号", "不能为空"))
        if problems:
            raise InvalidInput("故障信息有误", problems)
        with self.store.write():
            if ref and any(f.ref == ref.strip() for f in self.faults(code)):
                raise InvalidInput("故障信息有误", [_problem("ref", "故障编号", "本项目已有此编号的故障", ref)])
            clear = {"id": None, "project": project.code, "cleared": cleared.isoformat(), "added_at": utc_now()}
            fault_id = self.store.insert("project_faults", clear, {"ref": ref and ref.strip(), "title": title})
            self.store.audit("project.fault", {"project": code, "fault": fault_id, "cleared": cleared.isoformat()})
        return next(f for f in self.faults(code) if f.id == fault_id)

    def faults(self, code: str) -> list[FaultRecord]:
        rows = self.store.rows("project_faults", "project = ?", (code,), order="cleared, id")
        return [FaultRecord(r["id"], r["project"], date.fromisoformat(r["cleared"]), r["data"].get("ref"),
                            r["data"].get("title"), r["added_at"]) for r in rows]


def _project(row: dict[str, Any]) -> Project:
    data = row["data"]
    duties = tuple(Duty.model_validate({k: v for k, v in d.items() if k != "rule"}) for d in data["duties"])
    return Project(
        code=row["code"], name=data["name"], vendor=data["vendor"], client=data.get("client"),
        supervisor=data.get("supervisor"), service_start=date.fromisoformat(row["service_start"]),
        service_end=date.fromisoformat(row["service_end"]), duties=duties, contract_ref=data.get("contract_ref"),
        source=data.get("source"), created_at=row["created_at"], updated_at=row["updated_at"],
    )

