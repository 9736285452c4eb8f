"""The company 安全保密协议: rendered from the main contract's data file, seed errors made impossible.

The samples follow seed 002 附件四 and seed 001 附件四; parties, titles, dates and the cited
penalty clause are not in the NDA's data file but taken from the contract's.
"""

from __future__ import annotations

from functools import partial

import pytest

from docgen.errors import InvalidInput
from docgen.kinds.base import get_kind
from docgen.render import check, render
from tests import kind_helpers
from tests.kind_helpers import docx_text, errors_of, linked_sample, render_sample, run

KIND = get_kind("nda-company")
SAMPLE_002 = KIND.folder / "sample-002.yaml"
SAMPLE_001 = KIND.folder / "sample-001.yaml"
CONTRACT_002 = get_kind("contract").folder / "sample-002.yaml"


def nda(**changes) -> dict:
    """The seed-002 NDA data with the contract path made absolute (mappings resolve against the cwd)."""
    return linked_sample(SAMPLE_002, **changes)


contract_copy = partial(kind_helpers.contract_copy, source=CONTRACT_002)
"""The seed-002 contract, changed by ``change(data)``, written beside the test's NDA."""


@pytest.fixture(scope="module")
def text_002(tmp_path_factory) -> str:
    return docx_text(render_sample(tmp_path_factory, "nda-company", SAMPLE_002))


# ───────────────────────────── the seed-002 sample ─────────────────────────────


def test_parties_project_and_date_come_from_the_contract(text_002):
    assert "甲方：北京市人力资源和社会保障局" in text_002
    assert "乙方：首都信息发展股份有限公司" in text_002
    assert "就“北京市积分落户管理信息系统运行维护服务”事宜达成一致" in text_002
    assert "签约日期：2022年12月13日" in text_002


def test_heading_title_and_chapters_as_the_seed(text_002):
    assert text_002.splitlines()[:2] == ["附件四：《安全保密协议》", "安全保密协议"]
    for heading in ("一、目的", "二、保密范围（包括但不限于以下内容）", "三、乙方责任", "四、双方共同遵守的条款", "五、其他"):
        assert heading in text_002


def test_return_window_period_and_effectiveness(text_002):
    assert "乙方应当、并应促使其代表在五（5）个工作日内销毁或向甲方返还" in text_002
    assert "6. 保密义务在双方的服务合同结束后仍然有效。" in text_002
    assert "2. 本协议自甲乙双方法定代表人或授权代表人签字并盖章之日起生效。" in text_002
    assert "3. 本协议一式" not in text_002  # copies are optional; seed 002's agreement states none


def test_seed_002_typo_fixed(text_002):
    assert "负责任的雇员" in text_002 and "负责责任" not in text_002


# ───────────────────────────── seed errors made impossible ─────────────────────────────


def test_seed_002_and_000_penalty_reference_is_the_contracts_penalty_clause(text_002):
    """Seed 002 cites 第十条 (保密条款) and seed 000 a 第九条; the penalty is 一般条款 七."""
    assert "7. 乙方违反保密义务，参照主合同的合同一般条款第七条（违约条款）承担违约责任。" in text_002
    assert "第十条" not in text_002 and "第九条" not in text_002


def test_penalty_reference_follows_the_contracts_numbering(tmp_path):
    """GIVEN a contract without a bond WHEN the clauses renumber THEN the NDA cites the new number."""
    def no_bond(data: dict) -> None:
        data.pop("bond")
        data["money"]["instalments"][0]["condition"] = "双方签署合同后，甲方收到乙方正式服务发票后"

    contract = contract_copy(tmp_path, no_bond)
    out = tmp_path / "nda.docx"
    render("nda-company", nda(contract=str(contract)), out)
    assert "参照主合同的合同一般条款第六条（违约条款）承担违约责任" in docx_text(out)


def test_seed_000_contract_cited_by_its_title(text_002):
    """Seed 000 says 签订了委托监理合同 of a document titled 合同书."""
    assert "并签订了《北京市积分落户管理信息系统运行维护服务合同书》（以下简称“主合同”）" in text_002
    assert "委托" not in text_002


def test_seed_001_title_is_the_one_the_contract_cites(tmp_path):
    """Seed 001 heads its annex 保密协议书 while 第七条 requires 《安全保密协议》."""
    out = tmp_path / "nda.docx"
    render("nda-company", SAMPLE_001, out)
    text = docx_text(out)
    assert text.splitlines()[:2] == ["附件四：《安全保密协议》", "安全保密协议"]
    assert "保密协议书" not in text
    assert "参照主合同的第五条（违约条款）承担违约责任" in text
    assert "3. 本协议一式八份，甲、乙双方各执四份，具有同等法律效力。" in text
    with pytest.raises(InvalidInput) as raised:
        check("nda-company", nda(title="保密协议书"))
    assert [p.as_line() for p in raised.value.problems] == [
        "title（协议名称）：与主合同附件清单中的《安全保密协议》不一致；协议名称取自主合同，请删去 title 或改主合同的附件名称；"
        "现值：保密协议书"]


def test_seed_004_period_ending_with_the_service_term_is_a_warning():
    """Seed 004's NDA ends the duty with the service term; its contract says it survives."""
    result = check("nda-company", nda(period={"kind": "service_term"}))
    assert [(w.path, w.severity) for w in result.warnings] == [("period.kind", "warning")]
    assert "与主合同合同一般条款第十条（保密条款）相矛盾" in result.warnings[0].message


def test_parties_are_single_sourced(tmp_path):
    """GIVEN the contract's 乙方 renamed WHEN the NDA is rendered THEN it prints the new name everywhere."""
    contract = contract_copy(tmp_path, lambda d: d["party_b"].update(name="北京示例信息技术有限公司"))
    out = tmp_path / "nda.docx"
    render("nda-company", nda(contract=str(contract)), out)
    text = docx_text(out)
    assert text.count("北京示例信息技术有限公司") == 3  # header, purpose, signature
    assert "首都信息" not in text


# ───────────────────────────── options ─────────────────────────────


@pytest.mark.parametrize("period, sentence", [
    ({"kind": "perpetual"}, "保密义务在双方的服务合同结束后仍然有效。"),
    ({"kind": "service_term"}, "保密义务自本协议生效之日起至服务合同服务期届满之日（2023年12月12日）止。"),
    ({"kind": "project_plus_years", "years": 2}, "保密义务在项目期间有效，并持续至项目验收后2年。"),
    ({"kind": "until_public"}, "保密义务持续至保密资料被其合法拥有者公开时止。"),
])
def test_confidentiality_periods(period, sentence):
    assert check("nda-company", nda(period=period)).derived["period_text"] == sentence


def test_return_window_in_words():
    assert check("nda-company", nda(return_within=10)).derived["return_text"] == "十（10）个工作日内"


def test_seal_only_effectiveness():
    assert check("nda-company", nda(effective="seal")).derived["effective_text"] == "本协议自甲乙双方盖章之日起生效。"


def test_without_a_contract_file_the_facts_are_given_inline_and_the_clause_cannot_be_checked(tmp_path):
    main = {"project_name": "示例运维项目", "title": "示例运维服务合同",
            "party_a": {"name": "北京市示例局", "address": "北京市示例区测试路1号"},
            "party_b": {"name": "北京测试网络科技有限公司", "address": "北京市示例区测试路2号"},
            "signing_date": "2023-03-01"}
    data = {"main_contract": main, "penalty_clause": "第十一条（违约责任）"}
    out = tmp_path / "nda.docx"
    result = render("nda-company", data, out)
    assert [w.path for w in result.warnings] == ["penalty_clause"]
    text = docx_text(out)
    assert "参照主合同的第十一条（违约责任）承担违约责任" in text
    assert "附件" not in text.splitlines()[0]  # no annex number without the contract's annex list
    with pytest.raises(InvalidInput) as raised:
        check("nda-company", {"main_contract": main})
    assert [p.path for p in raised.value.problems] == ["penalty_clause"]


# ───────────────────────────── bad input ─────────────────────────────


def test_no_contract_at_all():
    assert errors_of("nda-company", {"return_within": 5}) == [
        "contract（主合同数据文件）：缺少必填项：请用 contract 指向主合同数据文件，或用 main_contract 写明主合同的要素"]


def test_contract_and_inline_facts_and_typed_clause_are_all_refused():
    main = {"project_name": "示例运维项目", "title": "示例合同",
            "party_a": {"name": "北京市示例局", "address": "北京市示例区"},
            "party_b": {"name": "北京测试公司", "address": "北京市示例区"}, "signing_date": "2023-03-01"}
    lines = errors_of("nda-company", nda(main_contract=main, penalty_clause="第十条"))
    assert lines == [
        "main_contract（主合同要素）：已用 contract 指定主合同数据文件，主合同要素取自该文件，请删去 main_contract",
        "penalty_clause（违约责任引用条款）：已用 contract 指定主合同数据文件，违约责任引用条款取自主合同，请勿重复填写",
    ]


def test_problems_of_the_contract_file_are_reported_under_contract(tmp_path):
    contract = contract_copy(tmp_path, lambda d: d["money"].update(total=1038000.00))
    lines = errors_of("nda-company", nda(contract=str(contract)))
    assert lines[0].startswith("contract.money.total（合同总价）：金额不能写成不带引号的小数")


def test_cross_field_errors_of_the_contract_are_reported_too(tmp_path):
    contract = contract_copy(tmp_path, lambda d: d["procurement"].update(award_amount="1000000.00"))
    assert errors_of("nda-company", nda(contract=str(contract))) == [
        "contract.procurement.award_amount（中标（成交）金额）：中标金额 ¥1,000,000.00 与合同总价 ¥1,038,000.00 不一致"]


def test_wrong_types_all_at_once():
    lines = errors_of("nda-company", nda(return_within="五", period={"kind": "forever"}, effective="stamp"))
    assert [line.split("：")[0] for line in lines] == [
        "return_within（销毁或返还期限（工作日））", "period.kind（保密期限类型）", "effective（生效条件）"]


def test_project_plus_years_needs_years():
    assert errors_of("nda-company", nda(period={"kind": "project_plus_years"})) == [
        "period（保密期限）：保密期限为“项目验收后 N 年”时需要 years"]


def test_jinja_and_xml_in_values_are_printed_literally(tmp_path):
    out = tmp_path / "nda.docx"
    render("nda-company", nda(scope_extra=["{{ 7*7 }} & <w:p> {% if 1 %}x{% endif %}"]), out)
    text = docx_text(out)
    assert "6. {{ 7*7 }} & <w:p> {% if 1 %}x{% endif %}" in text
    assert "7. 保密义务在双方的服务合同结束后仍然有效。" in text


def test_contract_path_is_relative_to_the_nda_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.yaml").write_text(CONTRACT_002.read_text(encoding="utf-8"), encoding="utf-8")
    data = tmp_path / "nda.yaml"
    data.write_text("contract: sub/c.yaml\n", encoding="utf-8")
    assert check("nda-company", data).derived["project_name"] == "北京市积分落户管理信息系统运行维护服务"


# ───────────────────────────── command line ─────────────────────────────


def test_cli_render_sample(tmp_path):
    out = tmp_path / "保密协议.docx"
    result = run("render", "nda-company", SAMPLE_002, "-o", out)
    assert result.exit_code == 0
    assert result.stdout == f"已生成：{out}\n"
    assert out.stat().st_size > 10_000


def test_cli_check_missing_contract_file(tmp_path):
    data = tmp_path / "nda.yaml"
    data.write_text("contract: nowhere.yaml\n", encoding="utf-8")
    result = run("check", "nda-company", data)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "错误：安全保密协议数据有 1 处错误，未生成任何文件",
        f"  [错误] contract（主合同数据文件）：找不到主合同数据文件（contract 应为相对于本数据文件的路径）；"
        f"现值：{tmp_path / 'nowhere.yaml'}",
    ]
