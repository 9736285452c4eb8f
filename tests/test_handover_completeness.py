"""Matching archived documents against what a package owes: present, late, missing, not yet due."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from archive.handover_completeness import ArchivedDoc, check_completeness
from archive.handover_duties import DEFAULT_DUTIES, Fault, package_period

SEPTEMBER = package_period(month="2023-09")
_numbers = iter(range(1, 10_000))


def doc(doc_type: str | None, period: str | None = None, received: date | None = None, *, category: str = "07",
        day: date | None = None, **extra) -> ArchivedDoc:
    n = next(_numbers)
    return ArchivedDoc(ref=f"BJ01-WS·2023-D10-FWZ-{n:04d}", category=category, title=f"文件{n}", doc_type=doc_type,
                       period=period, date=day or received, received=received, **extra)


def check(docs, *, as_of=date(2023, 12, 1), faults=(), package=SEPTEMBER, strict=False):
    return check_completeness("JFLH", DEFAULT_DUTIES, package, docs, as_of=as_of, faults=faults, strict=strict)


def statuses(report) -> dict[str, str]:
    return {item.expected.key: item.status for item in report.items}


def test_a_september_with_one_missing_and_two_late_items():
    """GIVEN W37 a day late, W38 never sent, the 月报 a day after its 国庆-shifted deadline
    WHEN checked in December THEN each is found as such, and the deductions follow seed 003 附件4."""
    report = check([
        doc("周报", "2023-W36", date(2023, 9, 11)),
        doc("周报", "2023-W37", date(2023, 9, 19)),
        doc("周报", "2023-W39", date(2023, 10, 7)),
        doc("月报", "2023-09", date(2023, 10, 10)),
    ])
    assert statuses(report) == {
        "周报/2023-W36": "present", "周报/2023-W37": "late", "周报/2023-W38": "missing",
        "周报/2023-W39": "present", "月报/2023-09": "late",
    }
    assert report.completeness_deduction == Decimal("0.5")
    assert report.timeliness_deduction == Decimal("1.0")
    assert not report.ok
    late = next(i for i in report.items if i.expected.key == "月报/2023-09")
    assert (late.expected.due, late.days_late, late.working_days_late) == (date(2023, 10, 9), 1, 1)
    assert late.note() == "迟交 1 天（应交 2023-10-09，实交 2023-10-10）"


def test_late_alone_passes_unless_strict():
    docs = [doc("周报", f"2023-W{w}", date(2023, 10, 20)) for w in (36, 37, 38, 39)] + [doc("月报", "2023-09", date(2023, 10, 9))]
    assert check(docs).ok
    assert not check(docs, strict=True).ok


def test_nothing_is_missing_before_its_due_date():
    report = check([], as_of=date(2023, 10, 7))
    assert statuses(report)["周报/2023-W39"] == "not_due"  # due that very day
    assert statuses(report)["月报/2023-09"] == "not_due"
    assert statuses(report)["周报/2023-W38"] == "missing"


def test_the_first_submission_decides_timeliness_and_all_copies_are_carried():
    first, second = doc("月报", "2023-09", date(2023, 10, 8)), doc("月报", "2023-09", date(2023, 10, 20))
    report = check([second, first])
    item = next(i for i in report.items if i.expected.key == "月报/2023-09")
    assert item.status == "present" and [d.ref for d in item.docs] == [first.ref, second.ref]
    assert {first.ref, second.ref} <= {d.ref for d in report.documents}


def test_a_document_of_another_type_or_period_does_not_count():
    report = check([doc("月报", "2023-08", date(2023, 9, 5)), doc("周报", "2023-W40", date(2023, 10, 9)),
                    doc("季报", "2023-09", date(2023, 10, 9))])
    assert set(statuses(report).values()) == {"missing"}


def test_fault_reports_match_their_fault_by_reference_then_by_date():
    faults = [Fault(1, date(2023, 9, 27), "GZ-9"), Fault(2, date(2023, 9, 5)), Fault(3, date(2023, 9, 12))]
    by_ref = doc("故障报告", category="06", received=date(2023, 10, 8), doc_no="GZ-9")
    early = doc("故障报告", category="06", received=date(2023, 9, 6))
    later = doc("故障报告", category="06", received=date(2023, 9, 20))
    report = check([later, by_ref, early], faults=faults)
    found = {i.expected.fault.id: (i.status, [d.ref for d in i.docs]) for i in report.items if i.expected.fault}
    assert found == {2: ("present", [early.ref]), 3: ("late", [later.ref]), 1: ("present", [by_ref.ref])}


def test_a_report_dated_before_the_fault_was_cleared_is_not_its_report():
    report = check([doc("故障报告", category="06", received=date(2023, 9, 1))], faults=[Fault(1, date(2023, 9, 5))])
    assert statuses(report)["故障报告/fault-1"] == "missing"


def test_documents_of_the_period_that_fit_no_duty_are_listed_apart():
    minutes = doc("会议纪要", category="08", received=date(2023, 9, 14))
    august_week = doc("周报", "2023-W35", date(2023, 9, 4))  # W35's Thursday is 08-31: August
    october = doc("会议纪要", category="08", received=date(2023, 10, 2))
    report = check([minutes, august_week, october])
    assert [d.ref for d in report.others] == [minutes.ref]


def test_summary_and_json_shape():
    data = check([doc("周报", "2023-W36", date(2023, 9, 11))]).to_dict()
    assert data["summary"] == {
        "expected": 5, "present": 1, "late": 0, "missing": 4, "not_due": 0, "other_documents": 0,
        "completeness_deduction": Decimal("2.0"), "timeliness_deduction": Decimal("0"), "total_deduction": Decimal("2.0"),
        "ok": False,
    }
    first = data["items"][0]
    assert first == {
        "duty": "周报", "category": "07", "doc_type": "周报", "cadence": "week", "period": "2023-W36",
        "label": "2023年第36周（9月4日—9月10日）", "fault": None, "due": date(2023, 9, 11), "status": "present",
        "status_name": "按时", "received": date(2023, 9, 11), "days_late": 0, "working_days_late": 0,
        "deduction": Decimal("0"), "refs": [first["refs"][0]],
    }
