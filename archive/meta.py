"""Document metadata at the edge: ``DocMeta`` and ``ListQuery``, validated with pydantic.

Every problem is collected and reported at once, each with its field path and Chinese label
(``InvalidMeta``). Checks that need the filing scheme (category, document type, period kind)
live in :func:`check_against_scheme`, so the pipeline's validate and classify stages stay apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from docgen.errors import Problem

from .errors import InvalidMeta
from .scheme import PeriodKind, Retention, Scheme, Sensitivity, period_kind

LABELS: dict[str, str] = {
    "category": "类别",
    "title": "题名",
    "date": "文件日期",
    "received": "收文日期",
    "project": "项目代码",
    "period": "报告期",
    "doc_type": "文件类型",
    "doc_no": "文号",
    "responsible": "责任者",
    "sensitivity": "敏感性",
    "retention": "保管期限",
    "notes": "备注",
    "parties": "相关方",
    "pages": "页数",
    "status": "状态",
    "year": "年度",
    "date_from": "文件日期起",
    "date_to": "文件日期止",
    "received_from": "收文日期起",
    "received_to": "收文日期止",
    "limit": "条数",
    "offset": "起始位置",
    "on_hold": "冻结",
}

PERIOD_NAMES: dict[str, str] = {
    "week": "周（YYYY-Www）",
    "month": "月（YYYY-MM）",
    "quarter": "季度（YYYYQn）",
    "half": "半年（YYYY-Hn）",
    "year": "年（YYYY）",
}

# Project codes sit in the clear in the catalog, so they are codes, never names.
PROJECT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class _Edge(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class DocMeta(_Edge):
    """What a person says about a document when archiving it. Free text here is stored encrypted."""

    category: str = Field(min_length=1, max_length=40)
    title: str | None = Field(default=None, min_length=1, max_length=500)
    date: dt.date | None = None  # 文件日期; decides the 年度 of the 档号 (default: today)
    received: dt.date | None = None  # 收文/提交日期 (default: today); handover compares it with due dates
    project: str | None = Field(default=None, pattern=PROJECT_PATTERN)
    period: str | None = None  # YYYY-MM, YYYY-Www, YYYYQn, YYYY-Hn or YYYY
    doc_type: str | None = Field(default=None, min_length=1, max_length=40)
    doc_no: str | None = Field(default=None, max_length=200)
    responsible: str | None = Field(default=None, max_length=200)
    sensitivity: Sensitivity | None = None
    retention: Retention | None = None
    notes: str | None = Field(default=None, max_length=4000)
    parties: tuple[str, ...] = ()
    pages: int | None = Field(default=None, gt=0)

    @field_validator("period")
    @classmethod
    def _period_shape(cls, value: str | None) -> str | None:
        if value is not None and period_kind(value) is None:
            raise ValueError("period")
        return value

    @field_validator("parties")
    @classmethod
    def _clean_parties(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.strip() for p in value if p and p.strip()))


class ListQuery(_Edge):
    """Filters for :meth:`archive.Archive.list`; ``None`` means no restriction."""

    category: str | None = None
    doc_type: str | None = None
    project: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2999)
    period: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    sensitivity: Sensitivity | None = None
    retention: Retention | None = None
    status: Literal["current", "superseded", "destroyed", "all"] = "current"
    on_hold: bool | None = None
    limit: int | None = Field(default=None, gt=0)
    offset: int = Field(default=0, ge=0)


_MESSAGES: dict[str, str] = {
    "missing": "必填",
    "extra_forbidden": "不是可用的字段",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期，不带时间",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "greater_than": "应大于 0",
    "greater_than_equal": "超出范围",
    "less_than_equal": "超出范围",
    "string_type": "应为文字",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "tuple_type": "应为列表",
    "bool_parsing": "应为是/否",
}


def _problem(item: dict[str, Any]) -> Problem:
    loc = [str(p) for p in item["loc"]]
    field = loc[0] if loc else ""
    if item["type"] == "value_error" and field == "period":
        message = "格式应为 YYYY-MM、YYYY-Www、YYYYQn、YYYY-Hn 或 YYYY，且为有效的月、周、季、半年"
    elif item["type"] == "string_pattern_mismatch" and field == "project":
        message = "项目代码只能用字母、数字、点、横线、下划线（代码以明文保存，不写名称）"
    elif item["type"] == "literal_error":
        message = "应为以下之一：" + str(item.get("ctx", {}).get("expected", ""))
    else:
        message = _MESSAGES.get(item["type"], item["msg"])
    value = item.get("input")
    shown = None if item["type"] == "missing" or isinstance(value, dict) else str(value)
    return Problem(".".join(loc) or "meta", LABELS.get(field, field), message, shown)


def problems_of(error: ValidationError, prefix: str = "") -> list[Problem]:
    """Every pydantic error as a :class:`Problem` with a Chinese label."""
    problems = [_problem(item) for item in error.errors()]
    if prefix:
        problems = [Problem(f"{prefix}{p.path}", p.label, p.message, p.value, p.severity) for p in problems]
    return problems


def parse_query(data: ListQuery | dict[str, Any] | None) -> ListQuery:
    """A validated ``ListQuery``; raises ``InvalidMeta`` with every problem."""
    if data is None:
        return ListQuery()
    if isinstance(data, ListQuery):
        return data
    try:
        return ListQuery.model_validate(data)
    except ValidationError as error:
        raise InvalidMeta("查询条件有误", problems_of(error)) from None


def validate_meta(data: DocMeta | dict[str, Any], scheme: Scheme) -> tuple[DocMeta, list[Problem]]:
    """Validate ``data`` against the model and the filing scheme together.

    Returns the metadata and its warnings; raises ``InvalidMeta`` with every error of both
    kinds at once (a bad date does not hide an unknown category).
    """
    meta: DocMeta | None = None
    problems: list[Problem] = []
    if isinstance(data, DocMeta):
        meta = data
    else:
        try:
            meta = DocMeta.model_validate(data)
        except ValidationError as error:
            problems.extend(problems_of(error))
    raw = meta.model_dump() if meta else (data if isinstance(data, dict) else {})
    failed = {p.path.split(".")[0] for p in problems}
    problems.extend(
        p
        for p in check_against_scheme(raw, scheme)
        if p.path not in failed  # a field already reported once is not reported twice
    )
    errors = [p for p in problems if p.severity == "error"]
    if errors or meta is None:
        raise InvalidMeta("文件信息有误", problems)
    return meta, [p for p in problems if p.severity == "warning"]


def check_against_scheme(meta: dict[str, Any], scheme: Scheme) -> list[Problem]:
    """What the filing scheme says is wrong (errors) or doubtful (warnings) about ``meta``."""
    category_code, doc_type, period = meta.get("category"), meta.get("doc_type"), meta.get("period")
    if not isinstance(category_code, str) or not category_code:
        return []  # reported by the model
    category = scheme.category(category_code)
    if category is None:
        codes = "、".join(f"{c.code} {c.name}" for c in scheme.categories)
        return [Problem("category", LABELS["category"], f"不在文件分类方案中；可用：{codes}", category_code)]
    problems: list[Problem] = []
    kind = category.doc_type(doc_type) if isinstance(doc_type, str) else None
    if isinstance(doc_type, str) and doc_type and kind is None:
        names = "、".join(t.name for t in category.doc_types)
        problems.append(
            Problem("doc_type", LABELS["doc_type"], f"不是「{category.name}」的文件类型；可用：{names}", doc_type)
        )
    if kind and kind.period and (period is None or isinstance(period, str)):
        problems.extend(_period_problems(period, kind.period, kind.name))
    when, received = meta.get("date"), meta.get("received")
    if isinstance(when, dt.date) and isinstance(received, dt.date) and received < when:
        problems.append(Problem("received", LABELS["received"], "早于文件日期", received.isoformat(), "warning"))
    return problems


def _period_problems(period: str | None, expected: PeriodKind, type_name: str) -> list[Problem]:
    if period is None:
        return [Problem("period", LABELS["period"], f"{type_name}应注明报告期（{PERIOD_NAMES[expected]}）", severity="warning")]
    if period_kind(period) != expected:
        return [Problem("period", LABELS["period"], f"{type_name}的报告期应为{PERIOD_NAMES[expected]}", period)]
    return []
