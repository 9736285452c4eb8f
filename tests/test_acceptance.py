"""The 验收报告: derived conclusion, 整改 deadlines on the working-day calendar, 尾款 refunds by grade.

Samples: seed 003's acceptance terms (two parties, grade 合格 → 20 % of the 232,000.00 尾款) and
seed 002's project under seed 000's supervisor (三方 signatures). People are synthetic.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from docgen.kinds.acceptance import grade_of
from docgen.kinds.base import get_kind
from docgen.render import check, load_yaml, render
from tests.kind_helpers import docx_text, errors_of, linked_sample, render_sample, run, table_rows

KIND = get_kind("acceptance")
SAMPLE_003 = KIND.folder / "sample-003.yaml"
SAMPLE_002 = KIND.folder / "sample-002.yaml"


def report(sample: Path = SAMPLE_003, **changes) -> dict:
    return linked_sample(sample, **changes)


def failed_first_criterion(sample: Path = SAMPLE_003, **changes) -> dict:
    data = report(sample, **changes)
    data["criteria"][2]["passed"] = False  # 提交项目审计报告
    return data


@pytest.fixture(scope="module")
def rendered_003(tmp_path_factory) -> Path:
    return render_sample(tmp_path_factory, "acceptance", SAMPLE_003)


# ───────────────────────────── seed 003 sample ─────────────────────────────


def test_overview_from_the_contract(rendered_003):
    rows = dict(table_rows(rendered_003, "项目名称", "网络信息系统运行与维护-协同办公类系统运维项目"))
    assert rows["合同名称"] == "《网络信息系统运行与维护-协同办公类系统运维工作委托合同》"
    assert rows["服务期限"] == "2024年6月9日至2025年6月8日"
    assert rows["合同金额"] == "人民币¥1,160,000.00元（大写：人民币壹佰壹拾陆万元整）"
    assert rows["监理单位"] == "无"


def test_refund_by_grade_table_with_amounts_in_words(rendered_003):
    """Seed 003 七.5: 退回尾款的 20%、40%、60% of the 232,000.00 尾款."""
    assert table_rows(rendered_003, "考核等级", "退回比例") == [
        ["合格", "20%", "46,400.00", "肆万陆仟肆佰元整", "✓"],
        ["基本合格", "40%", "92,800.00", "玖万贰仟捌佰元整", ""],
        ["不合格", "60%", "139,200.00", "壹拾叁万玖仟贰佰元整", ""],
    ]
    text = docx_text(rendered_003)
    assert "尾款为人民币¥232,000.00元（大写：人民币贰拾叁万贰仟元整）" in text
    assert "本次绩效考核等级为合格，乙方应在10个工作日内向甲方退回尾款的20%，即人民币¥46,400.00元（大写：人民币肆万陆仟肆佰元整）。" in text


def test_grade_conclusion_and_sections(rendered_003):
    text = docx_text(rendered_003)
    assert "信息化运维绩效考核总分78.5分，考核等级为合格。" in text
    assert "6项考核指标全部达标。" in text
    assert "经验收，各项必备验收标准均已通过，验收结论为：合格。" in text
    headings = ["一、项目概况", "二、验收组织", "三、验收标准及检查结果", "四、考核指标完成情况", "五、验收结论",
                "六、费用结算", "七、后续服务承诺", "八、签署"]
    assert [line for line in text.splitlines() if line in headings] == headings


def test_attendance_list_and_experts(rendered_003):
    rows = table_rows(rendered_003, "序号", "姓名")
    assert len(rows) == 7 and rows[4][1:5] == ["周假名", "北京示例信息技术有限公司", "组长、高级工程师", "专家"]
    assert all(row[5] == "" for row in rows)  # the 签字 column is signed by hand
    text = docx_text(rendered_003)
    assert "专家组成员：周假名（组长、高级工程师）、吴样例（高级工程师）、郑测验（高级工程师）。" in text


def test_two_party_signatures_without_a_supervisor(rendered_003):
    assert table_rows(rendered_003, "签署方", "单位名称（盖章）") == [
        ["甲方", "北京市科学技术委员会、中关村科技园区管理委员会综合事务中心", "", "2025年6月20日"],
        ["乙方", "北京慧正通软科技有限公司", "", "2025年6月20日"],
    ]


def test_continuation_commitment(rendered_003):
    assert ("自主合同服务期满（2025年6月8日）至下一年度服务商进驻之前，乙方承诺继续做好合同项下各项运维服务，"
            "直至新服务商进驻，并配合做好与新服务商的交接。") in docx_text(rendered_003)


# ───────────────────────────── seed 002 under seed 000's supervisor ─────────────────────────────


def test_three_party_report_with_supervisors_opinions(tmp_path):
    out = tmp_path / "r.docx"
    render("acceptance", SAMPLE_002, out)
    text = docx_text(out)
    assert [row[0] for row in table_rows(out, "签署方", "单位名称（盖章）")] == ["甲方", "监理单位", "乙方"]
    assert "本报告经甲方、监理单位、乙方三方签署后生效。" in text
    assert "四、监理意见" in text and "总监理工程师：冯示范" in text  # no KPIs: 监理意见 moves up to 四
    assert "五、验收结论" in text and "六、后续服务承诺" in text and "费用结算" not in text
    assert "报告编号：验收〔2023〕第003号" in text


# ───────────────────────────── derived rules ─────────────────────────────


@pytest.mark.parametrize("score, grade", [
    ("100", "优秀"), ("95", "优秀"), ("94.9", "良好"), ("80", "良好"), ("79.99", "合格"), ("70", "合格"),
    ("69.5", "基本合格"), ("60", "基本合格"), ("59.5", "不合格"), ("0", "不合格"),
])
def test_grade_thresholds_of_seed_003_annex_4(score, grade):
    assert grade_of(Decimal(score)) == grade


def test_a_failed_mandatory_criterion_makes_it_不合格_and_needs_a_rectification_list():
    assert errors_of("acceptance", failed_first_criterion()) == [
        "rectifications（整改要求）：验收结论为不合格（未通过：提交项目审计报告），须列出整改事项及整改期限"]


def test_不合格_report_with_rectification_deadlines_in_working_days(tmp_path):
    """GIVEN acceptance on Friday 2025-09-26 WHEN 整改 takes 5 working days THEN the 国庆 break is skipped
    and the make-up Sunday 09-28 counts: the deadline is 2025-10-10."""
    data = failed_first_criterion(date="2025-09-26", rectifications=[
        {"item": "补交项目审计报告", "within": "5个工作日", "responsible": "孙示例"},
        {"item": "补充运维文档", "within": "30日"}])
    out = tmp_path / "r.docx"
    render("acceptance", data, out)
    assert table_rows(out, "序号", "整改事项") == [
        ["1", "补交项目审计报告", "5个工作日", "2025年10月10日", "孙示例"],
        ["2", "补充运维文档", "30日", "2025年10月26日", ""],
    ]
    text = docx_text(out)
    assert "经验收，下列必备验收标准未通过，验收结论为：不合格。" in text
    assert "（1）提交项目审计报告" in text
    assert "六、整改要求" in text and "七、费用结算" in text


def test_a_failed_optional_criterion_keeps_it_合格_with_a_warning():
    data = report()
    data["criteria"][0]["mandatory"] = False
    data["criteria"][0]["passed"] = False
    result = check("acceptance", data)
    assert result.derived["conclusion"] == "合格"
    assert [w.path for w in result.warnings] == ["rectifications"]


def test_unpaid_final_payment_is_reduced_by_the_grade_share():
    data = report(performance={"score": "65"})
    data["settlement"]["final_paid"] = False
    lines = check("acceptance", data).derived["settlement_text"]
    assert lines[1] == ("本次绩效考核等级为基本合格，甲方支付尾款时扣减尾款的40%，即人民币¥92,800.00元（大写：人民币玖万贰仟捌佰元整），"
                        "并应在10个工作日内实际支付人民币¥139,200.00元（大写：人民币壹拾叁万玖仟贰佰元整）。")


def test_final_payment_without_a_scale_is_paid_or_withheld():
    settlement = {"final_payment": "234700.00", "within": "30个工作日"}
    paid = check("acceptance", report(settlement=settlement)).derived["settlement_text"]
    assert paid == ["验收合格，甲方应在30个工作日内向乙方支付尾款人民币¥234,700.00元（大写：人民币贰拾叁万肆仟柒佰元整）。"]
    withheld = check("acceptance", failed_first_criterion(settlement=settlement, rectifications=[
        {"item": "补交审计报告", "within": "5个工作日"}])).derived["settlement_text"]
    assert withheld == ["验收不合格，尾款人民币¥234,700.00元（大写：人民币贰拾叁万肆仟柒佰元整）待整改完成、复验合格后支付。"]


def test_bond_deposit_returned_after_acceptance(tmp_path):
    """Seed 004 4.2: the 履约保证金 is returned after acceptance."""
    contract = copy.deepcopy(load_yaml(get_kind("contract").folder / "sample-002.yaml"))
    contract["bond"] = {"form": "履约保证金", "pct": 10, "due": "20个工作日", "return_rule": "于项目验收合格后无息退还"}
    contract["money"]["instalments"][0]["condition"] = "双方签署合同后，甲方收到乙方正式服务发票及履约保证金后"
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(contract, allow_unicode=True), encoding="utf-8")
    data = report(SAMPLE_002, contract=str(path), settlement={"bond_return": True, "within": "10个工作日"})
    assert check("acceptance", data).derived["settlement_text"] == [
        "验收合格，甲方应在10个工作日内退还乙方履约保证金人民币¥103,800.00元（大写：人民币壹拾万叁仟捌佰元整）。"]


# ───────────────────────────── bad input ─────────────────────────────


def test_refund_scale_needs_a_score():
    data = report()
    del data["performance"]
    assert errors_of("acceptance", data) == ["performance（绩效考核结果）：按考核等级退回尾款需要绩效考核总分（performance.score）"]


def test_bond_return_without_a_bond():
    assert errors_of("acceptance", report(settlement={"bond_return": True})) == [
        "settlement.bond_return（退还履约保证金）：主合同没有履约担保，无可退还"]


def test_settlement_with_nothing_to_settle():
    """Seed 002's contract pays in one instalment: no 尾款 to default to, no bond deposit."""
    assert errors_of("acceptance", report(SAMPLE_002, settlement={})) == [
        "settlement（费用结算）：没有可结算的内容：请给出尾款金额、按等级退回比例或退还履约保证金"]


def test_final_payment_defaults_to_the_contracts_last_instalment():
    lines = check("acceptance", report(settlement={})).derived["settlement_text"]
    assert lines == ["验收合格，甲方应向乙方支付尾款人民币¥232,000.00元（大写：人民币贰拾叁万贰仟元整）。"]


def test_acceptance_before_signing_is_an_error_before_the_end_a_warning():
    assert errors_of("acceptance", report(date="2024-06-01")) == [
        "date（验收日期）：早于主合同签订日期 2024-06-09；现值：2024-06-01"]
    warnings = check("acceptance", report(date="2024-12-20")).warnings
    assert [w.as_line() for w in warnings] == [
        "date（验收日期）：早于服务期结束日 2025-06-08：服务尚未完成即验收；现值：2024-12-20"]


def test_float_money_and_bad_score_and_missing_fields_all_at_once():
    data = report()
    data["settlement"]["final_payment"] = 232000.00
    data["performance"]["score"] = "七十八"
    del data["place"]
    lines = errors_of("acceptance", data)
    assert [line.split("：")[0] for line in lines] == [
        "place（验收地点）", "performance.score（绩效考核总分）", "settlement.final_payment（尾款金额）"]
    assert "金额不能写成不带引号的小数" in lines[2]


def test_expert_opinion_without_experts_and_duplicate_attendees():
    data = report()
    data["attendees"] = [a for a in data["attendees"] if a["side"] != "专家"]
    data["attendees"].append(dict(data["attendees"][0]))
    assert errors_of("acceptance", data) == [
        "expert_opinion（专家验收意见）：有专家验收意见，但签到表中没有专家（side: 专家）",
        "attendees[4].name（姓名）：与 attendees[0] 重复；现值：赵演示",
    ]


def test_jinja_and_xml_in_values_are_printed_literally(tmp_path):
    value = "{{ 7*7 }} & <w:p> {%p if 1 %}"
    out = tmp_path / "r.docx"
    render("acceptance", report(expert_opinion=value), out)
    assert value in docx_text(out)


# ───────────────────────────── command line ─────────────────────────────


def test_cli_render_sample(tmp_path):
    out = tmp_path / "验收报告.docx"
    result = run("render", "acceptance", SAMPLE_003, "-o", out)
    assert result.exit_code == 0
    assert result.stdout == f"已生成：{out}\n"


def test_cli_check_不合格_without_rectifications(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(failed_first_criterion(), allow_unicode=True), encoding="utf-8")
    result = run("check", "acceptance", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "错误：验收报告数据有 1 处错误，未生成任何文件",
        "  [错误] rectifications（整改要求）：验收结论为不合格（未通过：提交项目审计报告），须列出整改事项及整改期限",
    ]
