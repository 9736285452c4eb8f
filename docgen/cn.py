"""Chinese conventions that docgen derives and checks. Nothing here is typed by hand in a document.

* Money: ``to_money`` / ``round_fen`` / ``fmt_cny`` / ``wan`` and ``rmb_upper``, the capital
  words of the People's Bank 《支付结算办法》 附件《正确填写票据和结算凭证的基本规定》.
  Floats are refused everywhere: a YAML ``1038000.00`` without quotes is a float.
* Working days on the State Council holiday schedule (``chinese_calendar``), with an
  override file for years the package does not cover yet (a ``CalendarWarning``, never a crash).
* Check digits: resident ID numbers (GB 11643-1999) and unified social credit codes
  (GB 32100-2015, with the embedded organisation code of GB 11714-1997).
* Dates in the seed contracts' styles, Chinese numerals for copy counts and clause numbers,
  and service periods counted in months.

Library code: no click, no I/O beyond reading the override files.
"""

from __future__ import annotations

import calendar as _stdcal
import functools
import os
import re
import sys
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Sequence, get_args

import chinese_calendar
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from docgen.errors import InvalidInput, Problem

__all__ = [
    # money
    "FloatMoneyError", "Money", "to_money", "round_fen", "rmb_upper", "fmt_cny", "wan", "fmt_pct",
    # working days
    "CalendarWarning", "DayInfo", "WorkCalendar", "OVERRIDES_ENV", "default_calendar",
    "reload_calendar", "is_workday", "is_holiday", "holiday_name", "day_info",
    "add_working_days", "next_workday", "working_days_between", "workdays_in_range",
    # identity codes
    "check_id_number", "id_number_problem", "id_check_char", "id_gender", "id_birth_date",
    "check_uscc", "uscc_problem", "uscc_check_char", "org_code_check_char",
    # dates, numerals, periods
    "DateStyle", "DATE_STYLES", "fmt_date", "CountStyle", "cn_count", "cn_ordinal",
    "cn_digit_year", "add_months", "service_end",
]

# ───────────────────────────── money ─────────────────────────────

FEN = Decimal("0.01")
_FLOAT_MESSAGE = (
    "金额必须是 Decimal 或数字字符串，不能是浮点数（YAML 中请加引号，例如 \"1038000.00\"）"
)
# Amounts from 1 万亿 up are refused: far beyond any contract, and beyond what the tests sweep.
_MAX_AMOUNT = Decimal("1000000000000")


class FloatMoneyError(TypeError, ValueError):
    """A float (or bool) was given where money is expected; floats cannot hold 分 exactly.

    It is a ``TypeError`` for callers, and a ``ValueError`` too so that pydantic validators
    report it as a field problem instead of crashing.
    """


def _as_decimal(value: Any, what: str = "金额") -> Decimal:
    """Decimal from a Decimal, int or numeric string ("1,038,000.00", "¥1038000"); no floats."""
    if isinstance(value, (bool, float)):
        raise FloatMoneyError(f"{_FLOAT_MESSAGE}；现值：{value!r}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        number = _parse_amount_text(value, what)
    else:
        raise TypeError(f"{what}必须是 Decimal、整数或数字字符串；现值类型：{type(value).__name__}")
    if not number.is_finite():
        raise ValueError(f"{what}必须是有限数值；现值：{value!r}")
    if number and number.adjusted() >= 18:  # beyond decimal's 28-digit context once in 分
        raise ValueError(f"{what}过大；现值：{value}")
    return number


def _parse_amount_text(text: str, what: str) -> Decimal:
    """Parse "1,038,000.00" / "1038000" / "¥1,038,000.00"; commas must group by thousands."""
    cleaned = text.strip().lstrip("¥￥").strip()
    whole, _, fraction = cleaned.partition(".")
    if "," in whole and not _thousands_grouped(whole.lstrip("-")):
        raise ValueError(f"{what}的千分位逗号位置不对；现值：{text!r}")
    if "," in fraction:
        raise ValueError(f"{what}的小数部分不能有逗号；现值：{text!r}")
    try:
        number = Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{what}不是数字；现值：{text!r}") from None
    if "e" in cleaned.lower() or not number.is_finite():
        raise ValueError(f"{what}必须写成普通数字（不用科学计数法、NaN 或无穷）；现值：{text!r}")
    return number


def _thousands_grouped(digits: str) -> bool:
    groups = digits.split(",")
    return (
        1 <= len(groups[0]) <= 3
        and all(len(g) == 3 for g in groups[1:])
        and all(g.isdigit() for g in groups)
    )


def to_money(value: Any, *, allow_negative: bool = False) -> Decimal:
    """A money amount as a ``Decimal`` with exactly two places.

    Accepts ``Decimal``, ``int`` and strings such as ``"1,038,000.00"``, ``"1038000"`` or
    ``"¥1,038,000.00"``. Rejects floats and bools (``FloatMoneyError``, a ``TypeError``),
    NaN / infinity, negative amounts unless ``allow_negative``, and more than two decimal
    places: input is never rounded silently (``ValueError`` with a Chinese message).
    """
    number = _as_decimal(value)
    if number < 0 and not allow_negative:
        raise ValueError(f"金额不能为负数；现值：{value}")
    if number != number.quantize(FEN, rounding=ROUND_HALF_UP):
        raise ValueError(f"金额最多两位小数（到分），不自动四舍五入；现值：{value}")
    return number.quantize(FEN)


Money = Annotated[Decimal, BeforeValidator(to_money)]
"""A pydantic field type: a non-negative amount in yuan, two places, floats rejected."""


def round_fen(amount: Decimal | int | str) -> Decimal:
    """Round to 分 (two places), half up as in 《支付结算办法》 practice: 0.005 → 0.01."""
    return _as_decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def rmb_upper(amount: Decimal | int | str, *, prefix: bool = False) -> str:
    """The RMB capital words (大写金额) of ``amount``, rounded half up to 分.

    Conventions (PBoC 《正确填写票据和结算凭证的基本规定》; where the rules leave a choice
    we take the shorter form, the same choice everywhere):

    * whole yuan end in 元整: 10 → 壹拾元整 (a leading 拾 is always 壹拾), 0 → 零元整;
    * a zero 角 before 分 is written 零: 100.05 → 壹佰元零伍分;
    * zeros *inside* a group of four digits are one 零: 1000010 → 壹佰万零壹拾元整,
      1038000 → 壹佰零叁万捌仟元整; a group below 1000 after a higher group takes 零:
      100100 → 壹拾万零壹佰元整;
    * optional 零 are omitted: where only the 万位/元位 is zero and the next digit (千位/角位)
      is not, as in 103800 → 壹拾万叁仟捌佰元整 and 1680.32 → 壹仟陆佰捌拾元叁角贰分;
    * an amount ending in 角 is closed with 整 so nothing can be appended: 10.50 → 壹拾元伍角整;
    * an amount below one yuan has no 元: 0.05 → 伍分.

    ``prefix=True`` adds 人民币. Floats and bools raise ``FloatMoneyError`` (a TypeError);
    negative, NaN, infinite or absurdly large (≥ 1 万亿) amounts raise ``ValueError``.
    """
    value = round_fen(amount)
    if value < 0:
        raise ValueError(f"大写金额不能为负数；现值：{amount}")
    if value >= _MAX_AMOUNT:
        raise ValueError(f"金额超出大写转换范围（应小于 1 万亿元）；现值：{amount}")
    words = _an2cn(f"{value:.2f}", "rmb")
    words = _close_jiao(words)
    return f"人民币{words}" if prefix else words


def _an2cn(number: int | str, mode: str) -> str:
    """cn2an's converter, imported on first use: the import costs ~0.1 s at CLI start-up."""
    import cn2an

    return cn2an.an2cn(number, mode)


def _close_jiao(words: str) -> str:
    """cn2an leaves an amount ending in 角 open (壹拾元伍角); our convention closes it with 整."""
    return words + "整" if words.endswith("角") else words


def fmt_cny(amount: Decimal | int | str, *, symbol: bool = True, grouping: bool = True) -> str:
    """Money as printed in the seeds: ``¥1,038,000.00`` (``grouping=False``: ``¥1038000.00``).

    The amount is rounded half up to 分; a negative amount prints as ``-¥5.00``.
    """
    value = round_fen(amount)
    digits = f"{abs(value):,.2f}" if grouping else f"{abs(value):.2f}"
    sign = "-" if value < 0 else ""
    return f"{sign}{'¥' if symbol else ''}{digits}"


def wan(amount: Decimal | int | str) -> str:
    """The amount in 万元 with trailing zeros trimmed: 117350 → "11.735", 1950000 → "195"."""
    value = _as_decimal(amount) / Decimal(10000)
    text = format(value.normalize(), "f")
    return text


def fmt_pct(value: Decimal | int | str) -> str:
    """A percentage as printed: 10 → "10%", Decimal("0.050") → "0.05%" (trailing zeros trimmed)."""
    number = Decimal(value)
    text = format(number.normalize(), "f") if number == number.to_integral() else format(number, "f").rstrip("0")
    return f"{text}%"


# ───────────────────────────── working days ─────────────────────────────

OVERRIDES_ENV = "DOCGEN_WORKDAY_OVERRIDES"
_SHIPPED_OVERRIDES = "workday_overrides.yaml"

# chinese_calendar's short names, written as the State Council notices write them.
_NOTICE_NAMES = {
    chinese_calendar.Holiday.new_years_day: "元旦",
    chinese_calendar.Holiday.spring_festival: "春节",
    chinese_calendar.Holiday.tomb_sweeping_day: "清明节",
    chinese_calendar.Holiday.labour_day: "劳动节",
    chinese_calendar.Holiday.dragon_boat_festival: "端午节",
    chinese_calendar.Holiday.mid_autumn_festival: "中秋节",
    chinese_calendar.Holiday.national_day: "国庆节",
}

DayKind = Literal["workday", "adjusted_workday", "weekend", "holiday"]
_KIND_LABELS = {
    "workday": "工作日",
    "adjusted_workday": "调休工作日",
    "weekend": "周末",
    "holiday": "节假日",
}


class CalendarWarning(UserWarning):
    """A date lies in a year the official holiday data does not cover; weekdays plus overrides were used."""


@dataclass(frozen=True)
class DayInfo:
    """What kind of day a date is, and why."""

    day: date
    kind: DayKind
    # the holiday (or the break a weekend is joined to), or for an adjusted workday the
    # holiday it makes up for
    name: str | None
    official: bool  # True when the year is covered by the State Council data (package or complete override)

    @property
    def is_workday(self) -> bool:
        return self.kind in ("workday", "adjusted_workday")

    @property
    def label(self) -> str:
        """Chinese label, e.g. 节假日（国庆节）."""
        base = _KIND_LABELS[self.kind]
        return f"{base}（{self.name}）" if self.name else base


class _DayEntry(BaseModel):
    """One override entry: a single ``date`` or a ``from``/``to`` range, with a name."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    day: date | None = Field(default=None, alias="date")
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _one_day_or_range(self) -> "_DayEntry":
        if self.day is not None and (self.from_ is not None or self.to is not None):
            raise ValueError("写 date，或写 from 和 to，不能同时写")
        if self.day is None and (self.from_ is None or self.to is None):
            raise ValueError("需要 date，或同时需要 from 和 to")
        if self.from_ is not None and self.to is not None:
            if self.to < self.from_:
                raise ValueError(f"结束日期 {self.to} 早于开始日期 {self.from_}")
            if (self.to - self.from_).days > 366:
                raise ValueError(f"日期范围 {self.from_} 至 {self.to} 超过一年，请检查")
        return self

    def days(self) -> list[date]:
        if self.day is not None:
            return [self.day]
        return _date_span(self.from_, self.to)  # type: ignore[arg-type]


class _OverrideFile(BaseModel):
    """The override file: extra holidays, extra (调休) workdays, years it covers completely."""

    model_config = ConfigDict(extra="forbid")

    complete_years: list[int] = []
    holidays: list[_DayEntry] = []
    workdays: list[_DayEntry] = []


_OVERRIDE_LABELS = {"holidays": "节假日", "workdays": "调休工作日", "complete_years": "完整年份"}


def _date_span(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _load_override_file(path: Path) -> _OverrideFile:
    """Read and validate one override file; every problem is reported at once."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InvalidInput(f"工作日调整文件不存在：{path}") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"工作日调整文件不是有效的 YAML：{path}：{exc}") from None
    try:
        parsed = _OverrideFile.model_validate(raw)
    except ValidationError as exc:
        raise InvalidInput(
            f"工作日调整文件有误：{path}", [_override_problem(err) for err in exc.errors()]
        ) from None
    clashes = _clashing_days(parsed)
    if clashes:
        raise InvalidInput(
            f"工作日调整文件有误：{path}",
            [Problem("holidays", "节假日", "同一天既是节假日又是调休工作日", str(d)) for d in clashes],
        )
    return parsed


def _override_problem(err: dict) -> Problem:
    loc = [str(part) for part in err["loc"]] or ["(文件)"]
    path = loc[0] + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in loc[1:])
    label = _OVERRIDE_LABELS.get(loc[0], "")
    value = err.get("input")
    return Problem(path, label, err["msg"], None if isinstance(value, dict) else str(value))


def _clashing_days(parsed: _OverrideFile) -> list[date]:
    off = {d for entry in parsed.holidays for d in entry.days()}
    on = {d for entry in parsed.workdays for d in entry.days()}
    return sorted(off & on)


@functools.lru_cache(maxsize=None)
def _official_covers(year: int) -> bool:
    """True when chinese_calendar has the State Council schedule for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:  # the pinned version's signal for "no data for that year"
        return False
    return True


def _official_holiday_name(day: date) -> str | None:
    english = chinese_calendar.constants.holidays.get(day) or chinese_calendar.constants.workdays.get(day)
    if english is None:
        return None
    member = chinese_calendar.Holiday(english)
    return _NOTICE_NAMES.get(member, member.chinese)


@dataclass(frozen=True)
class _Year:
    """One year's days, precomputed: kinds, names, and a running count of workdays."""

    first_ordinal: int
    kinds: tuple[DayKind, ...]
    names: tuple[str | None, ...]
    workdays_before: tuple[int, ...]  # workdays_before[i] = workdays among the first i days
    official: bool


class WorkCalendar:
    """Working days on the State Council schedule, plus override files.

    For each date the first rule that applies wins:

    1. an override file lists it under ``holidays`` or ``workdays`` (overrides apply to every
       year, so a file can also correct or extend a year the package covers);
    2. ``chinese_calendar`` knows the year (2004–2026 in the pinned 1.11.0): its answer;
    3. otherwise Monday–Friday are workdays, and a ``CalendarWarning`` is issued once per year
       for this calendar, unless an override file names the year in ``complete_years``.

    Each year is computed once and cached, so bulk use (handover checks) costs a list lookup.
    """

    def __init__(self, override_files: Sequence[str | os.PathLike] = ()) -> None:
        self.override_files = [Path(p) for p in override_files]
        self._holidays: dict[date, str] = {}
        self._workdays: dict[date, str | None] = {}
        self._complete_years: set[int] = set()
        for path in self.override_files:
            self._absorb(_load_override_file(path))
        self._years: dict[int, _Year] = {}

    def _absorb(self, parsed: _OverrideFile) -> None:
        self._complete_years.update(parsed.complete_years)
        for entry in parsed.holidays:
            for day in entry.days():
                self._holidays[day] = entry.name or "节假日"
                self._workdays.pop(day, None)  # a later file wins over an earlier one
        for entry in parsed.workdays:
            for day in entry.days():
                self._workdays[day] = entry.name
                self._holidays.pop(day, None)

    # -- per-year tables --

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._years[year] = self._build_year(year)
        return table

    def _build_year(self, year: int) -> _Year:
        official = _official_covers(year)
        if not official and year not in self._complete_years:
            warnings.warn(
                f"{year} 年不在国务院节假日安排数据范围内，按周一至周五为工作日并应用调整文件计算；"
                f"国务院公布 {year} 年安排后，请补充到 docgen/data/{_SHIPPED_OVERRIDES} "
                f"或 {OVERRIDES_ENV} 指向的文件",
                CalendarWarning,
                stacklevel=_caller_stacklevel(),
            )
        days = _date_span(date(year, 1, 1), date(year, 12, 31))
        first = date.fromordinal(max(1, days[0].toordinal() - _BREAK_MARGIN))
        last = date.fromordinal(min(date.max.toordinal(), days[-1].toordinal() + _BREAK_MARGIN))
        offset = days[0].toordinal() - first.toordinal()
        classified = self._classify_span(first, last)[offset : offset + len(days)]
        running, counts = 0, [0]
        for kind, _ in classified:
            running += kind in ("workday", "adjusted_workday")
            counts.append(running)
        return _Year(
            first_ordinal=days[0].toordinal(),
            kinds=tuple(kind for kind, _ in classified),
            names=tuple(name for _, name in classified),
            workdays_before=tuple(counts),
            official=official or year in self._complete_years,
        )

    def _classify_span(self, first: date, last: date) -> list[tuple[DayKind, str | None]]:
        """Classify ``first`` … ``last``, then name the weekend days joined to a holiday break.

        The notices write e.g. "端午节：6月10日放假，与周末连休": 6-08 and 6-09 stay ordinary
        weekend days (kind ``weekend``) but belong to the 端午节 break, so they get its name.
        The span reaches into the neighbouring years so a break across 1 January is seen whole.
        """
        days = _date_span(first, last)
        classified = [self._classify(day, _official_covers(day.year)) for day in days]
        for start, stop in _rest_runs([kind for kind, _ in classified]):
            named = [(i, name) for i in range(start, stop) if (name := classified[i][1])]
            for i in range(start, stop):
                if classified[i][0] == "weekend" and named:
                    nearest = min(named, key=lambda item: abs(item[0] - i))
                    classified[i] = ("weekend", nearest[1])
        return classified

    def _classify(self, day: date, official: bool) -> tuple[DayKind, str | None]:
        weekend = day.weekday() >= 5
        if day in self._holidays:
            return "holiday", self._holidays[day]
        if day in self._workdays:
            return ("adjusted_workday" if weekend else "workday"), self._workdays[day]
        if official:
            name = _official_holiday_name(day)
            if chinese_calendar.is_workday(day):
                return ("adjusted_workday", name) if weekend else ("workday", None)
            if name is not None and day in chinese_calendar.constants.holidays:
                return "holiday", name
        return ("weekend" if weekend else "workday"), None

    def _slot(self, day: date) -> tuple[_Year, int]:
        day = _as_date(day)
        table = self._year(day.year)
        return table, day.toordinal() - table.first_ordinal

    # -- queries --

    def day_info(self, day: date) -> DayInfo:
        """The kind of ``day`` (工作日 / 调休工作日 / 周末 / 节假日) with the holiday name."""
        table, i = self._slot(day)
        return DayInfo(_as_date(day), table.kinds[i], table.names[i], table.official)

    def is_workday(self, day: date) -> bool:
        """True when people work on ``day`` (including 调休 Saturdays and Sundays)."""
        table, i = self._slot(day)
        return table.kinds[i] in ("workday", "adjusted_workday")

    def is_holiday(self, day: date) -> bool:
        """True when ``day`` is not a working day (weekend or statutory holiday)."""
        return not self.is_workday(day)

    def holiday_name(self, day: date) -> str | None:
        """The holiday break ``day`` belongs to (e.g. 国庆节, 春节), else None.

        A weekend joined to a holiday ("与周末连休") belongs to its break: 2024-06-09, a Sunday
        before the 端午节 Monday, gives 端午节. Workdays, 调休 workdays included, give None.
        """
        table, i = self._slot(day)
        return None if table.kinds[i] in ("workday", "adjusted_workday") else table.names[i]

    def next_workday(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self._step_to_workday(_as_date(day), 1)

    def previous_workday(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        return self._step_to_workday(_as_date(day), -1)

    def add_working_days(self, day: date, n: int) -> date:
        """The date ``n`` working days after ``day``; ``day`` itself is not counted.

        ``n = 0`` gives ``day`` when it is a workday, else the next workday (a deadline that
        falls on a rest day moves to the next workday). Negative ``n`` counts backwards:
        the date ``|n|`` working days before ``day``.
        """
        current = _as_date(day)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"工作日天数必须是整数；现值：{n!r}")
        if n == 0:
            return current if self.is_workday(current) else self.next_workday(current)
        step = 1 if n > 0 else -1
        for _ in range(abs(n)):
            current = self._step_to_workday(current, step)
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie in ``start`` … ``end``, both ends included; 0 if end < start."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return 0
        total = 0
        for year in range(start.year, end.year + 1):
            table = self._year(year)
            first = max(start, date(year, 1, 1)).toordinal() - table.first_ordinal
            last = min(end, date(year, 12, 31)).toordinal() - table.first_ordinal
            total += table.workdays_before[last + 1] - table.workdays_before[first]
        return total

    def workdays_in_range(self, start: date, end: date) -> list[date]:
        """Every working day in ``start`` … ``end``, both ends included, in order."""
        start, end = _as_date(start), _as_date(end)
        return [d for d in _date_span(start, end) if self.is_workday(d)] if end >= start else []

    def _step_to_workday(self, day: date, step: int) -> date:
        current = day
        for _ in range(3660):  # ten years without a workday means the override file is broken
            current += timedelta(days=step)
            if self.is_workday(current):
                return current
        raise InvalidInput(f"{day} 前后十年内没有工作日，请检查工作日调整文件")


_BREAK_MARGIN = 10  # days into the neighbouring years: longer than a weekend joined to a holiday


def _rest_runs(kinds: list[DayKind]) -> list[tuple[int, int]]:
    """The ``[start, stop)`` index ranges of consecutive rest days (weekend or holiday)."""
    runs, start = [], None
    for i, kind in enumerate([*kinds, "workday"]):
        resting = kind in ("weekend", "holiday")
        if resting and start is None:
            start = i
        elif not resting and start is not None:
            runs.append((start, i))
            start = None
    return runs


def _caller_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point at the first caller outside this module."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename == __file__:
        frame, level = frame.f_back, level + 1
    return level


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"需要 datetime.date；现值类型：{type(value).__name__}")


def _override_paths(user_file: str) -> list[Path]:
    shipped = resources.files("docgen").joinpath("data", _SHIPPED_OVERRIDES)
    paths = [Path(str(shipped))]
    if user_file:
        paths.append(Path(user_file))
    return paths


@functools.lru_cache(maxsize=8)
def _calendar_for(user_file: str) -> WorkCalendar:
    return WorkCalendar(_override_paths(user_file))


def default_calendar() -> WorkCalendar:
    """The calendar of the shipped override file plus the file named by ``DOCGEN_WORKDAY_OVERRIDES``."""
    return _calendar_for(os.environ.get(OVERRIDES_ENV, ""))


def reload_calendar() -> None:
    """Forget cached calendars: re-read the override files and warn again for uncovered years."""
    _calendar_for.cache_clear()


def is_workday(d: date) -> bool:
    """True when ``d`` is a working day on the State Council schedule (调休 days included)."""
    return default_calendar().is_workday(d)


def is_holiday(d: date) -> bool:
    """True when ``d`` is a rest day: a weekend that is not 调休, or a statutory holiday."""
    return default_calendar().is_holiday(d)


def holiday_name(d: date) -> str | None:
    """The holiday break ``d`` belongs to (元旦, 春节, 清明节 … 国庆节; a weekend joined to it too), else None."""
    return default_calendar().holiday_name(d)


def day_info(d: date) -> DayInfo:
    """The kind of day ``d`` is and why; see ``DayInfo``."""
    return default_calendar().day_info(d)


def add_working_days(d: date, n: int) -> date:
    """The date ``n`` working days after ``d`` (``d`` not counted; ``n = 0``: ``d`` or the next workday)."""
    return default_calendar().add_working_days(d, n)


def next_workday(d: date) -> date:
    """The first working day strictly after ``d``."""
    return default_calendar().next_workday(d)


def working_days_between(start: date, end: date) -> int:
    """Working days in ``start`` … ``end``, both included; 0 when ``end`` is before ``start``."""
    return default_calendar().working_days_between(start, end)


def workdays_in_range(start: date, end: date) -> list[date]:
    """Every working day in ``start`` … ``end``, both included."""
    return default_calendar().workdays_in_range(start, end)


# ───────────────────────────── identity codes ─────────────────────────────

_ID_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
_ID_CHECK_CHARS = "10X98765432"  # indexed by (Σ aᵢ·Wᵢ) mod 11, ISO 7064 MOD 11-2
# Province-level codes (GB/T 2260) plus 71 台湾, 81 香港, 82 澳门, 83 台湾居民居住证.
_PROVINCE_CODES = frozenset(
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]
)


def id_check_char(first17: str) -> str:
    """The GB 11643 check character (0-9 or X) for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"需要 17 位数字；现值：{first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


def id_number_problem(s: str) -> str | None:
    """Why ``s`` is not a valid resident ID number (Chinese), or None when it is valid.

    Checks, cheapest first: 18 characters, 17 digits + digit or X (lower-case x accepted),
    a province code, a real birth date between 1900 and today, the check character.
    The reasons never quote the number's digits: they may end up in logs.
    """
    if not isinstance(s, str):
        return "身份证号码必须是字符串"
    code = s.upper()
    if len(code) != 18:
        return f"身份证号码应为 18 位，现为 {len(code)} 位"
    if not (code[:17].isascii() and code[:17].isdigit()) or code[17] not in "0123456789X":
        return "身份证号码应为 17 位数字加 1 位数字或 X"
    if int(code[:2]) not in _PROVINCE_CODES:
        return "身份证号码前 2 位不是有效的省级地区码"
    birth = _id_birth(code)
    if birth is None:
        return "身份证号码第 7–14 位不是有效的出生日期"
    if not date(1900, 1, 1) <= birth <= date.today():
        return "身份证号码中的出生日期不合理（早于 1900 年或晚于今天）"
    if code[17] != id_check_char(code[:17]):
        return "身份证号码校验码不符，请逐位核对"
    return None


def _id_birth(code: str) -> date | None:
    try:
        return date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return None


def check_id_number(s: str) -> bool:
    """True when ``s`` is a valid 18-character resident ID number (GB 11643-1999)."""
    return id_number_problem(s) is None


# An 18-character candidate not glued to other letters or digits; the checksum decides.
_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
ID_PLACEHOLDER = "［身份证号］"


def mask_id_numbers(text: str | None) -> str:
    """``text`` with every checksum-valid resident ID number replaced by ``［身份证号］``; None → "".

    What keeps ID numbers out of the search index, handover manifests and destruction records.
    """
    if not text:
        return ""
    return _ID_CANDIDATE.sub(lambda m: ID_PLACEHOLDER if check_id_number(m.group()) else m.group(), str(text))


def _valid_id(s: str) -> str:
    problem = id_number_problem(s)
    if problem:
        raise ValueError(problem)
    return s.upper()


def id_gender(s: str) -> str:
    """男 or 女 from the 17th digit (odd: 男). Raises ``ValueError`` for an invalid number."""
    return "男" if int(_valid_id(s)[16]) % 2 else "女"


def id_birth_date(s: str) -> date:
    """The birth date written in a valid ID number. Raises ``ValueError`` for an invalid number."""
    return _id_birth(_valid_id(s))  # type: ignore[return-value]


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC_PROVINCES = _PROVINCE_CODES | {10}  # 100000: central bodies registered nationally


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(c not in _USCC_CHARS for c in first17):
        raise ValueError(f"需要 17 位统一社会信用代码字符；现值：{first17!r}")
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """The GB 11714-1997 organisation-code check character for its first 8 characters."""
    if len(body8) != 8 or not body8.isascii() or not body8.isalnum():
        raise ValueError(f"需要 8 位数字或大写字母；现值：{body8!r}")
    total = sum(int(c, 36) * w for c, w in zip(body8.upper(), _ORG_WEIGHTS))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def uscc_problem(s: str) -> str | None:
    """Why ``s`` is not a valid unified social credit code (Chinese), or None when it is valid.

    Checks, cheapest first: 18 characters of the GB 32100 set (lower case accepted),
    a 6-digit region code with a province prefix, the organisation-code check digit
    (characters 9–17, GB 11714), and the final check character.
    """
    if not isinstance(s, str):
        return "统一社会信用代码必须是字符串"
    code = s.upper()
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，现为 {len(code)} 位"
    bad = sorted({c for c in code if c not in _USCC_CHARS})
    if bad:
        return f"统一社会信用代码含不允许的字符：{''.join(bad)}（不用 I、O、S、V、Z）"
    region = code[2:8]
    if not region.isdigit() or int(region[:2]) not in _USCC_PROVINCES:
        return f"统一社会信用代码的登记管理机关行政区划码 {region} 不对"
    if code[16] != org_code_check_char(code[8:16]):
        return f"统一社会信用代码第 9–17 位（组织机构代码 {code[8:17]}）校验位不符"
    if code[17] != uscc_check_char(code[:17]):
        return "统一社会信用代码校验码不符，请逐位核对"
    return None


def check_uscc(s: str) -> bool:
    """True when ``s`` is a valid unified social credit code (GB 32100-2015)."""
    return uscc_problem(s) is None


# ───────────────────────────── dates and numerals ─────────────────────────────

DateStyle = Literal["cn", "cn_spaced", "dot", "dot_spaced", "month", "cn_numerals", "iso"]
"""Date styles found in the seeds:

``cn`` 2022年10月19日 · ``cn_spaced`` 2021 年 8 月 30 日 · ``dot`` 2022.10.19 / 2024.6.9 ·
``dot_spaced`` 2022. 7. 6 (month and day right-aligned in two places) · ``month`` 2022年10月 ·
``cn_numerals`` 二〇二二年十二月六日 · ``iso`` 2022-10-19."""
DATE_STYLES: tuple[str, ...] = get_args(DateStyle)

_DIGITS_LOWER = "〇一二三四五六七八九"


def cn_digit_year(year: int) -> str:
    """A year digit by digit, as on official documents: 2022 → 二〇二二."""
    if isinstance(year, bool) or not isinstance(year, int) or year < 0:
        raise ValueError(f"年份必须是非负整数；现值：{year!r}")
    return "".join(_DIGITS_LOWER[int(c)] for c in str(year))


def fmt_date(d: date, style: DateStyle = "cn") -> str:
    """``d`` in one of the seed contracts' styles (see ``DateStyle``)."""
    d = _as_date(d)
    y, m, day = d.year, d.month, d.day
    formats = {
        "cn": lambda: f"{y}年{m}月{day}日",
        "cn_spaced": lambda: f"{y} 年 {m} 月 {day} 日",
        "dot": lambda: f"{y}.{m}.{day}",
        "dot_spaced": lambda: f"{y}.{m:>2}.{day:>2}",
        "month": lambda: f"{y}年{m}月",
        "cn_numerals": lambda: f"{cn_digit_year(y)}年{cn_ordinal(m)}月{cn_ordinal(day)}日",
        "iso": lambda: d.isoformat(),
    }
    if style not in formats:
        raise ValueError(f"未知的日期格式 {style!r}；可用：{', '.join(DATE_STYLES)}")
    return formats[style]()


CountStyle = Literal["upper", "lower"]


def _require_count(n: Any, minimum: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"需要整数；现值：{n!r}")
    if n < minimum:
        raise ValueError(f"需要不小于 {minimum} 的整数；现值：{n}")
    return n


def cn_count(n: int, style: CountStyle = "upper") -> str:
    """A count in Chinese numerals, as in 一式陆份 / 各执叁份 (upper) or 一式二份 (lower).

    Upper uses the financial numerals (2 → 贰, 6 → 陆, 10 → 壹拾); lower uses 一二三 and
    writes 2 as 二 (not 两), as the seeds do.
    """
    _require_count(n, 0)
    if style not in get_args(CountStyle):
        raise ValueError(f"未知的数字格式 {style!r}；可用：upper, lower")
    return _an2cn(n, "up" if style == "upper" else "low")


def cn_ordinal(n: int) -> str:
    """A clause or chapter number: 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 23 → 二十三, 101 → 一百零一."""
    return _an2cn(_require_count(n, 1), "low")


# ───────────────────────────── periods ─────────────────────────────


def add_months(d: date, months: int) -> date:
    """``d`` moved by ``months`` calendar months, clamped to the month's end (1-31 + 1 → 2-28/29)."""
    d = _as_date(d)
    if isinstance(months, bool) or not isinstance(months, int):
        raise TypeError(f"月数必须是整数；现值：{months!r}")
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    last_day = _stdcal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last_day))


def service_end(start: date, months: int) -> date:
    """The last day of a service period of ``months`` months starting on (and including) ``start``.

    ``add_months(start, months) - 1 day``: 2022-12-13 + 12 → 2023-12-12. Periods that follow
    each other this way tile without gap or overlap; at a month's end the clamp applies first
    (2023-01-31 + 1 month → 2023-02-27, the day before the clamped 2023-02-28).
    """
    _require_count(months, 1)
    return add_months(start, months) - timedelta(days=1)
