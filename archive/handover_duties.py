"""Reporting duties and their deadlines on the Chinese working-day calendar (pure functions).

A *duty* is a periodic document a project owes (周报, 月报, 季报 …): its filing category and
document type, its cadence and its deadline rule. The defaults are seed 003 附件4 文档及时性:

    "周报为每周 1 个工作日内提交，月报为每月第一周 3 个工作日内提交，季报、半年报为每季度或
     每半年第一周 5 个工作日内提交；故障报告或事件记录报告为故障解除完成后 3 个工作日内提交"

Rules this module fixes (and the README repeats):

* **Deadline.** "Within N working days" is counted on the State Council calendar (调休 included,
  ``docgen.cn.add_working_days``) from the day after the period ends: the due date is the N-th
  working day after the period's last day. "月报…每月第一周 3 个工作日内" is read as "by the 3rd
  working day of the next month": the September 2023 月报 is due 2023-10-09, because
  2023-09-29…10-06 are 中秋/国庆 and 10-07, 10-08 are 调休 working days. The 周报 for the week
  before 春节 (2024-W06, 2-05…2-11) is due 2024-02-18, the 调休 Sunday after the holiday.
  A fault report is due N working days after the day the fault was cleared; a daily record
  (cadence ``workday``) N working days after its day. ``basis: calendar`` counts calendar
  days instead; a calendar deadline that falls on a rest day moves to the next working day.
* **Weeks.** Weeks are ISO weeks (Monday–Sunday, ``YYYY-Www``, the archive's period format).
  A week belongs to the month that holds its Thursday, i.e. most of its days: the ISO rule
  that gives a week its year, so a week is never in two monthly packages and the quarterly
  and yearly totals are exactly the sums of their months. A week is owed only if it has at
  least one working day inside the service period.
* **What a package owes.** A monthly package owes the month's daily, weekly (by the rule
  above), monthly and fault duties; a quarterly package owes those of its three months plus
  the quarterly duties, the half-yearly ones when the quarter closes a half (Q2, Q4) and the
  yearly ones in Q4. A period is owed when it overlaps the project's service period.
* **Faults** come from the project's fault register (``docgen project fault add``): each
  fault cleared inside the package period owes one report.
"""

from __future__ import annotations

import calendar as _stdcal
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from docgen import cn

Cadence = Literal["workday", "week", "month", "quarter", "half", "year", "fault"]
PackageKind = Literal["month", "quarter"]

CADENCE_ALIASES: dict[str, Cadence] = {
    "workday": "workday", "daily": "workday", "daily-working-day": "workday", "每工作日": "workday", "每日": "workday",
    "week": "week", "weekly": "week", "每周": "week",
    "month": "month", "monthly": "month", "每月": "month",
    "quarter": "quarter", "quarterly": "quarter", "每季度": "quarter",
    "half": "half", "half-yearly": "half", "每半年": "half",
    "year": "year", "yearly": "year", "每年": "year",
    "fault": "fault", "per-fault": "fault", "每次故障": "fault",
}
CADENCE_NAMES: dict[Cadence, str] = {
    "workday": "每工作日", "week": "每周", "month": "每月", "quarter": "每季度",
    "half": "每半年", "year": "每年", "fault": "每次故障",
}

DEDUCTION_PER_ITEM = Decimal("0.5")
"""Seed 003 附件4 文档管理: "不完整每缺失一项扣 0.5 分", "不及时每次扣 0.5 分"."""

SEED_003_TIMELINESS = (
    "周报为每周 1 个工作日内提交，月报为每月第一周 3 个工作日内提交，季报、半年报为每季度或每半年第一周"
    " 5 个工作日内提交；故障报告或事件记录报告为故障解除完成后 3 个工作日内提交"
)


class DueRule(BaseModel):
    """The deadline: ``n`` working (or calendar) days after the period ends or the fault is cleared."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n: int = Field(ge=0, le=60)
    basis: Literal["working", "calendar"] = "working"

    def due(self, after: date) -> date:
        """The due date for a period ending (or a fault cleared) on ``after``."""
        if self.basis == "working":
            return cn.add_working_days(after, self.n)
        return cn.add_working_days(after + timedelta(days=self.n), 0)

    def text(self) -> str:
        unit = "个工作日" if self.basis == "working" else "日"
        return f"{self.n} {unit}内"


class Duty(BaseModel):
    """One periodic document a project owes."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=40)  # what the contract calls it: 周报, 服务周报 …
    category: str = Field(pattern=r"^\d{2}$")  # filing-scheme category code
    doc_type: str = Field(min_length=1, max_length=40)  # the scheme's document type it is filed as
    cadence: Cadence
    due: DueRule
    source: str | None = Field(default=None, max_length=500)  # the contract words it comes from

    @field_validator("cadence", mode="before")
    @classmethod
    def _cadence_alias(cls, value: Any) -> Any:
        return CADENCE_ALIASES.get(str(value).strip(), value) if isinstance(value, str) else value

    @field_validator("due", mode="before")
    @classmethod
    def _due_shorthand(cls, value: Any) -> Any:
        """``due: 3`` means 3 working days; ``due: {n: 10, basis: calendar}`` spells it out."""
        return {"n": value} if isinstance(value, int) and not isinstance(value, bool) else value

    def describe(self) -> str:
        """E.g. 每周，周期结束后 1 个工作日内提交."""
        anchor = "故障解除后" if self.cadence == "fault" else ("当日后" if self.cadence == "workday" else "周期结束后")
        return f"{CADENCE_NAMES[self.cadence]}，{anchor} {self.due.text()}提交"


def _duty(name: str, category: str, doc_type: str, cadence: Cadence, n: int) -> Duty:
    return Duty(name=name, category=category, doc_type=doc_type, cadence=cadence, due=DueRule(n=n),
                source=f"seed 003 附件4 文档及时性：{SEED_003_TIMELINESS}")


DEFAULT_DUTIES: tuple[Duty, ...] = (
    _duty("周报", "07", "周报", "week", 1),
    _duty("月报", "07", "月报", "month", 3),
    _duty("季报", "07", "季报", "quarter", 5),
    _duty("半年报", "07", "半年报", "half", 5),
    _duty("故障报告", "06", "故障报告", "fault", 3),
)
"""What a project owes when its data names no duties (seed 003 附件4)."""


def default_duty(name: str) -> Duty | None:
    """The default duty called ``name`` (周报, 月报 …), if any."""
    return next((d for d in DEFAULT_DUTIES if d.name == name), None)


# ───────────────────────────── periods ─────────────────────────────


@dataclass(frozen=True)
class Period:
    """A reporting period: its kind, the archive's key for it (``2024-W06``), first and last day."""

    kind: str  # workday / week / month / quarter / half / year
    key: str
    start: date
    end: date

    @property
    def label(self) -> str:
        """Chinese label: 2024年第6周（2月5日—2月11日）, 2023年9月, 2024年第1季度 …"""
        s, e = self.start, self.end
        if self.kind == "workday":
            return cn.fmt_date(s)
        if self.kind == "week":
            return f"{_iso_year(s)}年第{_iso_week(s)}周（{s.month}月{s.day}日—{e.month}月{e.day}日）"
        if self.kind == "month":
            return f"{s.year}年{s.month}月"
        if self.kind == "quarter":
            return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
        if self.kind == "half":
            return f"{s.year}年{'上' if s.month == 1 else '下'}半年"
        return f"{s.year}年"

    @property
    def short_label(self) -> str:
        """A narrow-column label: 第6周（2.5—2.11）for weeks, else :attr:`label`."""
        if self.kind == "week":
            s, e = self.start, self.end
            return f"第{_iso_week(s)}周（{s.month}.{s.day}—{e.month}.{e.day}）"
        if self.kind == "workday":
            return f"{self.start.month}月{self.start.day}日"
        return self.label

    def overlaps(self, start: date | None, end: date | None) -> bool:
        return (start is None or self.end >= start) and (end is None or self.start <= end)


def _iso_year(d: date) -> int:
    return d.isocalendar().year


def _iso_week(d: date) -> int:
    return d.isocalendar().week


def day_period(d: date) -> Period:
    return Period("workday", d.isoformat(), d, d)


def week_period(year: int, week: int) -> Period:
    monday = date.fromisocalendar(year, week, 1)
    return Period("week", f"{year}-W{week:02d}", monday, monday + timedelta(days=6))


def month_period(year: int, month: int) -> Period:
    last = _stdcal.monthrange(year, month)[1]
    return Period("month", f"{year}-{month:02d}", date(year, month, 1), date(year, month, last))


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period("quarter", f"{year}Q{quarter}", date(year, first, 1), month_period(year, first + 2).end)


def half_period(year: int, half: int) -> Period:
    return Period("half", f"{year}-H{half}", date(year, 1 if half == 1 else 7, 1),
                  date(year, 6, 30) if half == 1 else date(year, 12, 31))


def year_period(year: int) -> Period:
    return Period("year", str(year), date(year, 1, 1), date(year, 12, 31))


_KEY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("workday", re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
    ("week", re.compile(r"^(\d{4})-W(\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})Q([1-4])$")),
    ("half", re.compile(r"^(\d{4})-H([12])$")),
    ("year", re.compile(r"^(\d{4})$")),
)


def parse_period(key: str) -> Period | None:
    """The period a key names (``2024-02``, ``2024-W06``, ``2024Q1``, ``2024-H1``, ``2024``), or None."""
    for kind, pattern in _KEY_PATTERNS:
        match = pattern.match(key or "")
        if not match:
            continue
        numbers = [int(g) for g in match.groups()]
        try:
            return {
                "workday": lambda: day_period(date(*numbers)),
                "month": lambda: month_period(*numbers),
                "week": lambda: week_period(*numbers),
                "quarter": lambda: quarter_period(*numbers),
                "half": lambda: half_period(*numbers),
                "year": lambda: year_period(*numbers),
            }[kind]()
        except ValueError:
            return None
    return None


def week_month(week: Period) -> tuple[int, int]:
    """(year, month) a week belongs to: the month of its Thursday."""
    thursday = week.start + timedelta(days=3)
    return thursday.year, thursday.month


def anchor_date(period: Period) -> date:
    """The day that decides which package a period falls in: a week's Thursday, else its last day."""
    return period.start + timedelta(days=3) if period.kind == "week" else period.end


def weeks_of_month(year: int, month: int) -> list[Period]:
    """The ISO weeks whose Thursday lies in the month (four or five of them)."""
    first = date(year, month, 1)
    thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    weeks = []
    while thursday.month == month:
        iso = thursday.isocalendar()
        weeks.append(week_period(iso.year, iso.week))
        thursday += timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class PackagePeriod:
    """What a handover package covers: one month or one quarter."""

    kind: PackageKind
    key: str  # 2023-09 or 2024Q1
    start: date
    end: date

    @property
    def months(self) -> list[Period]:
        first = self.start.month
        count = 1 if self.kind == "month" else 3
        return [month_period(self.start.year, m) for m in range(first, first + count)]

    @property
    def label(self) -> str:
        return month_period(self.start.year, self.start.month).label if self.kind == "month" else \
            quarter_period(self.start.year, (self.start.month - 1) // 3 + 1).label

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def package_period(month: str | None = None, quarter: str | None = None) -> PackagePeriod:
    """The package period from ``--month YYYY-MM`` or ``--quarter YYYYQn`` (exactly one).

    Raises ``ValueError`` with a Chinese message for anything else.
    """
    if (month is None) == (quarter is None):
        raise ValueError("请给出 --month YYYY-MM 或 --quarter YYYYQn 之一")
    if month is not None:
        period = parse_period(month.strip())
        if period is None or period.kind != "month":
            raise ValueError(f"月份格式应为 YYYY-MM；现值：{month}")
        return PackagePeriod("month", period.key, period.start, period.end)
    period = parse_period(quarter.strip().upper())  # type: ignore[union-attr]
    if period is None or period.kind != "quarter":
        raise ValueError(f"季度格式应为 YYYYQn（n 为 1–4）；现值：{quarter}")
    return PackagePeriod("quarter", period.key, period.start, period.end)


# ───────────────────────────── what is owed ─────────────────────────────


@dataclass(frozen=True)
class Fault:
    """A fault from the project's register: when it was cleared, and the reference its report carries."""

    id: int
    cleared: date
    ref: str | None = None  # 工单号 / 故障编号; a report whose 文号 or 题名 carries it is its report
    title: str | None = None


@dataclass(frozen=True)
class Expected:
    """One document a package owes: the duty, the period (or fault) it covers, and its due date."""

    duty: Duty
    due: date
    period: Period | None = None
    fault: Fault | None = None

    @property
    def label(self) -> str:
        if self.fault is not None:
            ref = f" {self.fault.ref}" if self.fault.ref else ""
            return f"故障{ref}（{self.fault.cleared.month}月{self.fault.cleared.day}日解除）"
        return self.period.label if self.period else ""

    @property
    def short_label(self) -> str:
        if self.fault is not None:
            return self.label
        return self.period.short_label if self.period else ""

    @property
    def key(self) -> str:
        """A stable key for the item: ``周报/2024-W06`` or ``故障报告/fault-3``."""
        return f"{self.duty.name}/{'fault-' + str(self.fault.id) if self.fault else self.period.key}"  # type: ignore[union-attr]


def _owed_periods(cadence: Cadence, package: PackagePeriod) -> list[Period]:
    """The periods of one cadence a package owes (service period not yet applied)."""
    if cadence == "workday":
        return [day_period(d) for d in cn.workdays_in_range(package.start, package.end)]
    if cadence == "week":
        return [w for m in package.months for w in weeks_of_month(m.start.year, m.start.month)]
    if cadence == "month":
        return package.months
    if package.kind != "quarter":
        return []
    year, quarter = package.start.year, (package.start.month - 1) // 3 + 1
    if cadence == "quarter":
        return [quarter_period(year, quarter)]
    if cadence == "half" and quarter in (2, 4):
        return [half_period(year, quarter // 2)]
    if cadence == "year" and quarter == 4:
        return [year_period(year)]
    return []


def _has_workday_within(period: Period, start: date | None, end: date | None) -> bool:
    first = max(period.start, start) if start else period.start
    last = min(period.end, end) if end else period.end
    return cn.working_days_between(first, last) > 0


def expected_items(
    duties: Iterable[Duty],
    package: PackagePeriod,
    service_start: date | None = None,
    service_end: date | None = None,
    faults: Iterable[Fault] = (),
) -> list[Expected]:
    """Every document the package owes, in duty order then period order."""
    faults = sorted(faults, key=lambda f: (f.cleared, f.id))
    items: list[Expected] = []
    for duty in duties:
        if duty.cadence == "fault":
            items.extend(Expected(duty, duty.due.due(f.cleared), fault=f) for f in faults if package.contains(f.cleared))
            continue
        for period in _owed_periods(duty.cadence, package):
            if not period.overlaps(service_start, service_end):
                continue
            if duty.cadence in ("workday", "week") and not _has_workday_within(period, service_start, service_end):
                continue
            items.append(Expected(duty, duty.due.due(period.end), period=period))
    return items
