"""The search service: a query against the archive's index, turned into results people can read.

The engine only knows document ids, scores and the query's terms. This module validates the
request, asks the engine, then takes 档号, title, date and category from the archive's
catalog and makes a highlighted snippet from the document's decrypted text. Each search is
recorded in the archive's audit log (the query sealed with the other details).

``docgen search`` and ``docgen index rebuild`` call :func:`search` and :func:`rebuild`; the
library never imports click.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from docgen.cn import mask_id_numbers
from docgen.errors import InvalidInput, Problem

from .api import Filters, SearchEngine
from .errors import SearchError
from .query import parse, positive_terms
from .snippets import make_snippet

if TYPE_CHECKING:
    from archive.store import Archive

MAX_LIMIT = 200

LABELS = {
    "query": "检索式",
    "category": "门类",
    "project": "项目",
    "year": "年度",
    "date_from": "起始日期",
    "date_to": "截止日期",
    "sensitivity": "敏感级别",
    "retention": "保管期限",
    "limit": "每页条数",
    "offset": "跳过条数",
    "page": "页码",
}


class IndexUnavailable(SearchError):
    """The archive's search index could not be opened."""


class SearchRequest(BaseModel):
    """What a search asks for, validated at the edge (every problem reported at once)."""

    model_config = ConfigDict(extra="forbid", strict=False)

    query: str = Field(default="", max_length=1000)
    category: str | None = None
    project: str | None = Field(default=None, max_length=100)
    year: int | None = Field(default=None, ge=1900, le=2200)
    date_from: date | None = None
    date_to: date | None = None
    sensitivity: Literal["最小敏感性", "比较敏感", "非常敏感"] | None = None
    retention: Literal["Y", "D30", "D10"] | None = None
    limit: int = Field(default=10, ge=1, le=MAX_LIMIT)
    offset: int = Field(default=0, ge=0)
    page: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _dates_in_order(self) -> "SearchRequest":
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("起始日期晚于截止日期")
        return self

    @property
    def start(self) -> int:
        """The first result to show: ``page`` wins over ``offset`` when both are given."""
        return (self.page - 1) * self.limit if self.page else self.offset

    def filters(self) -> Filters:
        return Filters(
            category=self.category, project=self.project, year=self.year, date_from=self.date_from,
            date_to=self.date_to, sensitivity=self.sensitivity, retention=self.retention,
        )


@dataclass(frozen=True)
class SearchResult:
    """One document found: where it is filed, what it is, why it matched."""

    ref: str  # 档号
    doc_id: str
    title: str | None
    date: date
    category: str
    category_name: str
    project: str | None
    sensitivity: str
    score: float
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class SearchResults:
    """A page of results; ``total`` counts every match, ``results`` holds this page."""

    query: str
    total: int
    offset: int
    limit: int
    results: list[SearchResult]
    terms: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def validate_request(values: dict[str, Any]) -> SearchRequest:
    """A :class:`SearchRequest`, or :class:`InvalidInput` listing every problem with its Chinese label."""
    try:
        return SearchRequest(**values)
    except ValidationError as error:
        raise InvalidInput("检索条件有误", [_problem(e, values) for e in error.errors()]) from None


def _problem(error: dict, values: dict[str, Any]) -> Problem:
    name = str(error["loc"][0]) if error["loc"] else "date_from"
    value = values.get(name)
    return Problem(name, LABELS.get(name, name), _chinese(error), None if value is None else str(value))


def _chinese(error: dict) -> str:
    """Pydantic's complaint in the words a Chinese user expects."""
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "greater_than_equal":
        return f"应不小于 {ctx['ge']}"
    if kind == "less_than_equal":
        return f"应不大于 {ctx['le']}"
    if kind == "literal_error":
        return "应为 " + ctx["expected"].replace("'", "").replace(" or ", ", ").replace(", ", " / ")
    if kind == "string_too_long":
        return f"过长（最多 {ctx['max_length']} 个字符）"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "应为整数"
    if kind.startswith("date"):
        return "应为日期 YYYY-MM-DD"
    if kind == "extra_forbidden":
        return "不是可用的检索条件"
    return str(error["msg"]).removeprefix("Value error, ")


def search(archive: "Archive", request: SearchRequest | dict[str, Any]) -> SearchResults:
    """Run ``request`` against the archive's index; snippets come from each document's decrypted text."""
    if not isinstance(request, SearchRequest):
        request = validate_request(request)
    request = _resolve_category(archive, request)
    engine = _engine(archive)
    hits = engine.search(request.query, request.filters(), limit=request.limit, offset=request.start)
    results: list[SearchResult] = []
    stale = 0
    for hit in hits.hits:
        result = _result(archive, hit)
        if result is None:
            stale += 1
        else:
            results.append(result)
    warnings = _warnings(archive, stale)
    terms = positive_terms(parse(request.query))
    archive.audit("search", {"query": request.query, "filters": _filter_detail(request), "total": hits.total,
                             "shown": [r.ref for r in results]})
    return SearchResults(request.query, hits.total, request.start, request.limit, results, terms, warnings)


def rebuild(archive: "Archive", progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the index from every current document of the archive; returns how many it holds.

    An index that no longer opens (tampered, damaged, sealed under another key) is derived
    data: it is wiped and started afresh, then filled from the archive.
    """
    if archive.search_engine() is None:
        from .engine import wipe_index

        wipe_index(archive.home.index)
        archive.reopen_search_engine()
    return archive.rebuild_index(progress)


def _engine(archive: "Archive") -> SearchEngine:
    engine = archive.search_engine()
    if engine is None:
        reason = archive.engine_error or "未知原因"
        raise IndexUnavailable(f"搜索索引无法打开（{reason}）；运行 docgen index rebuild 重建")
    return engine


def _resolve_category(archive: "Archive", request: SearchRequest) -> SearchRequest:
    """Accept a category by code (07) or name (故障总结报告); reject one the filing scheme lacks."""
    if request.category is None:
        return request
    category = archive.scheme.category(request.category)
    if category is None:
        raise InvalidInput("检索条件有误", [Problem("category", LABELS["category"], "分类方案中没有这个门类", request.category)])
    return request.model_copy(update={"category": category.code})


def _result(archive: "Archive", hit) -> SearchResult | None:
    from archive.errors import ArchiveError

    try:
        entry = archive.entry(hit.doc_id)
    except ArchiveError:
        return None
    if entry.status != "current":
        return None  # the index has not caught up with a destroy or supersede yet
    snippet = make_snippet(mask_id_numbers(archive.read_text(hit.doc_id)), hit.terms)
    return SearchResult(
        ref=entry.ref, doc_id=entry.doc_id, title=entry.title, date=entry.date, category=entry.category,
        category_name=entry.category_name, project=entry.project, sensitivity=entry.sensitivity,
        score=round(hit.score, 4), snippet=snippet.text, highlights=list(snippet.highlights),
    )


def _warnings(archive: "Archive", stale: int) -> list[str]:
    warnings = []
    if stale:
        warnings.append(f"索引中有 {stale} 条已销毁或已被替代的记录；运行 docgen index rebuild 更新索引")
    pending = archive.unindexed_count()
    if pending:
        warnings.append(f"有 {pending} 份文件尚未进入索引；运行 docgen index rebuild 更新索引")
    return warnings


def _filter_detail(request: SearchRequest) -> dict[str, Any]:
    return {k: str(v) for k, v in asdict(request.filters()).items() if v is not None}
