"""The contract kind: rendering the seed samples and finding the computed values in real .docx files.

The samples reproduce seeds 002 (合同书 + 合同一般条款) and 001 (第X条); every amount in words,
the bond, dates, copy counts and clause numbers below are derived, not typed in the YAML.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from docgen.kinds.base import get_kind
from docgen.kinds.contract import ContractModel, clause_numbers
from docgen.render import check, load_yaml, render
from tests.kind_helpers import docx_text, render_sample, table_rows

KIND = get_kind("contract")
SAMPLE_002 = KIND.folder / "sample-002.yaml"
SAMPLE_001 = KIND.folder / "sample-001.yaml"


def sample(path: Path = SAMPLE_002) -> dict:
    return copy.deepcopy(load_yaml(path))


@pytest.fixture(scope="module")
def rendered_002(tmp_path_factory) -> Path:
    return render_sample(tmp_path_factory, "contract", SAMPLE_002)


@pytest.fixture(scope="module")
def rendered_001(tmp_path_factory) -> Path:
    return render_sample(tmp_path_factory, "contract", SAMPLE_001)


# ───────────────────────────── seed 002 ─────────────────────────────


def test_seed_002_amounts_in_words(rendered_002):
    text = docx_text(rendered_002)
    assert "本合同总价：人民币¥1,038,000.00元（大写：人民币壹佰零叁万捌仟元整）" in text
    assert "合同总价款10%即人民币¥103,800.00元（大写：人民币壹拾万叁仟捌佰元整）的履约保函" in text


def test_seed_002_dates_and_deadlines(rendered_002):
    text = docx_text(rendered_002)
    assert "自2022年12月13日起至2023年12月12日止" in text  # 12 months - 1 day
    assert "签订日期：2022年12月" in text
    # 20 working days after 2022-12-13 on the State Council calendar (元旦 2023 is a holiday).
    assert "双方签署合同后20个工作日内（即2023年1月11日前）" in text
    assert "履约保函有效截止日为2023年12月12日（合同到期日）" in text
    assert "中标通知书日期：二〇二二年十二月六日" in text


def test_seed_002_copies_dispute_effect(rendered_002):
    text = docx_text(rendered_002)
    assert "本合同一式陆份，甲、乙双方各执叁份，具有同等法律效力。" in text
    assert "提交北京仲裁委员会仲裁，仲裁裁决为终局裁决" in text
    assert "依法向甲方所在地" not in text  # the litigation alternative dropped out
    assert text.count("本合同自双方加盖单位合同章或公章后生效。") == 2  # 合同书 八 and 一般条款 十七 agree


def test_seed_002_clause_numbers_and_references(rendered_002):
    text = docx_text(rendered_002)
    for heading in ("一、定义", "八、合同的生效", "五、履约保函", "七、违约条款", "十三、争议的解决", "十七、合同的生效"):
        assert heading in text
    assert "运维服务期间见本合同书第七条" in text
    assert "具体见合同一般条款第四条" in text
    assert "乙方必须与甲方签订《安全保密协议》（详见附件四）" in text
    assert "从逾期支付的第31个工作日起" in text


def test_seed_002_staff_table(rendered_002):
    rows = table_rows(rendered_002, "序号", "姓名")
    assert len(rows) == 7
    assert rows[0][:2] == ["1", "陈思远"] and rows[0][-1] == "驻场服务"
    text = docx_text(rendered_002)
    assert "110105198803126555" not in text  # ID numbers are for the personal NDAs, never the contract


def test_seed_002_output_fonts_and_page(rendered_002):
    document = Document(str(rendered_002))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    heading = document.styles["Heading 1"].element.rPr.rFonts
    assert heading.get(qn("w:eastAsia")) == "黑体"


def test_seed_002_derived_values():
    result = check("contract", SAMPLE_002)
    derived = result.derived
    assert derived["total_upper"] == "壹佰零叁万捌仟元整"
    assert derived["bond_amount"] == Decimal("103800.00")
    assert derived["bond_wan"] == "10.38"
    assert derived["daily_fee"] == Decimal("2843.84")
    assert derived["service_end"] == date(2023, 12, 12)
    assert derived["resident_staff"] == ["陈思远", "刘晓峰"]
    # Seed 002's circular timing (issue S2-2): payment in 2022 needs the bond, due in 2023.
    assert [w.path for w in result.warnings] == ["money.instalments[0]"]


# ───────────────────────────── seed 001 ─────────────────────────────


def test_seed_001_periods_and_fees(rendered_001):
    periods = table_rows(rendered_001, "序号", "服务内容")
    assert periods == [
        ["1", "安全监控系统运行保障", "2021年1月1日", "2021年12月31日"],
        ["2", "办公楼网络管理运行维护", "2021年9月4日", "2022年9月3日"],
        ["3", "网络安全支持服务运行维护", "2021年9月4日", "2022年9月3日"],
        ["4", "视频会议系统维护", "2021年5月21日", "2022年5月20日"],
    ]
    fees = table_rows(rendered_001, "序号", "运维服务内容")
    assert fees[0] == ["一", "安全监控系统运行保障", "106,800.00"]
    assert fees[-1] == ["", "总计", "1,550,000.00"]


def test_seed_001_articles_layout(rendered_001):
    text = docx_text(rendered_001)
    assert "第一条 合同说明条款" in text
    assert "第四条 支付条款" in text
    assert "3. 履约保函" in text
    assert "人民币¥155,000.00元（大写：人民币壹拾伍万伍仟元整）" in text
    assert "人民币¥1,550,000.00元（大写：人民币壹佰伍拾伍万元整）" in text
    assert "履约保函有效截止日为2022年9月3日（合同到期日）" in text
    assert "本合同一式八份，甲、乙双方各执四份" in text
    assert "签约日期：2021 年 8 月 30 日" in text
    assert "第十五条 合同廉政承诺" in text


def test_seed_001_service_levels(rendered_001):
    rows = table_rows(rendered_001, "服务项目", "服务级别要求")
    assert rows[0] == ["驻场服务", "5×9小时（09:00-18:00），国家法定节假日除外"]
    assert ["现场到达", "需要现场处理的，2小时内到达现场"] in rows


def test_seed_001_warns_about_periods_before_signing():
    result = check("contract", SAMPLE_001)
    assert [w.path for w in result.warnings] == ["service.periods[0].start", "service.periods[3].start"]
    assert all(w.severity == "warning" for w in result.warnings)


# ───────────────────────────── conditional clauses ─────────────────────────────


def test_without_bond_the_chapter_drops_out_and_the_rest_renumber(tmp_path):
    data = sample()
    data.pop("bond")
    data["money"]["instalments"][0]["condition"] = "双方签署合同后，甲方收到乙方正式服务发票后"
    out = tmp_path / "c.docx"
    render("contract", data, out)
    text = docx_text(out)
    assert "履约保函" not in text
    assert "五、权利和义务" in text and "六、违约条款" in text and "十六、合同的生效" in text
    numbers = clause_numbers(ContractModel.model_validate(data))
    assert numbers["penalty"].ref == "合同一般条款第六条"
    assert str(numbers["penalty"]) == "合同一般条款第六条"


def test_articles_without_bond_renumbers_payment_items(tmp_path):
    data = sample(SAMPLE_001)
    data.pop("bond")
    numbers = clause_numbers(ContractModel.model_validate(data))
    assert numbers["payment_funding"].heading == "3. 财政资金"
    assert numbers["penalty"].ref == "第五条"


def test_litigation_instead_of_arbitration(tmp_path):
    data = sample()
    data["dispute"] = {"method": "litigation"}
    out = tmp_path / "c.docx"
    render("contract", data, out)
    text = docx_text(out)
    assert "依法向甲方所在地有管辖权的人民法院起诉" in text
    assert "仲裁" not in text


def test_instalments_last_takes_the_rounding(tmp_path):
    """GIVEN three instalments of 33.3333 % WHEN derived THEN the last one absorbs the odd 分."""
    data = sample()
    data["money"]["total"] = "1000.00"
    data["money"]["fee_items"] = [{"content": "运维服务", "amount": "1000.00"}]
    data["procurement"]["award_amount"] = "1000.00"
    data["money"]["instalments"] = [
        {"pct": "33.3333", "condition": "双方签署合同后", "within": "10个工作日"},
        {"pct": "33.3333", "condition": "服务满六个月后", "within": "30个工作日"},
        {"pct": "33.3334", "condition": "验收合格后", "within": "30个工作日"},
    ]
    result = render("contract", data, tmp_path / "c.docx")
    amounts = [p["amount"] for p in result.derived["payments"]]
    assert amounts == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]
    assert sum(amounts) == Decimal("1000.00")
    rows = table_rows(tmp_path / "c.docx", "期次", "比例")
    assert rows[2][:5] == ["第三期", "33.3334%", "333.34", "0.033334", "叁佰叁拾叁元叁角肆分"]


def test_seed_004_style_instalments_and_deposit(tmp_path):
    """Seed 004's 60/30/10 % of 2,347,000 with a 5 % 履约保证金: 壹拾壹万… not the seed's 拾壹万…."""
    data = sample()
    data["money"]["total"] = "2347000.00"
    data["money"]["fee_items"] = []
    data["procurement"]["award_amount"] = "2347000.00"
    data["money"]["instalments"] = [
        {"pct": 60, "condition": "双方签署合同后（项目启动款）", "within": "10个工作日"},
        {"pct": 30, "condition": "开展项目技术服务8个月后乙方申请并经甲方确认", "within": "30个工作日"},
        {"pct": 10, "condition": "项目验收合格后乙方申请并经甲方确认", "within": "30个工作日"},
    ]
    data["bond"] = {"form": "履约保证金", "pct": 5, "due": "10个工作日",
                    "return_rule": "于项目验收合格后根据信息化运维绩效考核结果退还"}
    result = render("contract", data, tmp_path / "c.docx")
    payments = result.derived["payments"]
    assert [p["wan"] for p in payments] == ["140.82", "70.41", "23.47"]
    assert [p["upper"] for p in payments] == ["壹佰肆拾万捌仟贰佰元整", "柒拾万肆仟壹佰元整", "贰拾叁万肆仟柒佰元整"]
    assert result.derived["bond_upper"] == "壹拾壹万柒仟叁佰伍拾元整"
    text = docx_text(tmp_path / "c.docx")
    assert "五、履约保证金" in text
    assert "履约保证金于项目验收合格后根据信息化运维绩效考核结果退还" in text
    assert "合同款分三期支付" in text


def test_signing_on_a_holiday_and_a_non_beijing_postcode_are_warnings():
    """Seed 003 was signed on 2024-06-09 (端午); seed 004 gave a Beijing address postcode 110110."""
    data = sample()
    data["signing"]["date"] = "2024-06-09"
    data["procurement"]["notice_date"] = "2024-06-01"
    data["money"]["instalments"][0]["year"] = 2024
    data["service"]["periods"][0]["start"] = "2024-06-10"
    data["bond"]["expiry"] = "2025-06-09"
    data["party_a"]["postcode"] = "110110"
    result = check("contract", data)
    messages = {w.path: w.message for w in result.warnings}
    assert "端午节" in messages["signing.date"]
    assert messages["party_a.postcode"] == "地址在北京，但邮政编码不是北京的（10xxxx）"


def test_values_that_look_like_code_or_xml_are_printed_literally(tmp_path):
    """GIVEN party and scope values holding Jinja and WordprocessingML WHEN rendered
    THEN the text appears verbatim and the .docx still opens."""
    data = sample()
    data["party_b"]["name"] = "{{ 7*7 }}公司 & <w:t>"
    data["service"]["scope"] = "{% for x in y %}</w:p><w:p>运维{{ party_a.name }}"
    data["party_a"]["address"] = "北京市</w:t></w:r></w:p>&amp;\"'"
    out = tmp_path / "c.docx"
    render("contract", data, out)
    text = docx_text(out)
    assert "{{ 7*7 }}公司 & <w:t>" in text
    assert "49公司" not in text
    assert "乙方负责{% for x in y %}</w:p><w:p>运维{{ party_a.name }}，" in text
    assert "北京市</w:t></w:r></w:p>&amp;\"'" in text
