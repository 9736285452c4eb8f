"""The 监理通知单: derived 文号, working-day 整改期限, citations from the contract, reply and closure boxes.

Sample: 北京国研科技咨询有限公司 (seed 000's supervisor) to 首都信息发展股份有限公司 about seed 002's
project. The incident and people are synthetic.
"""

from __future__ import annotations

import pytest

from docgen.kinds.base import get_kind
from docgen.kinds.notice import NoticeNumber, number_text
from docgen.render import check, render
from tests.kind_helpers import docx_text, errors_of, linked_sample, render_sample, run, table_rows

KIND = get_kind("notice")
SAMPLE = KIND.folder / "sample-002.yaml"
CONTRACT_002 = get_kind("contract").folder / "sample-002.yaml"
BLANK = "＿" * 34


def notice(**changes) -> dict:
    return linked_sample(SAMPLE, **changes)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return render_sample(tmp_path_factory, "notice", SAMPLE)


# ───────────────────────────── the sample ─────────────────────────────


def test_number_recipient_and_copy_from_the_contract(rendered):
    text = docx_text(rendered)
    assert text.splitlines()[:2] == ["监理通知单", "监通〔2023〕第012号"]
    rows = dict(table_rows(rendered, "项目名称", "北京市积分落户管理信息系统运行维护服务"))
    assert rows["主合同"] == "《北京市积分落户管理信息系统运行维护服务合同书》"
    assert rows["致（运维服务单位）"] == "首都信息发展股份有限公司"
    assert rows["抄送（甲方）"] == "北京市人力资源和社会保障局"


def test_incident_facts(rendered):
    rows = dict(table_rows(rendered, "问题类型", "重大事故"))
    assert rows["发生时间"] == "2023年9月27日9时20分"
    assert rows["影响范围"].startswith("申报期内全部网上申报用户")


def test_basis_cites_the_contracts_clauses_and_annexes_by_number(rendered):
    text = docx_text(rendered)
    for line in ("1. 主合同的合同一般条款第八条（服务质量考核条款）", "2. 主合同的合同一般条款第七条（违约条款）",
                 "3. 主合同附件三《北京市积分落户管理信息系统运维服务方案》",
                 "4. 《信息技术服务 运行维护 第1部分：通用要求》（GB/T 28827.1）"):
        assert line in text


def test_deadline_is_counted_in_working_days_across_national_day(rendered):
    """2023-09-28 + 5 working days: 09-29 … 10-06 are holidays, 10-07 and 10-08 make-up workdays."""
    assert "请于5个工作日内（即2023年10月11日前）完成整改" in docx_text(rendered)


def test_deduction_in_words_and_issuer(rendered):
    text = docx_text(rendered)
    assert "建议核减运维服务费用人民币¥10,380.00元（大写：人民币壹万零叁佰捌拾元整），报甲方审定。" in text
    assert "总监理工程师（签字）：冯示范" in text and "签发日期：2023年9月28日" in text


def test_reply_and_closure_are_blank_lines_until_given(rendered):
    text = docx_text(rendered)
    assert text.count(BLANK) == 6
    assert "负责人（签字）：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日" in text


def test_reply_and_closure_when_given(tmp_path):
    data = notice(reply={"text": "已完成连接池扩容并修订应急预案。", "by": "陈思远", "date": "2023-10-10"},
                  closure={"text": "经现场复查，整改措施已落实。", "by": "冯示范", "date": "2023-10-12"})
    out = tmp_path / "n.docx"
    render("notice", data, out)
    text = docx_text(out)
    assert BLANK not in text
    assert "负责人（签字）：陈思远　　日期：2023年10月10日" in text
    assert "经现场复查，整改措施已落实。（已闭环）" in text


@pytest.mark.parametrize("seq, shown", [(1, "第001号"), (12, "第012号"), (1234, "第1234号")])
def test_number_display(seq, shown):
    assert number_text(NoticeNumber(year=2024, seq=seq)) == f"监通〔2024〕{shown}"


def test_deadline_as_a_date_and_across_spring_festival():
    """2024-02-08 + 3 working days: 02-09 works, 02-10 … 02-17 off, Sunday 02-18 a make-up day → 02-19."""
    derived = check("notice", notice(issue_date="2024-02-08", number={"year": 2024, "seq": 1},
                                     incident={**notice()["incident"], "occurred": "2024-02-07"},
                                     deadline="3个工作日")).derived
    assert derived["deadline_text"] == "3个工作日内（即2024年2月19日前）"
    assert check("notice", notice(deadline="2023-10-09")).derived["deadline_text"] == "2023年10月9日前"


@pytest.mark.parametrize("deadline", ["2023-10-03", "5日"], ids=["a-date", "calendar-days"])
def test_a_deadline_on_a_holiday_is_a_warning(deadline):
    """GIVEN a notice issued 2023-09-28 WHEN its deadline falls on 2023-10-03 (国庆), typed as a date or
    counted as 5 calendar days THEN the check warns that the deadline is not a working day."""
    warnings = [w.as_line() for w in check("notice", notice(deadline=deadline)).warnings if w.path == "deadline"]
    assert warnings == ["deadline（整改期限）：整改期限是节假日（国庆节），不是工作日；现值：2023-10-03"]


def test_without_assessment_the_section_drops_out(tmp_path):
    data = notice()
    del data["assessment"]
    out = tmp_path / "n.docx"
    render("notice", data, out)
    assert "考核意见" not in docx_text(out)


# ───────────────────────────── bad input ─────────────────────────────


def test_deadline_before_issue_date(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace("deadline: 5个工作日", "deadline: 2023-09-20")
                    .replace("contract: ../contract/sample-002.yaml", f"contract: {CONTRACT_002}"), encoding="utf-8")
    result = run("check", "notice", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "错误：监理通知单数据有 1 处错误，未生成任何文件",
        "  [错误] deadline（整改期限）：整改期限 2023-09-20 早于签发日期 2023-09-28；现值：2023-09-20",
    ]


def test_incident_after_issue_and_reply_before_it():
    lines = errors_of("notice", notice(incident={**notice()["incident"], "occurred": "2023-09-30"},
                             reply={"text": "已整改。", "by": "陈思远", "date": "2023-09-01"}))
    assert lines == [
        "incident.occurred（发生日期）：晚于签发日期 2023-09-28；现值：2023-09-30",
        "reply.date（回复日期）：早于签发日期 2023-09-28；现值：2023-09-01",
    ]


def test_closure_without_reply():
    assert errors_of("notice", notice(closure={"text": "已闭环。", "by": "冯示范", "date": "2023-10-12"})) == [
        "closure（监理复查意见）：没有运维服务单位的回复，不能复查闭环"]


def test_unknown_clause_and_annex_keys():
    lines = errors_of("notice", notice(basis=[{"clause": "penalties"}, {"annex": "fees"}]))
    assert lines[0].startswith("basis[0].clause（主合同条款）：主合同没有此条款；可用：definitions、documents、")
    assert lines[0].endswith("；现值：penalties")
    assert lines[1] == ("basis[1].annex（主合同附件）：主合同没有此附件；可用：award_notice、scope、plan、nda、staff；"
                        "现值：fees")


def test_basis_needs_exactly_one_kind():
    assert errors_of("notice", notice(basis=[{"clause": "penalty", "text": "某规范"}])) == [
        "basis[0]（依据）：每条依据写 clause（主合同条款）、annex（主合同附件）或 text（其他依据）三者之一"]


def test_deduction_above_total_and_float_deduction():
    too_much = errors_of("notice", notice(assessment={"opinion": "核减。", "deduction": "2000000.00"}))
    assert too_much == ["assessment.deduction（费用核减金额）：核减金额 ¥2,000,000.00 大于合同总价 ¥1,038,000.00；"
                        "现值：2000000.00"]
    floated = errors_of("notice", notice(assessment={"opinion": "核减。", "deduction": 10380.0}))
    assert floated[0].startswith("assessment.deduction（费用核减金额）：金额不能写成不带引号的小数")


def test_unquoted_time_and_wrong_type_all_at_once():
    lines = errors_of("notice", notice(incident={**notice()["incident"], "time": 560, "type": "事故"},
                             number={"year": 2023, "seq": 0}))
    assert [line.split("：")[0] for line in lines] == ["number.seq（序号）", "incident.type（问题类型）",
                                                       "incident.time（发生时间）"]
    assert "时间请加引号" in lines[2]


def test_year_of_number_differs_from_issue_date_is_a_warning():
    result = check("notice", notice(number={"year": 2022, "seq": 12}))
    assert "number.year" in [w.path for w in result.warnings]


def test_jinja_and_xml_in_values_are_printed_literally(tmp_path):
    value = "{{ config }} & <w:p> {%tr for x in y %}"
    out = tmp_path / "n.docx"
    render("notice", notice(requirements=[value]), out)
    assert f"1. {value}" in docx_text(out)


def test_without_a_contract_file_clauses_cannot_be_cited():
    data = notice(main_contract={"project_name": "示例运维项目", "title": "示例运维服务合同",
                                 "party_a": {"name": "北京市示例局", "address": "北京市示例区"},
                                 "party_b": {"name": "北京测试网络科技有限公司", "address": "北京市示例区"},
                                 "signing_date": "2023-01-05"})
    del data["contract"]
    lines = errors_of("notice", data)
    assert lines[0] == ("basis[0].clause（主合同条款）：主合同没有此条款；可用：（无主合同数据文件，不能按条款引用，请改用 text）；"
                        "现值：assessment")


# ───────────────────────────── command line ─────────────────────────────


def test_cli_render_sample(tmp_path):
    out = tmp_path / "监理通知单.docx"
    result = run("render", "notice", SAMPLE, "-o", out)
    assert result.exit_code == 0
    assert result.stdout == f"已生成：{out}\n"
    assert result.stderr == ""  # the sample is clean: no warnings
