"""Duties and deadlines on the State Council working-day calendar (调休 included).

The dates below were read off the official schedules: 2023 中秋/国庆 2023-09-29…10-06 off,
10-07 (Sat) and 10-08 (Sun) worked; 2024 春节 02-10…02-17 off, 02-04 (Sun) and 02-18 (Sun)
worked; 2024 清明 04-04…04-06 off, 04-07 (Sun) worked.
"""

from __future__ import annotations

from datetime import date

import pytest

from archive.handover_duties import (
    DEFAULT_DUTIES,
    DueRule,
    Duty,
    Fault,
    default_duty,
    expected_items,
    package_period,
    parse_period,
    weeks_of_month,
)
from docgen import cn


def due(name: str, key: str) -> date:
    duty, period = default_duty(name), parse_period(key)
    return duty.due.due(period.end)


def test_september_2023_monthly_report_is_due_on_the_third_working_day_after_national_day():
    # 10-07 and 10-08 are 调休 working days: 1st and 2nd; Monday 10-09 is the 3rd.
    assert due("月报", "2023-09") == date(2023, 10, 9)


def test_weekly_report_of_the_week_before_spring_festival_is_due_on_the_adjusted_sunday():
    assert due("周报", "2024-W06") == date(2024, 2, 18)


def test_weekly_report_of_the_spring_festival_week_is_due_the_next_monday():
    # 2024-W07 ends on Sunday 02-18, itself a 调休 working day; the next working day is 02-19.
    assert due("周报", "2024-W07") == date(2024, 2, 19)


def test_weekly_report_of_the_week_ending_in_national_day_is_due_on_the_adjusted_saturday():
    assert due("周报", "2023-W39") == date(2023, 10, 7)


def test_january_2024_monthly_report_counts_the_adjusted_sunday():
    assert due("月报", "2024-01") == date(2024, 2, 4)


def test_quarterly_report_counts_five_working_days_across_qingming():
    # 04-01, 02, 03 worked; 04-04…06 清明; 04-07 (Sun) worked; 04-08 is the 5th.
    assert due("季报", "2024Q1") == date(2024, 4, 8)


def test_fault_report_is_due_three_working_days_after_clearing_across_national_day():
    fault_duty = default_duty("故障报告")
    assert fault_duty.due.due(date(2023, 9, 27)) == date(2023, 10, 8)


def test_calendar_basis_moves_a_deadline_off_a_holiday():
    assert DueRule(n=1, basis="calendar").due(date(2023, 9, 30)) == date(2023, 10, 7)
    assert DueRule(n=10, basis="calendar").due(date(2023, 9, 30)) == date(2023, 10, 10)


def test_weeks_belong_to_the_month_of_their_thursday():
    assert [w.key for w in weeks_of_month(2023, 9)] == ["2023-W36", "2023-W37", "2023-W38", "2023-W39"]
    assert weeks_of_month(2024, 12)[-1].key == "2024-W52"
    # 2025-W01 runs 2024-12-30 … 2025-01-05: its Thursday is 2025-01-02, so January 2025.
    assert weeks_of_month(2025, 1)[0].key == "2025-W01"


def test_every_week_of_a_year_belongs_to_exactly_one_month():
    keys = [w.key for month in range(1, 13) for w in weeks_of_month(2024, month)]
    assert keys == [f"2024-W{n:02d}" for n in range(1, 53)]


def test_a_month_package_owes_weekly_monthly_and_fault_reports_only():
    items = expected_items(DEFAULT_DUTIES, package_period(month="2023-09"), faults=[Fault(1, date(2023, 9, 27))])
    assert [i.key for i in items] == [
        "周报/2023-W36", "周报/2023-W37", "周报/2023-W38", "周报/2023-W39", "月报/2023-09", "故障报告/fault-1",
    ]


def test_a_quarter_package_consolidates_its_months_and_adds_the_quarterly_report():
    items = expected_items(DEFAULT_DUTIES, package_period(quarter="2024Q1"))
    names = [i.duty.name for i in items]
    assert names.count("周报") == 13 and names.count("月报") == 3 and names.count("季报") == 1
    assert "半年报" not in names


def test_half_yearly_reports_are_owed_in_q2_and_q4_only():
    owed = {q: [i.key for i in expected_items(DEFAULT_DUTIES, package_period(quarter=f"2024Q{q}")) if "半年报" in i.key]
            for q in (1, 2, 3, 4)}
    assert owed == {1: [], 2: ["半年报/2024-H1"], 3: [], 4: ["半年报/2024-H2"]}


def test_faults_cleared_outside_the_package_period_are_not_owed():
    faults = [Fault(1, date(2023, 8, 31)), Fault(2, date(2023, 9, 1))]
    items = expected_items([default_duty("故障报告")], package_period(month="2023-09"), faults=faults)
    assert [i.fault.id for i in items] == [2]


def test_the_service_period_limits_what_is_owed():
    items = expected_items(DEFAULT_DUTIES[:2], package_period(month="2023-09"),
                           service_start=date(2023, 9, 20), service_end=date(2023, 12, 31))
    assert [i.key for i in items] == ["周报/2023-W38", "周报/2023-W39", "月报/2023-09"]


def test_a_daily_duty_owes_one_record_per_working_day():
    daily = Duty(name="日常巡检及维护记录", category="04", doc_type="系统日监控单", cadence="workday", due=1)
    items = expected_items([daily], package_period(month="2023-10"))
    assert len(items) == cn.working_days_between(date(2023, 10, 1), date(2023, 10, 31))
    assert items[0].period.start == date(2023, 10, 7)  # the first working day after 国庆
    assert items[0].due == date(2023, 10, 8)


def test_cadence_accepts_the_contract_words():
    assert Duty(name="x", category="07", doc_type="周报", cadence="每周", due=1).cadence == "week"
    assert Duty(name="x", category="07", doc_type="周报", cadence="weekly", due=1).cadence == "week"


@pytest.mark.parametrize("month, quarter, message", [
    (None, None, "请给出 --month YYYY-MM 或 --quarter YYYYQn 之一"),
    ("2023-09", "2023Q3", "请给出 --month YYYY-MM 或 --quarter YYYYQn 之一"),
    ("2023-13", None, "月份格式应为 YYYY-MM；现值：2023-13"),
    (None, "2023Q5", "季度格式应为 YYYYQn（n 为 1–4）；现值：2023Q5"),
])
def test_package_period_refuses_bad_periods(month, quarter, message):
    with pytest.raises(ValueError) as raised:
        package_period(month=month, quarter=quarter)
    assert str(raised.value) == message


def test_period_labels_are_chinese():
    assert parse_period("2024-W06").label == "2024年第6周（2月5日—2月11日）"
    assert parse_period("2024Q1").label == "2024年第1季度"
    assert parse_period("2024-H2").label == "2024年下半年"
