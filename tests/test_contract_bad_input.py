"""Bad contract data: every problem is reported at once, with path, Chinese label and value; nothing is written.

Each case changes the seed-002 sample in one way and names the problem it must produce.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from docgen.errors import InvalidInput
from docgen.kinds.base import get_kind
from docgen.render import check, load_yaml, render

SAMPLE = get_kind("contract").folder / "sample-002.yaml"
BASE = load_yaml(SAMPLE)

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _walk(data: Any, path: str) -> tuple[Any, Any]:
    keys = [name if name else int(index) for name, index in _STEP.findall(path)]
    for key in keys[:-1]:
        data = data[key]
    return data, keys[-1]


def set_(path: str, value: Any) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        parent, key = _walk(data, path)
        parent[key] = value
    return change


def del_(path: str) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        parent, key = _walk(data, path)
        del parent[key]
    return change


def both(*changes: Callable[[dict], None]) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        for one in changes:
            one(data)
    return change


# (id, change, expected problem path, label, message fragment)
CASES = [
    ("missing-party-name", del_("party_a.name"), "party_a.name", "名称", "缺少必填项"),
    ("missing-money", del_("money"), "money", "合同价款", "缺少必填项"),
    ("copies-wrong-type", set_("copies.total", "six"), "copies.total", "份数合计", "应为整数"),
    ("impossible-date", set_("signing.date", "2023-02-30"), "signing.date", "签订日期", "2023 年 2 月没有 30 日"),
    ("month-13", set_("bond.expiry", "2023-13-01"), "bond.expiry", "保函有效截止日", "没有 13 月"),
    ("date-as-text", set_("signing.date", "2022年12月13日"), "signing.date", "签订日期", "YYYY-MM-DD"),
    ("negative-money", set_("money.total", "-1038000.00"), "money.total", "合同总价", "金额不能为负数"),
    ("zero-money", set_("money.total", "0"), "money.total", "合同总价", "金额必须大于零"),
    ("float-money", set_("money.total", 1038000.00), "money.total", "合同总价", "请加引号"),
    ("three-decimals", set_("money.total", "1038000.005"), "money.total", "合同总价", "最多两位小数"),
    ("money-not-a-number", set_("money.total", "一百万"), "money.total", "合同总价", "不是数字"),
    ("instalments-not-100", set_("money.instalments[0].pct", 90), "money.instalments", "付款节点",
     "各期付款比例之和应为 100%，现为 90%"),
    ("pct-over-100", set_("bond.pct", 120), "bond.pct", "履约担保比例", "0 到 100"),
    ("instalment-two-deadlines", set_("money.instalments[0].within", "10个工作日"), "money.instalments[0]",
     "付款节点", "二者之一"),
    ("fee-items-not-total", set_("money.fee_items[0].amount", "1000000.00"), "money.fee_items", "服务费清单",
     "服务费清单合计 ¥1,000,000.00 不等于合同总价 ¥1,038,000.00"),
    ("award-not-total", set_("procurement.award_amount", "1038001.00"), "procurement.award_amount",
     "中标（成交）金额", "不一致"),
    ("bad-uscc", set_("party_b.uscc", "91110000101137049D"), "party_b.uscc", "统一社会信用代码", "校验码"),
    ("bad-id-number", set_("staff[0].id_number", "110105198803126556"), "staff[0].id_number", "身份证号码",
     "校验码"),
    ("copies-not-summing", set_("copies.holders[1].n", 2), "copies", "合同份数", "之和 5 不等于总份数 6"),
    ("unknown-field", set_("party_a.nmae", "x"), "party_a.nmae", "甲方", "不认识的字段"),
    ("bond-expires-early", set_("bond.expiry", "2023-06-30"), "bond.expiry", "保函有效截止日", "之前失效"),
    ("guarantee-without-expiry", del_("bond.expiry"), "bond", "履约担保", "需要有效截止日"),
    ("duplicate-staff", set_("staff[1].name", "陈思远"), "staff[1].name", "姓名", "重名"),
    ("effect-needs-bond", both(set_("effective", "sign_seal_bond"), del_("bond")), "effective", "生效条件",
     "没有履约担保"),
    ("notice-after-signing", set_("procurement.notice_date", "2022-12-20"), "procurement.notice_date",
     "通知书日期", "晚于合同签订日期"),
    ("period-end-before-start", both(del_("service.periods[0].months"),
                                     set_("service.periods[0].end", "2022-01-01")),
     "service.periods[0].end", "服务止日期", "早于服务起日期"),
    ("period-end-disagrees", set_("service.periods[0].end", "2023-12-13"), "service.periods[0].end",
     "服务止日期", "应止于 2023-12-12"),
    ("unknown-layout", set_("layout", "letter"), "layout", "合同版式", "应为以下之一"),
    ("short-postcode", set_("party_a.postcode", "10116"), "party_a.postcode", "邮政编码", "6 位数字"),
    ("postcode-read-as-octal", set_("party_a.postcode", 12288), "party_a.postcode", "邮政编码", "请加引号"),  # 030000
    ("bad-duration", set_("bond.due", "二十天"), "bond.due", "提交期限", "期限应写成"),
    ("account-as-number", set_("party_b.account", 329856005414), "party_b.account", "银行账号", "请加引号"),
    ("missing-nda-annex", set_("annexes", [a for a in BASE["annexes"] if a["key"] != "nda"]), "annexes", "附件",
     "引用了附件 nda"),
    ("staff-without-annex", set_("annexes", [a for a in BASE["annexes"] if a["key"] != "staff"]), "annexes",
     "附件", "没有 staff"),
    ("wrong-bond-term", set_("money.instalments[0].condition", "甲方收到履约保证金后"),
     "money.instalments[0].condition", "付款条件", "合同约定的是履约保函"),
    ("payment-year-before-signing", set_("money.instalments[0].year", 2021), "money.instalments[0].year",
     "年内支付年度", "早于签订年度"),
    ("sla-hours-mismatch", set_("sla.onsite.break_hours", 0), "sla.onsite", "驻场服务时间",
     "5×8 表示每天 8 小时，但 08:30–17:30（扣除午休 0 小时）是 9 小时"),
    ("sla-bad-pattern", set_("sla.hotline.pattern", "全天"), "sla.hotline.pattern", "服务时间模式", "天数×小时数"),
    ("sla-unquoted-clock", set_("sla.onsite.end", 1050), "sla.onsite.end", "结束时间", "请加引号"),  # YAML: 17:30 → 1050
    ("dispute-unknown", set_("dispute.method", "mediation"), "dispute.method", "争议解决方式", "应为以下之一"),
]


@pytest.mark.parametrize("change,path,label,fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_reported_with_path_label_and_message(tmp_path, change, path, label, fragment):
    data = copy.deepcopy(BASE)
    change(data)
    out = tmp_path / "out.docx"
    with pytest.raises(InvalidInput) as caught:
        render("contract", data, out)
    assert caught.value.exit_code == 2
    errors = [p for p in caught.value.problems if p.severity == "error"]
    matching = [p for p in errors if p.path == path]
    assert matching, f"no error at {path}; got {[p.as_line() for p in errors]}"
    assert matching[0].label == label
    assert fragment in matching[0].message
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temp file left behind either


def test_all_field_problems_are_reported_at_once():
    data = copy.deepcopy(BASE)
    data["money"]["total"] = -1
    data["signing"]["date"] = "2023-02-30"
    data["copies"]["total"] = "six"
    del data["party_b"]["address"]
    with pytest.raises(InvalidInput) as caught:
        check("contract", data)
    assert sorted(p.path for p in caught.value.problems) == [
        "copies.total", "money.total", "party_b.address", "signing.date"]
    assert caught.value.message == "服务合同数据有 4 处错误，未生成任何文件"


def test_all_cross_field_problems_are_reported_at_once():
    data = copy.deepcopy(BASE)
    data["money"]["fee_items"][0]["amount"] = "1.00"
    data["bond"]["expiry"] = "2023-01-01"
    data["staff"][1]["name"] = data["staff"][0]["name"]
    with pytest.raises(InvalidInput) as caught:
        check("contract", data)
    errors = {p.path for p in caught.value.problems if p.severity == "error"}
    assert errors == {"money.fee_items", "bond.expiry", "staff[1].name"}
    assert any(p.severity == "warning" for p in caught.value.problems)  # warnings travel with the errors


def test_id_numbers_are_masked_in_problems():
    data = copy.deepcopy(BASE)
    data["staff"][0]["id_number"] = "110105198803126556"
    with pytest.raises(InvalidInput) as caught:
        check("contract", data)
    problem = next(p for p in caught.value.problems if p.path == "staff[0].id_number")
    assert problem.value == "110***********6556"
    assert "110105198803126556" not in problem.as_line()


@pytest.mark.parametrize("change,path", [
    (lambda staff: staff.update(idnumber=staff.pop("id_number")), "staff[0].idnumber"),
    (lambda staff: staff.update(name=f"{staff['name']}（身份证{staff['id_number']}）"), "staff[0].name"),  # too long
], ids=["misspelt-key", "typed-into-another-field"])
def test_an_id_number_under_another_field_is_masked_too(change, path):
    """GIVEN an ID number under a field not called id_number (a typo in the key, or pasted into the name)
    WHEN the data is refused THEN the problem line does not carry the number."""
    data = copy.deepcopy(BASE)
    number = data["staff"][0]["id_number"]
    change(data["staff"][0])
    with pytest.raises(InvalidInput) as caught:
        check("contract", data)
    lines = [p.as_line() for p in caught.value.problems if p.path == path]
    assert lines and "［身份证号］" in lines[0]
    assert number not in "".join(p.as_line() for p in caught.value.problems)


def test_float_money_from_yaml_names_the_fix(tmp_path):
    """PyYAML reads an unquoted 1038000.00 as a float: the message says to quote it."""
    text = SAMPLE.read_text(encoding="utf-8").replace('total: "1038000.00"', "total: 1038000.00")
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        check("contract", path)
    problem = next(p for p in caught.value.problems if p.path == "money.total")
    assert problem.as_line() == (
        "money.total（合同总价）：金额不能写成不带引号的小数：YAML 会把 1038000.00 读成浮点数而可能失真；"
        "请加引号写成字符串（\"1038000.00\"），或写成整数（1038000）；现值：1038000.0")


@pytest.mark.parametrize("text,where,fragment", [
    ("layout: hetongshu\nlayout: articles\n", "第 2 行第 1 列", "重复的键 'layout'"),
    ("money: [1, 2\n", "第 2 行第 1 列", "YAML 语法错误"),
], ids=["duplicate-key", "syntax-error"])
def test_broken_yaml_names_line_and_column(tmp_path, text: str, where: str, fragment: str):
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        check("contract", path)
    assert caught.value.problems[0].path == where
    assert fragment in caught.value.problems[0].message


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just text\n"], ids=["empty", "list", "scalar"])
def test_top_level_must_be_a_mapping(tmp_path, text: str):
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match="顶层应为一组字段"):
        check("contract", path)


def test_missing_data_file(tmp_path: Path):
    with pytest.raises(InvalidInput, match="数据文件不存在"):
        check("contract", tmp_path / "nope.yaml")
