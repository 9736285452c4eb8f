"""The filing scheme (文件分类方案): categories, document types, default 保管期限 and sensitivity.

The scheme is data (``archive/scheme.yaml``), validated on load with pydantic so a broken
file is reported with every problem at once. ``load_scheme()`` returns the shipped scheme;
other code asks it for a category, a document type or the defaults a document inherits.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from docgen.errors import Problem

from .errors import InvalidScheme

SCHEME_FILE = Path(__file__).with_name("scheme.yaml")

Retention = Literal["Y", "D30", "D10"]
Sensitivity = Literal["最小敏感性", "比较敏感", "非常敏感"]
PeriodKind = Literal["week", "month", "quarter", "half", "year"]

RETENTIONS: tuple[str, ...] = ("Y", "D30", "D10")
SENSITIVITIES: tuple[str, ...] = ("最小敏感性", "比较敏感", "非常敏感")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a rule comes from: a seed file, its line, and the verbatim words."""

    seed: str
    line: int = Field(gt=0)
    text: str = Field(min_length=2)


class DocType(_Strict):
    """A sub-type within a category (周报, 监理通知单 …), optionally overriding the defaults."""

    name: str = Field(min_length=1)
    retention: Retention | None = None
    sensitivity: Sensitivity | None = None
    period: PeriodKind | None = None  # the reporting period a periodic document covers
    source: Source | None = None


class Category(_Strict):
    """One filing category: its code, 机构（问题）代码 for the 档号, defaults and document types."""

    code: str = Field(pattern=r"^\d{2}$")
    name: str = Field(min_length=1)
    problem_code: str = Field(pattern=r"^[A-Z]{3}$")
    retention: Retention
    sensitivity: Sensitivity
    source: Source
    doc_types: tuple[DocType, ...] = ()

    @model_validator(mode="after")
    def _unique_doc_types(self) -> "Category":
        names = [t.name for t in self.doc_types]
        if len(names) != len(set(names)):
            raise ValueError(f"category {self.code}: duplicate document types")
        return self

    def doc_type(self, name: str) -> DocType | None:
        """The document type called ``name`` in this category, if any."""
        return next((t for t in self.doc_types if t.name == name), None)

    def defaults_for(self, doc_type: str | None) -> tuple[str, str]:
        """(retention, sensitivity) a document of ``doc_type`` in this category inherits."""
        kind = self.doc_type(doc_type) if doc_type else None
        retention = (kind.retention if kind else None) or self.retention
        sensitivity = (kind.sensitivity if kind else None) or self.sensitivity
        return retention, sensitivity


class RetentionRule(_Strict):
    name: str
    years: int | None = Field(default=None, gt=0)


class SensitivityLevel(_Strict):
    code: Sensitivity
    source: Source


class Scheme(_Strict):
    """The whole filing scheme."""

    version: Literal[1]
    archive_category: str = Field(pattern=r"^[A-Z]{2}$")  # 档案门类代码, e.g. WS
    archive_category_name: str
    retention: dict[Retention, RetentionRule]
    sensitivity: tuple[SensitivityLevel, ...]
    categories: tuple[Category, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> "Scheme":
        for attr in ("code", "problem_code", "name"):
            values = [getattr(c, attr) for c in self.categories]
            duplicates = sorted({v for v in values if values.count(v) > 1})
            if duplicates:
                raise ValueError(f"duplicate category {attr}: {', '.join(duplicates)}")
        if set(self.retention) != set(RETENTIONS):
            raise ValueError("retention must define exactly Y, D30 and D10")
        return self

    def category(self, code: str) -> Category | None:
        """The category with this two-digit code (or exact name), if any."""
        return next((c for c in self.categories if code in (c.code, c.name)), None)

    def by_problem_code(self, problem_code: str) -> Category | None:
        return next((c for c in self.categories if c.problem_code == problem_code), None)

    def retention_years(self, retention: str) -> int | None:
        """10 for D10, 30 for D30, None (forever) for Y."""
        return self.retention[retention].years  # type: ignore[index]


def scheme_problems(error: ValidationError, source: str) -> list[Problem]:
    """Every pydantic error of a scheme file as a :class:`Problem`."""
    return [
        Problem(".".join(str(p) for p in item["loc"]) or "scheme", "文件分类方案", item["msg"], None)
        for item in error.errors()
    ] or [Problem(source, "文件分类方案", str(error))]


def parse_scheme(text: str, source: str = "scheme.yaml") -> Scheme:
    """Validate the YAML ``text`` of a scheme; raises ``InvalidScheme`` listing every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidScheme(f"{source}: not valid YAML", [Problem(source, "文件分类方案", str(error))]) from None
    try:
        return Scheme.model_validate(data)
    except ValidationError as error:
        raise InvalidScheme(f"{source}: the filing scheme is invalid", scheme_problems(error, source)) from None


@functools.lru_cache(maxsize=None)
def load_scheme(path: Path = SCHEME_FILE) -> Scheme:
    """The filing scheme shipped with the archive (or the one at ``path``), validated."""
    return parse_scheme(Path(path).read_text(encoding="utf-8"), str(path))


_PERIOD_PATTERNS: dict[str, re.Pattern[str]] = {
    "month": re.compile(r"^(?P<year>\d{4})-(?P<n>\d{2})$"),
    "week": re.compile(r"^(?P<year>\d{4})-W(?P<n>\d{2})$"),
    "quarter": re.compile(r"^(?P<year>\d{4})Q(?P<n>[1-4])$"),
    "half": re.compile(r"^(?P<year>\d{4})-H(?P<n>[12])$"),
    "year": re.compile(r"^(?P<year>\d{4})$"),
}


def period_kind(period: str) -> PeriodKind | None:
    """Which kind of reporting period ``period`` names (``2024-03`` → month …), or None if malformed."""
    import datetime as dt

    for kind, pattern in _PERIOD_PATTERNS.items():
        match = pattern.match(period)
        if not match:
            continue
        year = int(match["year"])
        if not 1900 <= year <= 2999:
            return None
        if kind == "month" and not 1 <= int(match["n"]) <= 12:
            return None
        if kind == "week":
            weeks = dt.date(year, 12, 28).isocalendar().week  # 28 Dec is always in the last ISO week
            if not 1 <= int(match["n"]) <= weeks:
                return None
        return kind  # type: ignore[return-value]
    return None
