"""docgen.cn: RMB capital words, money, State Council working days, check digits, dates, numerals.

Expected values come from the rules themselves (PBoC 《正确填写票据和结算凭证的基本规定》,
the State Council holiday notices for 2023 and 2024, GB 11643 / GB 32100 / GB 11714) and from
the amounts printed in the seed contracts, never from the code under test.
"""

from __future__ import annotations

import random
import warnings
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from docgen import cn
from docgen.errors import InvalidInput
from tests.fakes import FAKE_NAMES, fake_id_number, fake_people, fake_person, fake_uscc

D = Decimal
FLOAT_MESSAGE = "金额必须是 Decimal 或数字字符串，不能是浮点数（YAML 中请加引号，例如 \"1038000.00\"）；现值：1038000.0"

# ───────────────────────────── rmb_upper ─────────────────────────────

# (amount, words): the 零 rules, 壹拾, 角/分, rounding, 万 and 亿 groups.
RULE_CASES = [
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("0.01", "壹分"),
    ("0.05", "伍分"),
    ("0.10", "壹角整"),
    ("0.5", "伍角整"),
    ("0.55", "伍角伍分"),
    ("1", "壹元整"),
    ("1.05", "壹元零伍分"),
    ("1.50", "壹元伍角整"),
    ("10", "壹拾元整"),
    ("10.5", "壹拾元伍角整"),
    ("11", "壹拾壹元整"),
    ("20.01", "贰拾元零壹分"),
    ("100.05", "壹佰元零伍分"),
    ("101", "壹佰零壹元整"),
    ("110", "壹佰壹拾元整"),
    ("1001", "壹仟零壹元整"),
    ("1010", "壹仟零壹拾元整"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),  # optional 零 at the 元 position: omitted
    ("10000", "壹万元整"),
    ("10001", "壹万零壹元整"),
    ("10010", "壹万零壹拾元整"),
    ("100000", "壹拾万元整"),
    ("100100", "壹拾万零壹佰元整"),
    ("101000", "壹拾万壹仟元整"),  # optional 零 at the 万 position: omitted
    ("103800", "壹拾万叁仟捌佰元整"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),  # the PBoC example, shorter form
    ("110000", "壹拾壹万元整"),
    ("1000001", "壹佰万零壹元整"),
    ("1000010", "壹佰万零壹拾元整"),
    ("1001000", "壹佰万壹仟元整"),
    ("1038000", "壹佰零叁万捌仟元整"),
    ("10000001", "壹仟万零壹元整"),
    ("10010000", "壹仟零壹万元整"),
    ("100000000", "壹亿元整"),
    ("100000000.01", "壹亿元零壹分"),
    ("100000100", "壹亿零壹佰元整"),
    ("100001000", "壹亿壹仟元整"),
    ("100010000", "壹亿零壹万元整"),
    ("120000000", "壹亿贰仟万元整"),
    ("1000000001", "壹拾亿零壹元整"),
    ("1000100000", "壹拾亿零壹拾万元整"),
    ("1010000000", "壹拾亿壹仟万元整"),
    ("2000000000", "贰拾亿元整"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # half-up rounding to 分
    ("0.004", "零元整"),
    ("0.005", "壹分"),
    ("1.005", "壹元零壹分"),
    ("1.995", "贰元整"),
    ("99.999", "壹佰元整"),
]

# Every amount printed in the seeds (inventory C.1), with its correct words.
SEED_CASES = [
    ("1950000", "壹佰玖拾伍万元整"),  # S0 三
    ("195000", "壹拾玖万伍仟元整"),  # S0 四
    ("1550000", "壹佰伍拾伍万元整"),  # S1 第三条
    ("155000", "壹拾伍万伍仟元整"),  # S1 第四条2.2
    ("106800", "壹拾万陆仟捌佰元整"),  # S1 附件三 fee items
    ("476000", "肆拾柒万陆仟元整"),
    ("686800", "陆拾捌万陆仟捌佰元整"),
    ("280400", "贰拾捌万零肆佰元整"),
    ("1038000", "壹佰零叁万捌仟元整"),  # S2
    ("103800", "壹拾万叁仟捌佰元整"),
    ("1160000", "壹佰壹拾陆万元整"),  # S3
    ("928000", "玖拾贰万捌仟元整"),
    ("232000", "贰拾叁万贰仟元整"),
    ("2347000", "贰佰叁拾肆万柒仟元整"),  # S4
    ("1408200", "壹佰肆拾万捌仟贰佰元整"),
    ("704100", "柒拾万肆仟壹佰元整"),
    ("234700", "贰拾叁万肆仟柒佰元整"),
    ("117350", "壹拾壹万柒仟叁佰伍拾元整"),  # the seed printed 拾壹万… (wrong)
]


@pytest.mark.parametrize(("amount", "words"), RULE_CASES + SEED_CASES)
def test_rmb_upper_writes_the_pboc_words(amount, words):
    assert cn.rmb_upper(D(amount)) == words


def test_rmb_upper_corrects_the_seed_004_error():
    assert cn.rmb_upper(D("117350.00")) != "拾壹万柒仟叁佰伍拾元整"
    assert cn.rmb_upper(D("117350.00")).startswith("壹拾")


def test_rmb_upper_prefix_and_accepted_input_types():
    assert cn.rmb_upper(D("1038000"), prefix=True) == "人民币壹佰零叁万捌仟元整"
    assert cn.rmb_upper(1038000) == "壹佰零叁万捌仟元整"
    assert cn.rmb_upper("1,038,000.00") == "壹佰零叁万捌仟元整"


def test_rmb_upper_rejects_float_with_the_clear_message():
    with pytest.raises(TypeError) as caught:
        cn.rmb_upper(1038000.0)
    assert str(caught.value) == FLOAT_MESSAGE


@pytest.mark.parametrize("bad", [True, False, 0.1, None, [1]])
def test_rmb_upper_rejects_bools_floats_and_other_types(bad):
    with pytest.raises(TypeError):
        cn.rmb_upper(bad)


@pytest.mark.parametrize(
    "bad", [D("-0.01"), D("-100"), D("NaN"), D("Infinity"), D("-Infinity"), D("1000000000000"), "NaN", "1e3"]
)
def test_rmb_upper_rejects_negative_non_finite_and_huge(bad):
    with pytest.raises(ValueError):
        cn.rmb_upper(bad)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _reference_group(group: int) -> str:
    """Words for 1..9999 with inner zeros as one 零, written straight from the PBoC rules."""
    out, zero_pending = "", False
    for unit, power in (("仟", 1000), ("佰", 100), ("拾", 10), ("", 1)):
        digit = group // power % 10
        if digit == 0:
            zero_pending = zero_pending or bool(out)
            continue
        out += ("零" if zero_pending else "") + _DIGITS[digit] + unit
        zero_pending = False
    return out


def _reference_upper(amount: Decimal) -> str:
    """An independent implementation of the documented convention, to sweep cn2an against."""
    fen_total = int(amount.quantize(D("0.01")) * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    groups = []
    while yuan:
        yuan, group = divmod(yuan, 10000)
        groups.append(group)
    words = ""
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            continue
        if words and group < 1000:  # a zero 千位 after a higher group: 零 is required
            words += "零"
        words += _reference_group(group) + ("", "万", "亿")[index]
    if words:
        words += "元"
    if jiao == 0 and fen == 0:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    return words + (_DIGITS[fen] + "分" if fen else "整")


def _zero_heavy_amounts(rng: random.Random, count: int) -> list[Decimal]:
    """Random amounts below 1 万亿 where most digits are 0, so every 零 rule is exercised."""
    amounts = []
    for _ in range(count):
        digits = "".join(rng.choice("0000000123456789") for _ in range(rng.randint(1, 12)))
        amounts.append(D(int(digits)) + D(rng.choice([0, 0, rng.randint(0, 99)])) / 100)
    return amounts


def test_reference_implementation_agrees_with_the_hand_written_cases():
    for amount, words in RULE_CASES + SEED_CASES:
        if D(amount) == D(amount).quantize(D("0.01")):
            assert _reference_upper(D(amount)) == words, amount


def test_rmb_upper_matches_the_rules_over_a_sweep():
    """GIVEN 0..12000 yuan, and 3000 zero-heavy amounts up to 1 万亿 with 角 and 分
    WHEN each is written in capital words
    THEN the words equal an independent implementation of the same PBoC rules."""
    amounts = [D(n) for n in range(12001)] + _zero_heavy_amounts(random.Random(20240609), 3000)
    wrong = [(a, cn.rmb_upper(a)) for a in amounts if cn.rmb_upper(a) != _reference_upper(a)]
    assert wrong == []


# ───────────────────────────── money helpers ─────────────────────────────


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (D("1038000"), "1038000.00"),
        (1038000, "1038000.00"),
        ("1,038,000.00", "1038000.00"),
        ("1038000", "1038000.00"),
        ("¥1,038,000.00", "1038000.00"),
        (" 928000.5 ", "928000.50"),
        ("0", "0.00"),
    ],
)
def test_to_money_accepts_decimal_int_and_strings(raw, expected):
    value = cn.to_money(raw)
    assert isinstance(value, Decimal)
    assert str(value) == expected


def test_to_money_rejects_float_with_the_clear_message():
    with pytest.raises(TypeError) as caught:
        cn.to_money(1038000.0)
    assert str(caught.value) == FLOAT_MESSAGE


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [
        ("1.005", "金额最多两位小数"),
        (D("0.001"), "金额最多两位小数"),
        ("-1", "金额不能为负数"),
        ("abc", "金额不是数字"),
        ("1,00,000", "千分位逗号位置不对"),
        ("1e3", "科学计数法"),
        ("NaN", "科学计数法"),
        (D("NaN"), "金额必须是有限数值"),
        (D("Infinity"), "金额必须是有限数值"),
        (D("1e30"), "金额过大"),
        ("1.0,5", "小数部分不能有逗号"),
    ],
)
def test_to_money_rejects_bad_amounts_with_a_reason(raw, message_part):
    with pytest.raises(ValueError, match=message_part):
        cn.to_money(raw)


def test_to_money_rejects_bool_and_allows_negative_only_when_asked():
    with pytest.raises(TypeError):
        cn.to_money(True)
    assert cn.to_money("-12.5", allow_negative=True) == D("-12.50")


class _Fee(BaseModel):
    total: cn.Money


def test_money_field_turns_a_yaml_float_into_a_validation_problem():
    assert _Fee(total="1,038,000.00").total == D("1038000.00")
    with pytest.raises(ValidationError) as caught:
        _Fee(total=1038000.0)
    (error,) = caught.value.errors()
    assert error["loc"] == ("total",)
    assert "金额必须是 Decimal 或数字字符串，不能是浮点数" in error["msg"]


@pytest.mark.parametrize(
    ("amount", "kwargs", "expected"),
    [
        (D("1950000"), {}, "¥1,950,000.00"),
        (D("1038000.00"), {}, "¥1,038,000.00"),
        (D("1550000"), {"grouping": False}, "¥1550000.00"),
        (D("928000"), {"symbol": False}, "928,000.00"),
        (D("0"), {}, "¥0.00"),
        (D("0.005"), {}, "¥0.01"),
        (D("-5"), {}, "-¥5.00"),
    ],
)
def test_fmt_cny(amount, kwargs, expected):
    assert cn.fmt_cny(amount, **kwargs) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("117350", "11.735"),
        ("1408200", "140.82"),
        ("704100", "70.41"),
        ("234700", "23.47"),
        ("1950000", "195"),
        ("1000000", "100"),  # not 1E+2
        ("0", "0"),
        ("50", "0.005"),
    ],
)
def test_wan_trims_trailing_zeros(amount, expected):
    assert cn.wan(D(amount)) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("10", "10%"), ("100", "100%"), ("10.00", "10%"), ("0.05", "0.05%"), ("0.0500", "0.05%"), ("33.33", "33.33%"),
])
def test_fmt_pct_trims_trailing_zeros(value, expected):
    assert cn.fmt_pct(D(value)) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("2.675", "2.68"), ("0.005", "0.01"), ("0.004", "0.00"), ("1.994999", "1.99"), ("4246.5753", "4246.58")],
)
def test_round_fen_is_half_up(amount, expected):
    assert cn.round_fen(D(amount)) == D(expected)


def test_round_fen_rejects_float():
    with pytest.raises(TypeError):
        cn.round_fen(2.675)


# ───────────────────────────── working days ─────────────────────────────


@pytest.fixture
def fresh_calendar(monkeypatch):
    """The default calendar with no user override file, rebuilt for this test (warnings fire again)."""
    monkeypatch.delenv(cn.OVERRIDES_ENV, raising=False)
    cn.reload_calendar()
    yield
    cn.reload_calendar()


def test_2023_national_day_and_its_adjusted_weekend(fresh_calendar):
    """State Council 2023 notice: 9-29..10-06 off (中秋节 + 国庆节), Sat 10-07 and Sun 10-08 worked."""
    assert cn.add_working_days(date(2023, 9, 28), 1) == date(2023, 10, 7)
    assert cn.is_workday(date(2023, 10, 7)) and cn.is_workday(date(2023, 10, 8))
    assert not any(cn.is_workday(date(2023, 10, d)) for d in range(1, 7))
    assert cn.holiday_name(date(2023, 9, 29)) == "中秋节"
    assert cn.holiday_name(date(2023, 10, 2)) == "国庆节"
    assert cn.holiday_name(date(2023, 10, 7)) is None
    info = cn.day_info(date(2023, 10, 7))
    assert (info.kind, info.name, info.label) == ("adjusted_workday", "国庆节", "调休工作日（国庆节）")


def test_2024_spring_festival(fresh_calendar):
    """State Council 2024 notice: 2-10..2-17 off, Sun 2-04 and Sun 2-18 worked."""
    assert cn.is_workday(date(2024, 2, 4))
    assert cn.is_workday(date(2024, 2, 18))
    assert cn.workdays_in_range(date(2024, 2, 9), date(2024, 2, 18)) == [date(2024, 2, 9), date(2024, 2, 18)]
    assert cn.holiday_name(date(2024, 2, 12)) == "春节"
    assert cn.is_holiday(date(2024, 2, 12))


def test_2024_dragon_boat_sunday_is_not_a_workday(fresh_calendar):
    """Seed 003 was signed on 2024-06-09, a Sunday inside 端午 (6-08..6-10)."""
    assert not cn.is_workday(date(2024, 6, 9))
    assert cn.holiday_name(date(2024, 6, 9)) == "端午节"
    assert cn.day_info(date(2024, 6, 10)).kind == "holiday"
    assert cn.next_workday(date(2024, 6, 9)) == date(2024, 6, 11)


def test_2023_has_249_working_days(fresh_calendar):
    """260 weekdays − 18 weekday holidays + 7 调休 days (seed 002 claims 251)."""
    assert cn.working_days_between(date(2023, 1, 1), date(2023, 12, 31)) == 249


def test_add_working_days_zero_negative_and_types(fresh_calendar):
    assert cn.add_working_days(date(2023, 10, 1), 0) == date(2023, 10, 7)  # rest day → next workday
    assert cn.add_working_days(date(2023, 9, 28), 0) == date(2023, 9, 28)
    assert cn.add_working_days(date(2023, 10, 7), -1) == date(2023, 9, 28)
    assert cn.add_working_days(datetime(2023, 9, 28, 17, 30), 1) == date(2023, 10, 7)
    assert cn.add_working_days(date(2022, 12, 13), 20) == date(2023, 1, 11)  # seed 002 bond due
    with pytest.raises(TypeError):
        cn.add_working_days("2023-09-28", 1)
    with pytest.raises(TypeError):
        cn.add_working_days(date(2023, 9, 28), 1.0)


def test_working_days_between_is_inclusive_and_crosses_years(fresh_calendar):
    # 12-29 Fri worked; 12-30/31 weekend; 1-1 元旦; 1-2 Tue worked
    assert cn.working_days_between(date(2023, 12, 29), date(2024, 1, 2)) == 2
    assert cn.working_days_between(date(2023, 10, 7), date(2023, 10, 7)) == 1
    assert cn.working_days_between(date(2023, 10, 8), date(2023, 10, 7)) == 0


def test_working_days_between_agrees_with_counting_day_by_day(fresh_calendar):
    rng = random.Random(7)
    for _ in range(200):
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 2200))
        end = start + timedelta(days=rng.randrange(-5, 400))
        assert cn.working_days_between(start, end) == len(cn.workdays_in_range(start, end))


def test_add_working_days_inverts_working_days_between(fresh_calendar):
    start = date(2023, 9, 20)
    for n in range(1, 40):
        end = cn.add_working_days(start, n)
        assert cn.is_workday(end)
        assert cn.working_days_between(start + timedelta(days=1), end) == n


def test_uncovered_year_uses_weekdays_and_warns_once(fresh_calendar):
    with pytest.warns(cn.CalendarWarning, match="2027 年不在国务院节假日安排数据范围内"):
        assert cn.is_workday(date(2027, 3, 1))  # a Monday
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a second warning for 2027 would fail here
        assert not cn.is_workday(date(2027, 3, 6))  # a Saturday
        assert cn.add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 8)


def test_uncovered_year_keeps_the_statutory_fixed_dates(fresh_calendar):
    """The shipped override file lists only dates fixed by law: 元旦 1-1, 国庆节 10-1..10-3."""
    with pytest.warns(cn.CalendarWarning):
        assert not cn.is_workday(date(2027, 1, 1))  # a Friday
    assert cn.holiday_name(date(2027, 1, 1)) == "元旦"
    assert cn.holiday_name(date(2027, 10, 1)) == "国庆节"
    assert cn.day_info(date(2027, 3, 1)).official is False


def test_years_before_the_data_also_fall_back(fresh_calendar):
    with pytest.warns(cn.CalendarWarning, match="2003 年"):
        assert cn.is_workday(date(2003, 6, 2))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overrides.yaml"
    path.write_text(text, encoding="utf-8")
    return path


OVERRIDE_2027 = """\
complete_years: [2027]
holidays:
  - {from: 2027-02-05, to: 2027-02-11, name: 春节}
  - {date: 2024-06-07, name: 本地停工}
workdays:
  - {date: 2027-02-13, name: 春节}
"""


def test_user_override_file_from_the_environment_is_honoured(tmp_path, monkeypatch):
    """GIVEN DOCGEN_WORKDAY_OVERRIDES names a file with a 2027 春节 and a complete_years entry
    WHEN 2027 dates are asked
    THEN the file's days apply, without a warning; and it overrides a covered year too."""
    monkeypatch.setenv(cn.OVERRIDES_ENV, str(_write(tmp_path, OVERRIDE_2027)))
    cn.reload_calendar()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert cn.holiday_name(date(2027, 2, 8)) == "春节"
            assert not cn.is_workday(date(2027, 2, 8))  # a Monday made a holiday
            assert cn.is_workday(date(2027, 2, 13))  # a Saturday made a workday
            assert cn.day_info(date(2027, 2, 13)).kind == "adjusted_workday"
            assert cn.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 12)
            assert not cn.is_workday(date(2024, 6, 7))  # a Friday in a covered year
            assert cn.day_info(date(2027, 2, 8)).official is True
    finally:
        cn.reload_calendar()


def test_bad_override_file_reports_every_problem(tmp_path):
    path = _write(
        tmp_path,
        "holidays:\n"
        "  - {from: 2027-02-11, to: 2027-02-05, name: 春节}\n"
        "  - {date: 2027-03-01, from: 2027-03-01, to: 2027-03-02}\n"
        "workdays:\n"
        "  - {date: not-a-date}\n"
        "bogus: 1\n",
    )
    with pytest.raises(InvalidInput) as caught:
        cn.WorkCalendar([path])
    paths = sorted(p.path for p in caught.value.problems)
    assert paths == ["bogus", "holidays[0]", "holidays[1]", "workdays[0].date"]
    assert caught.value.exit_code == 2


def test_override_file_with_a_list_or_a_huge_range(tmp_path):
    with pytest.raises(InvalidInput) as caught:
        cn.WorkCalendar([_write(tmp_path, "- 2027-01-01\n")])
    assert caught.value.problems[0].path == "(文件)"
    with pytest.raises(InvalidInput) as caught:
        cn.WorkCalendar([_write(tmp_path, "holidays: [{from: 2027-01-01, to: 2028-06-01, name: x}]\n")])
    assert "超过一年" in caught.value.problems[0].message


def test_far_dates_do_not_crash():
    calendar = cn.WorkCalendar()
    with pytest.warns(cn.CalendarWarning):
        assert calendar.is_workday(date(9999, 12, 31))  # a Friday
    with pytest.warns(cn.CalendarWarning):
        assert calendar.working_days_between(date(1, 1, 1), date(1, 1, 7)) == 5


def test_override_file_missing_or_contradictory(tmp_path):
    with pytest.raises(InvalidInput, match="工作日调整文件不存在"):
        cn.WorkCalendar([tmp_path / "absent.yaml"])
    clash = _write(tmp_path, "holidays: [{date: 2027-02-13, name: x}]\nworkdays: [{date: 2027-02-13}]\n")
    with pytest.raises(InvalidInput) as caught:
        cn.WorkCalendar([clash])
    assert caught.value.problems[0].message == "同一天既是节假日又是调休工作日"


def test_calendar_rejects_non_dates(fresh_calendar):
    with pytest.raises(TypeError):
        cn.is_workday("2023-10-07")


# ───────────────────────────── ID numbers (GB 11643) ─────────────────────────────


def test_the_standards_own_example_and_lower_case_x():
    assert cn.check_id_number("11010519491231002X")
    assert cn.check_id_number("11010519491231002x")
    assert cn.id_gender("11010519491231002x") == "女"
    assert cn.id_birth_date("11010519491231002X") == date(1949, 12, 31)


def test_fake_people_have_valid_matching_id_numbers():
    for person in fake_people(30, seed=3):
        assert cn.check_id_number(person.id_number), person
        assert cn.id_gender(person.id_number) == person.gender
        assert cn.id_birth_date(person.id_number) == person.birth


def test_every_single_character_change_is_caught():
    number = fake_id_number(1, date(1985, 4, 12), male=True)
    for position in range(18):
        for replacement in "0123456789X":
            if replacement != number[position] and (position == 17 or replacement != "X"):
                changed = number[:position] + replacement + number[position + 1:]
                assert not cn.check_id_number(changed), changed


def _with_check(first17: str) -> str:
    return first17 + cn.id_check_char(first17)


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        (_with_check("11010519990230123"), "身份证号码第 7–14 位不是有效的出生日期"),
        (_with_check("11010518890101123"), "身份证号码中的出生日期不合理（早于 1900 年或晚于今天）"),
        (_with_check("11010529990101123"), "身份证号码中的出生日期不合理（早于 1900 年或晚于今天）"),
        (_with_check("99010519850412123"), "身份证号码前 2 位不是有效的省级地区码"),
        ("11010519491231002", "身份证号码应为 18 位，现为 17 位"),
        ("1101051949123100XX", "身份证号码应为 17 位数字加 1 位数字或 X"),
        ("11010519491231002Y", "身份证号码应为 17 位数字加 1 位数字或 X"),
        ("110105194912310021", "身份证号码校验码不符，请逐位核对"),
    ],
)
def test_invalid_id_numbers_say_why_without_quoting_digits(number, problem):
    assert cn.id_number_problem(number) == problem
    assert number[6:14] not in problem and number[:6] not in problem
    assert not cn.check_id_number(number)


def test_id_helpers_refuse_invalid_numbers():
    with pytest.raises(ValueError, match="校验码不符"):
        cn.id_gender("110105194912310021")
    assert not cn.check_id_number(None)  # type: ignore[arg-type]


def test_lower_case_x_on_a_generated_number():
    rng = random.Random(11)
    number = next(
        n for n in (fake_id_number(rng, date(1990, 1, 1), male=False) for _ in range(500)) if n.endswith("X")
    )
    assert cn.check_id_number(number.lower())


# ───────────────────────────── USCC (GB 32100 + GB 11714) ─────────────────────────────


@pytest.mark.parametrize("code", ["12110000MB1M157146", "91110000101137049C", "91350100M000100Y43"])
def test_real_and_standard_codes_pass(code):
    """The two seed parties' codes, and the example of GB 32100-2015."""
    assert cn.check_uscc(code)
    assert cn.check_uscc(code.lower())


def test_fake_codes_pass_and_every_single_change_fails():
    codes = [fake_uscc(seed) for seed in range(20)] + [fake_uscc(5, dept="1", category="2", region="110000")]
    for code in codes:
        assert cn.check_uscc(code), code
    code = codes[0]
    for position in range(18):
        for replacement in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if replacement != code[position]:
                changed = code[:position] + replacement + code[position + 1:]
                assert not cn.check_uscc(changed), changed


def test_organisation_code_check_digit_is_verified():
    body = "91110000101137048"  # the seed code with a wrong organisation-code check digit
    code = body + cn.uscc_check_char(body)  # …and a correct final check character
    assert cn.uscc_problem(code) == "统一社会信用代码第 9–17 位（组织机构代码 101137048）校验位不符"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("9111000010113704", "统一社会信用代码应为 18 位，现为 16 位"),
        ("91110000I01137049C", "统一社会信用代码含不允许的字符：I（不用 I、O、S、V、Z）"),
        ("91AB0000101137049C", "统一社会信用代码的登记管理机关行政区划码 AB0000 不对"),
        ("91110000101137049D", "统一社会信用代码校验码不符，请逐位核对"),
    ],
)
def test_invalid_uscc_says_why(code, problem):
    assert cn.uscc_problem(code) == problem
    assert not cn.check_uscc(code)


# ───────────────────────────── dates and numerals ─────────────────────────────


@pytest.mark.parametrize(
    ("day", "style", "expected"),
    [
        (date(2022, 10, 19), "cn", "2022年10月19日"),
        (date(2021, 8, 30), "cn_spaced", "2021 年 8 月 30 日"),
        (date(2022, 10, 19), "dot", "2022.10.19"),
        (date(2024, 6, 9), "dot", "2024.6.9"),
        (date(2022, 7, 6), "dot_spaced", "2022. 7. 6"),
        (date(2022, 10, 19), "dot_spaced", "2022.10.19"),
        (date(2022, 10, 19), "month", "2022年10月"),
        (date(2022, 12, 6), "cn_numerals", "二〇二二年十二月六日"),
        (date(2020, 10, 31), "cn_numerals", "二〇二〇年十月三十一日"),
        (date(2022, 10, 19), "iso", "2022-10-19"),
    ],
)
def test_fmt_date_styles(day, style, expected):
    assert cn.fmt_date(day, style) == expected


def test_every_declared_date_style_works_and_others_fail():
    assert set(cn.DATE_STYLES) == {"cn", "cn_spaced", "dot", "dot_spaced", "month", "cn_numerals", "iso"}
    for style in cn.DATE_STYLES:
        assert cn.fmt_date(date(2023, 1, 2), style)
    with pytest.raises(ValueError, match="未知的日期格式 'us'"):
        cn.fmt_date(date(2023, 1, 2), "us")  # type: ignore[arg-type]
    assert cn.fmt_date(date(2023, 1, 2)) == "2023年1月2日"


@pytest.mark.parametrize(
    ("n", "expected"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"), (101, "一百零一")]
)
def test_cn_ordinal(n, expected):
    assert cn.cn_ordinal(n) == expected


@pytest.mark.parametrize(
    ("n", "style", "expected"),
    [
        (6, "upper", "陆"), (8, "upper", "捌"), (3, "upper", "叁"), (2, "upper", "贰"), (4, "upper", "肆"),
        (10, "upper", "壹拾"),
        (2, "lower", "二"), (3, "lower", "三"), (6, "lower", "六"), (8, "lower", "八"), (4, "lower", "四"),
    ],
)
def test_cn_count(n, style, expected):
    assert cn.cn_count(n, style) == expected


def test_numerals_reject_bad_input():
    with pytest.raises(ValueError):
        cn.cn_ordinal(0)
    with pytest.raises(TypeError):
        cn.cn_count(True)
    with pytest.raises(ValueError):
        cn.cn_count(-1)
    with pytest.raises(ValueError):
        cn.cn_count(2, "roman")  # type: ignore[arg-type]


def test_cn_digit_year():
    assert cn.cn_digit_year(2022) == "二〇二二"
    assert cn.cn_digit_year(2000) == "二〇〇〇"


# ───────────────────────────── periods ─────────────────────────────


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2022, 12, 13), 12, date(2023, 12, 12)),  # seed 002
        (date(2021, 1, 1), 12, date(2021, 12, 31)),  # seed 001 rows
        (date(2021, 9, 4), 12, date(2022, 9, 3)),
        (date(2021, 5, 21), 12, date(2022, 5, 20)),
        (date(2024, 6, 9), 12, date(2025, 6, 8)),  # seed 003
        (date(2023, 1, 31), 1, date(2023, 2, 27)),  # clamp to 2-28, then the day before
        (date(2023, 3, 1), 1, date(2023, 3, 31)),
    ],
)
def test_service_end(start, months, end):
    assert cn.service_end(start, months) == end


def test_add_months_clamps_to_month_end():
    assert cn.add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert cn.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert cn.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert cn.add_months(date(2023, 3, 31), -1) == date(2023, 2, 28)
    assert cn.add_months(date(2023, 11, 15), 3) == date(2024, 2, 15)
    with pytest.raises(ValueError):
        cn.service_end(date(2023, 1, 1), 0)


# ───────────────────────────── the synthetic people ─────────────────────────────


def test_fakes_are_deterministic_and_not_real_seed_people():
    assert fake_person(4, seed=9) == fake_person(4, seed=9)
    assert fake_uscc(3) == fake_uscc(3)
    real_names = {"王为昌", "王伟昌", "姚高云", "高云", "孙桂宝"}
    assert not real_names & set(FAKE_NAMES)
    seeds = Path("/work/shared/seeds")
    if seeds.is_dir():
        text = "".join(p.read_text(encoding="utf-8") for p in seeds.glob("*.txt"))
        assert [name for name in FAKE_NAMES if name in text] == []


# ───────────────────────────── masking ID numbers in free text ─────────────────────────────


def test_mask_id_numbers_replaces_only_checksum_valid_numbers():
    valid = fake_id_number(7, date(1990, 3, 1), male=True)
    wrong_check = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    text = f"乙方身份证号{valid}，账号{wrong_check}，合同编号BJRBJ2021010，电话010-55585416"
    masked = cn.mask_id_numbers(text)
    assert valid not in masked
    assert cn.ID_PLACEHOLDER in masked
    assert wrong_check in masked  # not an ID number: an account may look like one
    assert "BJRBJ2021010" in masked and "010-55585416" in masked


def test_mask_id_numbers_leaves_longer_digit_runs_and_lowercase_x():
    valid = fake_id_number(3, date(1985, 12, 31), male=False)
    assert cn.mask_id_numbers("9" + valid) == "9" + valid  # part of a longer number
    if valid.endswith("X"):
        assert valid.lower() not in cn.mask_id_numbers(valid.lower())
    assert cn.mask_id_numbers(None) == "" and cn.mask_id_numbers("") == ""
