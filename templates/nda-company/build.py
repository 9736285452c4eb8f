"""Build ``hrss.docx``: the company 安全保密协议 of seeds 000 附件二, 001 附件四 and 002 附件四.

Run ``make templates`` (or ``python templates/nda-company/build.py``) after editing; a test checks
the committed .docx is what this script builds. The wording is seed 002's (lines 604–665), with
its errors fixed: the main contract is cited by its title (seed 000 says 委托监理合同 of a 合同书),
the penalty clause by the contract's real clause number, 负责任的雇员 (seed 002: 负责责任的),
and the confidentiality period and the return window come from the data. See ``notes.md``.
"""

from __future__ import annotations

from pathlib import Path

from docgen.docxbuild import TemplateBuilder, save_templates

HERE = Path(__file__).resolve().parent

SCOPE = (
    "相关工作合同、方案、系统数据，以及有关会议文件、会议纪要和领导批示。",
    "相关工作人员之间往来的传真、信函、电子邮件等。",
    "相关工作实施过程中涉及的信息和资料以及可能产生的新的信息和资料。",
    "相关工作实施过程中各方拥有的知识产权信息，已经公开的知识产权信息除外。",
    "经甲乙双方在该工作实施过程中确认的需要保密的其他信息。",
)

DUTIES = (
    "乙方为保密资料接受方，负有保密义务，承担保密责任。",
    "乙方未经甲方书面同意不得向第三方（包括新闻界人士）公开和披露任何保密资料或以其他方式使用保密资料。",
    "乙方须把保密资料的接触范围严格限制在因本协议规定目的而需接触保密资料的负责任的雇员的范围内。",
    "除经过甲方书面同意而必要进行披露外，乙方不得将含有甲方或其雇员披露的保密资料复印或复制或者有意无意地提供给他人。",
    "如果甲乙双方合作不再继续进行，经甲方在任何时候提出书面要求，乙方应当、并应促使其代表在{{ return_text }}"
    "销毁或向甲方返还其占有的或控制的全部保密资料以及包含或体现了保密资料的全部文件和其它材料并连同全部副本。",
    "乙方将以并应促使其雇员以不低于其对自己拥有的类似资料的照料程度来对待甲方向其披露的保密资料，"
    "但在任何情况下，对保密资料的照料都不能低于合理程度。",
    "乙方违反保密义务，参照主合同的{{ penalty_ref }}承担违约责任。",
)

MUTUAL = (
    "双方确认，任何一方接触并知悉本协议保密信息的人员对保密信息均负有保密义务，任何一方人员违反保密协议，"
    "将由该方承担泄密责任。",
    "双方确认，任何一方不能利用获悉的对方保密信息为自己或其他方开发信息、技术和产品。",
)


def hrss() -> TemplateBuilder:
    b = TemplateBuilder("安全保密协议")
    with b.when("annex_heading"):
        b.para("{{ annex_heading }}", indent=False, bold=True)
    b.title("{{ agreement_title }}")
    b.field_line("甲方", "{{ party_a.name }}")
    b.field_line("乙方", "{{ party_b.name }}")

    b.clause("purpose")
    b.para("{{ party_a.name }}与{{ party_b.name }}就“{{ project_name }}”事宜达成一致，并签订了《{{ contract_title }}》"
           "（以下简称“主合同”）。为确保本项目的安全保密，经双方协商，特制定本协议。")

    b.clause("scope")
    b.paras(SCOPE, numbered=True)
    with b.each("item in scope_extra"):
        b.para("{{ loop.index + %d }}. {{ item }}" % len(SCOPE))
    b.para("{{ scope_extra|length + %d }}. {{ period_text }}" % (len(SCOPE) + 1))

    b.clause("duties")
    b.paras(DUTIES, numbered=True)

    b.clause("mutual")
    b.paras(MUTUAL, numbered=True)

    b.clause("other")
    b.para("1. 本协议履行期间，双方如有任何修改或补充意见，应协商一致签订修改或补充协议。修改或补充协议是本协议的"
           "组成部分，签字盖章后与本协议具有同等法律效力。")
    b.para("2. {{ effective_text }}")
    with b.when("copies"):
        b.para("3. 本协议{{ copies.text }}，具有同等法律效力。")

    b.para("（以下无正文）", indent=False, align="c")
    b.blank()
    b.party_signatures("signing_date")
    return b


def builders() -> dict[str, TemplateBuilder]:
    """Every template of this folder, by file name (what ``make templates`` writes)."""
    return {"hrss.docx": hrss()}


if __name__ == "__main__":
    save_templates(HERE, builders())
