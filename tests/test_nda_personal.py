"""The 个人保密协议 (seed 003 附件2): one person from the contract's staff table, one name, a real table.

People are synthetic: the sample's staff rows carry fake names and checksum-valid fake ID numbers;
extra people come from ``tests.fakes``.
"""

from __future__ import annotations

import random
import re
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from docx import Document

from docgen.errors import InvalidInput
from docgen.kinds.base import get_kind
from docgen.kinds.common import mask_id
from docgen.render import batch, check, load_yaml, render
from tests import kind_helpers
from tests.fakes import fake_id_number, fake_person
from tests.kind_helpers import docx_text, errors_of, linked_sample, render_sample, run, table_rows

KIND = get_kind("nda-personal")
SAMPLE = KIND.folder / "sample-003.yaml"
RESIDENTS = KIND.folder / "residents-003.yaml"
CONTRACT_003 = KIND.folder / "contract-003.yaml"
CONTRACT_002 = get_kind("contract").folder / "sample-002.yaml"
RESIDENT_ID = "110105199103142436"  # 王测试's fake ID number in contract-003.yaml


def nda(**changes) -> dict:
    return linked_sample(SAMPLE, **changes)


contract_copy = partial(kind_helpers.contract_copy, source=CONTRACT_003)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    return render_sample(tmp_path_factory, "nda-personal", SAMPLE)


# ───────────────────────────── the sample ─────────────────────────────


def test_header_with_person_from_the_staff_table(rendered):
    lines = docx_text(rendered).splitlines()
    assert lines[:7] == [
        "个人保密协议",
        "甲方：北京市科学技术委员会、中关村科技园区管理委员会综合事务中心",
        "乙方：王测试",
        f"身份证号：{RESIDENT_ID}",
        "性别：男",  # derived from the ID number's 17th digit
        "住址信息：北京市示例区测试路7号（虚构地址）",
        "所在单位：北京慧正通软科技有限公司",
    ]


def test_recital_names_the_employer_and_defines_the_obligee(rendered):
    text = docx_text(rendered)
    assert ("甲方与乙方所在单位北京慧正通软科技有限公司于2024年6月9日就网络信息系统运行与维护-协同办公类系统运维项目达成协议，"
            "并签署了《网络信息系统运行与维护-协同办公类系统运维项目保密协议》。") in text
    assert "派驻该项目的运维工程师（驻场服务）" in text
    assert "本协议所称“市科委、中关村管委会”，指北京市科学技术委员会、中关村科技园区管理委员会" in text


def test_sensitivity_table_is_a_real_word_table(rendered):
    rows = table_rows(rendered, "级别", "敏感程度")
    assert [row[:2] for row in rows] == [["工作秘密", "非常敏感的信息"], ["", "比较敏感的信息"], ["", "最小敏感性信息"]]
    assert rows[0][2] == "■ 应用系统业务数据、备份数据；■ 各类身份鉴别信息等。"
    assert "■ 市科委、中关村管委会的红头文件、资料信息等。" in rows[1][2]


def test_ten_obligations_term_dispute_copies(rendered):
    text = docx_text(rendered)
    numbered = [line for line in text.splitlines() if re.match(r"^\d+\. 乙方", line)]
    assert len(numbered) == 10 and numbered[-1].startswith("10. 乙方保证，离职之后")
    assert "《信息系统网络安全管理办法》《介质管理规定》《口令管理制度》等各项安全管理制度" in text
    assert "没有终止日期：保密义务不受主合同《网络信息系统运行与维护-协同办公类系统运维工作委托合同》终止或届满的影响" in text
    assert "因本保密协议产生的任何纠纷，依法向甲方所在地人民法院起诉。" in text
    assert "本协议一式二份，甲、乙双方各执一份，具有同等法律效力。" in text
    for heading in ("一、保密内容", "二、保密义务", "三、保密期限", "四、违约责任", "五、争议的解决", "六、其他"):
        assert heading in text


def test_signature_name_is_the_header_name(rendered):
    """Seed 003 heads the agreement 王为昌 and signs it 王伟昌; here both print one field."""
    signature = Document(str(rendered)).tables[-1]
    cells = [[c.text for c in row.cells] for row in signature.rows]
    assert cells[0] == ["甲方：北京市科学技术委员会、中关村科技园区管理委员会综合事务中心", "乙方：王测试"]
    assert cells[-1] == ["日期：2024年6月9日", "日期：2024年6月9日"]


def test_sunday_signing_is_a_warning():
    result = check("nda-personal", SAMPLE)
    assert [w.as_line() for w in result.warnings] == [
        "contract.signing.date（签订日期）：协议签署日期是周末（端午节），不是工作日；现值：2024-06-09"]


def test_without_obligee_the_duties_run_to_party_a(tmp_path):
    data = nda()
    del data["obligee"]
    out = tmp_path / "n.docx"
    render("nda-personal", data, out)
    text = docx_text(out)
    assert "本协议所称" not in text and "市科委" not in text
    assert "1. 乙方在甲方工作期间，必须遵守甲方制定的《信息系统网络安全管理办法》" in text


def test_gender_comes_from_the_id_number(tmp_path):
    woman = fake_id_number(random.Random(5), date(1992, 4, 3), male=False)
    contract = contract_copy(tmp_path, lambda d: d["staff"][7].update(id_number=woman))
    derived = check("nda-personal", nda(contract=str(contract), person={"name": "姚样例"})).derived
    assert derived["gender"] == "女"
    assert derived["id_number"] == woman


def test_id_and_address_may_come_from_the_nda_when_the_staff_row_lacks_them(tmp_path):
    person = fake_person(3)
    contract = contract_copy(tmp_path, lambda d: [d["staff"][6].pop(k) for k in ("id_number", "address")])
    data = nda(contract=str(contract), person={"name": "王测试", "id_number": person.id_number, "address": "北京市示例区样本路9号"})
    derived = check("nda-personal", data).derived
    assert (derived["id_number"], derived["address"]) == (person.id_number, "北京市示例区样本路9号")


# ───────────────────────────── bad input ─────────────────────────────


def test_person_not_in_the_staff_list_is_an_error():
    """Seed 003 signs as 王伟昌 a person the staff list calls 王为昌."""
    assert errors_of("nda-personal", nda(person={"name": "王伟昌"})) == [
        "person.name（姓名）：不在主合同的项目人员名单（contract.staff）中；名单：孙示例、马样本、陈演示、王模拟、陈测验、张范例、"
        "王测试、姚样例；现值：王伟昌"]


def test_wrong_check_digit_is_masked_in_the_error_line(tmp_path):
    wrong = RESIDENT_ID[:-1] + ("0" if RESIDENT_ID[-1] != "0" else "1")
    data = tmp_path / "nda.yaml"
    data.write_text(f"contract: {CONTRACT_003}\nperson:\n  name: 王测试\n  id_number: \"{wrong}\"\n", encoding="utf-8")
    result = run("check", "nda-personal", data)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "错误：个人保密协议数据有 1 处错误，未生成任何文件"
    assert lines[1].startswith("  [错误] person.id_number（身份证号码）：")
    assert lines[1].endswith(f"；现值：{mask_id(wrong)}")
    assert wrong not in result.output and wrong[6:14] not in result.output


def test_an_id_number_different_from_the_staff_row_is_an_error_and_masked():
    other = fake_person(5).id_number
    lines = errors_of("nda-personal", nda(person={"name": "王测试", "id_number": other}))
    assert lines == [f"person.id_number（身份证号码）：与主合同项目人员名单中此人的身份证号码不一致；请只在一处填写；"
                     f"现值：{mask_id(other)}"]
    assert other not in "".join(lines)


def test_an_id_number_typed_into_the_name_is_masked_in_the_error_line():
    """GIVEN an ID number pasted into person.name WHEN the person is not found in the staff table
    THEN the problem line shows the name with the number masked."""
    lines = errors_of("nda-personal", nda(person={"name": f"王{RESIDENT_ID}"}))
    assert lines[0].startswith("person.name（姓名）：不在主合同的项目人员名单")
    assert lines[0].endswith("；现值：王［身份证号］")
    assert RESIDENT_ID not in "".join(lines)


def test_missing_id_number_everywhere(tmp_path):
    contract = contract_copy(tmp_path, lambda d: d["staff"][6].pop("id_number"))
    assert errors_of("nda-personal", nda(contract=str(contract))) == [
        "person.id_number（身份证号码）：缺少身份证号码：主合同项目人员名单中此人也没有"]


def test_missing_fields_all_at_once():
    lines = errors_of("nda-personal", {"contract": str(CONTRACT_003), "copies": {"total": 3, "holders": [{"holder": "甲方", "n": 1}]}})
    assert lines == ["person（乙方（个人））：缺少必填项", "copies（协议份数）：各方持有份数之和 1 不等于总份数 3"]


def test_parent_nda_title_must_match_the_contract():
    assert errors_of("nda-personal", nda(parent_nda_title="保密协议")) == [
        "parent_nda_title（所依据的保密协议名称）：与主合同附件清单中的《网络信息系统运行与维护-协同办公类系统运维项目保密协议》"
        "不一致；此名称取自主合同，请删去 parent_nda_title；现值：保密协议"]


def test_sensitivity_rows_are_ordered_and_unique(tmp_path):
    rows = [{"sensitivity": "最小敏感性", "contents": ["合同"]}, {"sensitivity": "非常敏感", "contents": ["备份数据"]}]
    derived = check("nda-personal", nda(sensitivity=rows)).derived
    assert [r["sensitivity"] for r in derived["sensitivity_rows"]] == ["非常敏感的信息", "最小敏感性信息"]
    twice = rows + [{"sensitivity": "非常敏感", "contents": ["口令"]}]
    assert errors_of("nda-personal", nda(sensitivity=twice)) == [
        "sensitivity[2].sensitivity（敏感程度）：同一敏感程度只能有一行；现值：非常敏感"]
    assert errors_of("nda-personal", nda(sensitivity=[{"sensitivity": "绝密", "contents": ["x"]}]))[0].startswith(
        "sensitivity[0].sensitivity（敏感程度）：应为以下之一")


def test_jinja_and_xml_in_values_are_printed_literally(tmp_path):
    address = "北京市{{ 7*7 }}区 <w:t>&amp; {% raw %}"
    contract = contract_copy(tmp_path, lambda d: d["staff"][6].update(address=address))
    out = tmp_path / "n.docx"
    render("nda-personal", nda(contract=str(contract)), out)
    assert f"住址信息：{address}" in docx_text(out)


# ───────────────────────────── batch: one agreement per resident engineer ─────────────────────────────


def test_batch_from_a_contract_makes_one_per_resident(tmp_path):
    result = batch("nda-personal", CONTRACT_002, tmp_path, workers=1)
    names = sorted(p.name for p in result.out_paths)
    assert names == ["个人保密协议-01-陈思远.docx", "个人保密协议-02-刘晓峰.docx"]
    assert "乙方：刘晓峰" in docx_text(tmp_path / "个人保密协议-02-刘晓峰.docx")


def test_batch_from_settings_keeps_them_and_names_carry_no_id_numbers(tmp_path):
    result = run("batch", "nda-personal", RESIDENTS, "-o", tmp_path, "--workers", "2")
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["个人保密协议-01-王测试.docx", "个人保密协议-02-姚样例.docx"]
    ids = [s["id_number"] for s in load_yaml(CONTRACT_003)["staff"] if "id_number" in s]
    assert not any(i in name or i[-4:] in name for i in ids for name in files)
    assert not any(i in result.output for i in ids)
    assert "市科委、中关村管委会" in docx_text(tmp_path / files[1])


def test_batch_without_residents_is_refused(tmp_path):
    contract = contract_copy(tmp_path, lambda d: [s.update(service_type="远程服务") for s in d["staff"]])
    with pytest.raises(InvalidInput) as raised:
        batch("nda-personal", contract, tmp_path / "out")
    assert "没有服务类型为“驻场服务”的人员" in raised.value.message
    assert not (tmp_path / "out").exists()


def test_batch_with_a_broken_contract_writes_nothing(tmp_path):
    contract = contract_copy(tmp_path, lambda d: d["staff"][6].update(id_number="110105199103142437"))
    with pytest.raises(InvalidInput) as raised:
        batch("nda-personal", contract, tmp_path / "out")
    assert [p.path for p in raised.value.problems] == ["staff[6].id_number"]
    assert "110105199103142437" not in str([p.as_line() for p in raised.value.problems])
    assert not (tmp_path / "out").exists()


def test_cli_render_sample(tmp_path):
    out = tmp_path / "个人保密协议.docx"
    result = run("render", "nda-personal", SAMPLE, "-o", out)
    assert result.exit_code == 0
    assert result.stdout == f"已生成：{out}\n"
