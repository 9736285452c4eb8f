"""Field types and models every document kind shares, and pydantic errors turned into ``Problem``s.

Every field carries a Chinese label (``Field(title=...)``) so a problem reads
``money.instalments[2].pct（付款比例）：…；现值：…``. Money is ``Decimal`` and a YAML float is
refused (PyYAML reads an unquoted ``1038000.00`` as a float); dates are written ``YYYY-MM-DD``
and checked for existence; ID numbers and credit codes are checked with their check digits and
ID numbers are masked wherever a value is echoed back.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    computed_field,
    model_validator,
)

from docgen import cn
from docgen.errors import Problem


class DocModel(BaseModel):
    """Base of every input model: unknown keys are errors (a typo must not be ignored)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_default=True)


def F(title: str, default: Any = ..., **kwargs: Any) -> Any:
    """``Field`` with its Chinese label as the first argument: ``name: str = F("名称")``."""
    return Field(default, title=title, **kwargs)


# ───────────────────────────── scalar types ─────────────────────────────

MONEY_FLOAT_MESSAGE = (
    "金额不能写成不带引号的小数：YAML 会把 1038000.00 读成浮点数而可能失真；"
    "请加引号写成字符串（\"1038000.00\"），或写成整数（1038000）"
)


def _strip_found(message: str) -> str:
    """cn's messages end in '；现值：…'; a Problem prints the value itself."""
    return message.split("；现值：")[0]


def _money(value: Any) -> Decimal:
    if isinstance(value, float):
        raise ValueError(MONEY_FLOAT_MESSAGE)
    try:
        return cn.to_money(value)
    except (TypeError, ValueError) as error:  # TypeError too: pydantic only catches ValueError
        raise ValueError(_strip_found(str(error))) from None


Money = Annotated[Decimal, BeforeValidator(_money)]
"""Yuan as ``Decimal`` with two places; non-negative; floats refused with a YAML hint."""


def _positive_money(value: Any) -> Decimal:
    amount = _money(value)
    if amount <= 0:
        raise ValueError("金额必须大于零")
    return amount


PositiveMoney = Annotated[Decimal, BeforeValidator(_positive_money)]


def _pct(value: Any) -> Decimal:
    # A percentage is not money: 0.5 (per cent per day) is safe through its shortest repr.
    if isinstance(value, bool):
        raise ValueError("百分比应为数字")
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().rstrip("%％"))
    except InvalidOperation:
        raise ValueError("百分比应为数字，例如 10 或 \"0.05\"") from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise ValueError("百分比应在 0 到 100 之间")
    if number != number.quantize(Decimal("0.0001")):
        raise ValueError("百分比最多四位小数")
    return number.normalize() if number == number.to_integral() else number


Pct = Annotated[Decimal, BeforeValidator(_pct)]
"""A percentage 0–100 as ``Decimal`` (``10`` means 10 %)."""

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("日期应写成 YYYY-MM-DD")
    match = _ISO_DATE.match(value.strip())
    if not match:
        raise ValueError("日期应写成 YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期不存在：{year} 年 {month} 月没有 {day} 日" if 1 <= month <= 12
                         else f"日期不存在：没有 {month} 月") from None


CnDate = Annotated[date, BeforeValidator(_date)]
"""A calendar date written ``YYYY-MM-DD``; impossible dates (2023-02-30) are refused."""


_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _clock(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads an unquoted 9:20 as 560
        raise ValueError("时间请加引号写成字符串，例如 \"09:20\"（不加引号的 9:20 会被 YAML 读成数字）")
    if not isinstance(value, str) or not _CLOCK.match(value.strip()):
        raise ValueError("时间应写成 HH:MM（请加引号，如 \"08:30\"）")
    return value.strip()


Clock = Annotated[str, BeforeValidator(_clock)]
"""A time of day written ``"HH:MM"``; an unquoted ``9:20`` (a YAML number) is refused with the fix."""


def _postcode(value: Any) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not re.fullmatch(r"\d{6}", text):
        if isinstance(value, int) and not isinstance(value, bool):  # YAML reads 030000 as the octal 12288
            raise ValueError("邮政编码应为 6 位数字；以 0 开头的请加引号写成字符串，例如 \"030000\"")
        raise ValueError("邮政编码应为 6 位数字")
    return text


Postcode = Annotated[str, BeforeValidator(_postcode)]


def _digits_text(label: str):
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"{label}请加引号写成字符串（数字会丢失前导零）")
        digits = re.sub(r"[\s-]", "", value)
        if not digits.isdigit():
            raise ValueError(f"{label}只能由数字组成（可用空格分组）")
        return digits

    return parse


BankAccount = Annotated[str, BeforeValidator(_digits_text("银行账号"))]

_PHONE = re.compile(r"^[0-9*()（）+\-\s、,，转]{5,40}$")


def _phone(value: Any) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not _PHONE.match(text):
        raise ValueError("电话号码格式不对（数字、-、分机号）")
    return text


Phone = Annotated[str, BeforeValidator(_phone)]


def _email(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", value.strip()):
        raise ValueError("电子邮件地址格式不对")
    return value.strip()


Email = Annotated[str, BeforeValidator(_email)]


def _uscc(value: Any) -> str:
    problem = cn.uscc_problem(value) if isinstance(value, str) else "统一社会信用代码必须是字符串"
    if problem:
        raise ValueError(problem)
    return value.strip().upper()


USCC = Annotated[str, BeforeValidator(_uscc)]
"""A unified social credit code, GB 32100 check character verified."""


def _id_number(value: Any) -> str:
    problem = cn.id_number_problem(value.strip()) if isinstance(value, str) else "身份证号码必须是字符串"
    if problem:
        raise ValueError(problem)
    return value.strip().upper()


IdNumber = Annotated[str, BeforeValidator(_id_number)]
"""A resident ID number, GB 11643 check digit verified. Never printed in logs or problems."""


def mask_id(value: str) -> str:
    """``110105199001011234`` → ``110***********1234``: enough to find it, not enough to use it."""
    text = str(value)
    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


NonEmpty = Annotated[str, Field(min_length=1)]

# ───────────────────────────── shared models ─────────────────────────────


class Party(DocModel):
    """A contracting party (甲方 / 乙方): one source for its name and address on every page."""

    printed_via: ClassVar[dict[str, tuple[str, ...]]] = {"account_grouped": ("account",)}

    name: str = F("名称", min_length=2)
    short_name: str | None = F("简称", None)
    address: str = F("地址", min_length=2)
    postcode: Postcode | None = F("邮政编码", None)
    phone: Phone | None = F("电话", None)
    fax: Phone | None = F("传真", None)
    email: Email | None = F("电子邮件", None)
    bank: str | None = F("开户银行", None)
    account: BankAccount | None = F("银行账号", None)
    uscc: USCC | None = F("统一社会信用代码", None)
    legal_rep: str | None = F("法定代表人", None)
    signatory: str = F("签字人称谓", "法定代表人或授权代表")

    @computed_field(title="银行账号（分组）")  # type: ignore[prop-decorator]
    @property
    def account_grouped(self) -> str | None:
        """The account printed in groups of four digits, as seed 000 prints it."""
        if not self.account:
            return None
        return " ".join(self.account[i:i + 4] for i in range(0, len(self.account), 4))


class Person(DocModel):
    """A natural person (personal NDA signatory, staff member). The ID number is never logged."""

    name: str = F("姓名", min_length=2, max_length=20)
    id_number: IdNumber = F("身份证号码", repr=False)
    address: str | None = F("住址", None, repr=False)

    @computed_field(title="性别")  # type: ignore[prop-decorator]
    @property
    def gender(self) -> str:
        """男 / 女, derived from the ID number (never typed)."""
        return cn.id_gender(self.id_number)


class Holder(DocModel):
    """One holder of signed copies: 甲方 holds 叁份."""

    holder: str = F("持有方", min_length=1)
    n: int = F("份数", gt=0, le=50)


class Copies(DocModel):
    """一式陆份，甲、乙双方各执叁份: the total and who holds how many (Σ = total)."""

    printed_via: ClassVar[dict[str, tuple[str, ...]]] = {
        "text": ("total", "holders", "numerals")}

    total: int = F("份数合计", gt=0, le=100)
    holders: list[Holder] = F("各方持有份数", min_length=1)
    numerals: Literal["大写", "小写"] = F("数字写法", "大写")

    @model_validator(mode="after")
    def _holders_sum_to_total(self) -> "Copies":
        held = sum(h.n for h in self.holders)
        if held != self.total:
            raise ValueError(f"各方持有份数之和 {held} 不等于总份数 {self.total}")
        names = [h.holder for h in self.holders]
        if len(set(names)) != len(names):
            raise ValueError("持有方重复")
        return self

    def count(self, n: int) -> str:
        return cn.cn_count(n, "upper" if self.numerals == "大写" else "lower")

    @computed_field(title="份数表述")  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        """一式陆份，甲、乙双方各执叁份 / 一式捌份，甲方执陆份、乙方执贰份."""
        return f"一式{self.count(self.total)}份，{self._holding_text()}"

    def _holding_text(self) -> str:
        holders = list(self.holders)
        parts: list[str] = []
        if len(holders) >= 2 and holders[0].holder == "甲方" and holders[1].holder == "乙方" \
                and holders[0].n == holders[1].n:
            parts.append(f"甲、乙双方各执{self.count(holders[0].n)}份")
            holders = holders[2:]
            rest = [f"{h.holder}执{self.count(h.n)}份" for h in holders]
            return "，".join(parts + rest)
        return "、".join(f"{h.holder}执{self.count(h.n)}份" for h in holders)


class Dispute(DocModel):
    """How disputes are settled: arbitration (北京仲裁委员会) or litigation (甲方所在地法院)."""

    printed_via: ClassVar[dict[str, tuple[str, ...]]] = {
        "text": ("method", "arbitration_body", "court"), "arbitration": ("method",)}

    method: Literal["arbitration", "litigation"] = F("争议解决方式")
    arbitration_body: str = F("仲裁机构", "北京仲裁委员会")
    court: str = F("管辖法院", "甲方所在地有管辖权的人民法院")

    @computed_field(title="是否仲裁")  # type: ignore[prop-decorator]
    @property
    def arbitration(self) -> bool:
        return self.method == "arbitration"

    @computed_field(title="争议解决表述")  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        if self.arbitration:
            return f"提交{self.arbitration_body}仲裁，仲裁裁决为终局裁决"
        return f"依法向{self.court}起诉"


_DURATION_TEXT = re.compile(r"^\s*(\d+)\s*(个)?\s*(工作日|日|天|个月|月|小时|分钟)\s*(内)?\s*$")


class Duration(DocModel):
    """A period such as 20个工作日, 30日, 12个月: ``{n, unit, basis}`` or the text itself."""

    printed_via: ClassVar[dict[str, tuple[str, ...]]] = {"text": ("n", "unit", "basis")}

    n: int = F("数量", gt=0, le=100000)
    unit: Literal["日", "月", "小时", "分钟"] = F("单位", "日")
    basis: Literal["calendar", "working"] = F("计日方式", "calendar")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        """Accept "20个工作日", "30日", "12个月" as well as the mapping."""
        if not isinstance(value, str):
            return value
        match = _DURATION_TEXT.match(value)
        if not match:
            raise ValueError("期限应写成例如 \"20个工作日\"、\"30日\"、\"12个月\"，或 {n, unit, basis}")
        n, _, unit, _ = match.groups()
        if unit == "工作日":
            return {"n": int(n), "unit": "日", "basis": "working"}
        return {"n": int(n), "unit": {"天": "日", "个月": "月"}.get(unit, unit)}

    @model_validator(mode="after")
    def _working_only_in_days(self) -> "Duration":
        if self.basis == "working" and self.unit != "日":
            raise ValueError("只有以“日”计的期限才能按工作日计算")
        return self

    @computed_field(title="期限表述")  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        """20个工作日 / 30日 / 12个月 / 2小时."""
        if self.basis == "working":
            return f"{self.n}个工作日"
        return {"日": f"{self.n}日", "月": f"{self.n}个月", "小时": f"{self.n}小时",
                "分钟": f"{self.n}分钟"}[self.unit]

    def after(self, start: date) -> date:
        """The date this period after ``start`` ends (working days on the State Council calendar)."""
        if self.basis == "working":
            return cn.add_working_days(start, self.n)
        if self.unit == "月":
            return cn.add_months(start, self.n)
        if self.unit == "日":
            return start + timedelta(days=self.n)
        raise ValueError("以小时或分钟计的期限不能换算成日期")


# ───────────────────────────── problems a kind's checks report ─────────────────────────────


def error(path: str, label: str, message: str, value: object = None) -> Problem:
    """A problem that blocks rendering; an ID number in ``value`` is masked (the line may be logged)."""
    return Problem(path, label, message, None if value is None else cn.mask_id_numbers(str(value)))


def warning(path: str, label: str, message: str, value: object = None) -> Problem:
    """A questionable fact, shown to the user; rendering goes on. ``value`` is masked as in :func:`error`."""
    return replace(error(path, label, message, value), severity="warning")


def workday_warning(path: str, label: str, day: date, what: str) -> list[Problem]:
    """A warning when ``day`` is a weekend or holiday on the State Council calendar."""
    info = cn.day_info(day)
    if info.is_workday:
        return []
    return [warning(path, label, f"{what}是{info.label}，不是工作日", day)]


# ───────────────────────────── validation errors → problems ─────────────────────────────

_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的字段（拼写错误？）",
    "string_type": "应为文字",
    "string_too_short": "不能为空或过短",
    "string_too_long": "过长",
    "string_pattern_mismatch": "格式不对",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为一组字段",
    "model_type": "应为一组字段",
    "model_attributes_type": "应为一组字段",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "date_type": "日期应写成 YYYY-MM-DD",
    "date_parsing": "日期应写成 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期应写成 YYYY-MM-DD",
    "none_required": "应为空",
}


def _message(err: dict) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return _strip_found(str(ctx["error"]))
    if kind == "literal_error":
        return f"应为以下之一：{ctx.get('expected', '')}".replace("'", "")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {"greater_than": "应大于", "greater_than_equal": "应不小于",
                 "less_than": "应小于", "less_than_equal": "应不大于"}[kind]
        bound = next(iter(ctx.values()), "")
        return f"{words} {bound}"
    if kind == "too_short":
        return f"至少需要 {ctx.get('min_length', 1)} 项"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    return _MESSAGES.get(kind, err.get("msg", "无效"))


def dotted_path(loc: tuple) -> str:
    """``('money', 'instalments', 2, 'pct')`` → ``money.instalments[2].pct``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def unwrap_annotation(annotation: Any) -> tuple[Any, int]:
    """The element type inside ``X | None``, ``list[X]``, ``Annotated[X, …]``, and how many list levels
    were crossed: ``list[Party] | None`` → ``(Party, 1)``. Dicts are left whole."""
    lists = 0
    for _ in range(10):
        origin = get_origin(annotation)
        args = [a for a in get_args(annotation) if a is not type(None)]
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (list, tuple, set, frozenset):
            annotation, lists = get_args(annotation)[0], lists + 1
        elif origin is not None and len(args) == 1:  # Optional[X] / X | None
            annotation = args[0]
        else:
            break
    return annotation, lists


def _unwrap(annotation: Any) -> Any:
    """The model class inside ``X | None``, ``list[X]``, ``Annotated[X, …]``, if any."""
    return unwrap_annotation(annotation)[0]


def field_label(model: type[BaseModel], loc: tuple) -> str:
    """The Chinese label of the field at ``loc`` (the nearest labelled field along the path)."""
    label = ""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        field = current.model_fields.get(part)
        if field is None:
            current = None
            continue
        label = field.title or label
        current = _unwrap(field.annotation)
    return label


def _found(err: dict, path: str) -> str | None:
    if err["type"] == "missing":
        return None
    value = err.get("input")
    if isinstance(value, (dict, list)) or value is None:
        return None
    if path.endswith("id_number"):
        return mask_id(value)
    text = cn.mask_id_numbers(str(value))  # an ID number under a misspelt key or in another field
    return text if len(text) <= 80 else text[:77] + "…"


def problems_from_validation(error: ValidationError, model: type[BaseModel], prefix: str = "") -> list[Problem]:
    """Every pydantic error as a ``Problem`` with dotted path, Chinese label, message and masked value."""
    problems = []
    for err in error.errors(include_url=False):
        loc = tuple(err["loc"])
        path = dotted_path(loc) or "（整个文件）"
        if prefix:
            path = f"{prefix}.{path}" if dotted_path(loc) else prefix
        problems.append(Problem(path, field_label(model, loc), _message(err), _found(err, path)))
    return problems


def validate(model: type[BaseModel], data: Any, prefix: str = "") -> tuple[BaseModel | None, list[Problem]]:
    """``(instance, [])`` when ``data`` is valid, else ``(None, problems)`` listing every problem."""
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, problems_from_validation(error, model, prefix)
