"""Build ``notice.docx``: a 监理通知单 (supervision notice) as inventory D.8 describes it.

Run ``make templates`` (or ``python templates/notice/build.py``) after editing; a test checks the
committed .docx is what this script builds. Seed 000 names the form (§12 L1097 "监理通知单 — 提交对
运维中的重大事故提出整改和考核意见"; §6.4 L780 "发现偏离应签发《监理通知》") without printing one,
so the layout is the usual 监理 form: 文号, 致 / 抄送 / 事由, the numbered sections, the issuer's
signature, and the reply and closure boxes, left as lines to fill in by hand until the data has
them. See ``notes.md``.
"""

from __future__ import annotations

from pathlib import Path

from docgen.docxbuild import TemplateBuilder, save_templates

HERE = Path(__file__).resolve().parent
BLANK = "＿" * 34  # a line across the text width, to write on by hand


def _answer(b: TemplateBuilder, heading: str, key: str, text: str, signer: str) -> None:
    """A box the other side answers in: printed from ``key`` when the data has it, else three
    lines and a signature line to fill in by hand."""
    b.heading(heading)
    with b.when(key):
        b.para(text)
        b.para(f"{signer}（签字）：{{{{ {key}.by }}}}　　日期：{{{{ {key}.date|cn_date }}}}", indent=False, align="r")
        b.otherwise()
        for _ in range(3):
            b.para(BLANK, indent=False, space_before=6)
        b.para(f"{signer}（签字）：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日", indent=False, align="r")


def notice() -> TemplateBuilder:
    b = TemplateBuilder("监理通知单")
    b.title("监理通知单")
    b.para("{{ number_text }}", indent=False, align="r")
    b.key_value_table([
        ("项目名称", "{{ project_name }}"),
        ("主合同", "《{{ contract_title }}》"),
        ("致（运维服务单位）", "{{ recipient }}"),
        ("抄送（甲方）", "{{ cc }}"),
        ("事由", "{{ subject }}"),
    ], widths_mm=(40, 106.4))

    b.clause("incident")
    b.key_value_table([
        ("问题类型", "{{ incident.type }}"),
        ("发生时间", "{{ occurred_text }}"),
        ("问题描述", "{{ incident.description }}"),
        ("影响范围", "{{ incident.impact }}"),
    ], widths_mm=(30, 116.4))

    b.clause("basis")
    with b.each("line in basis_lines"):
        b.para("{{ loop.index }}. {{ line }}")

    b.clause("requirements")
    b.para("请{{ recipient }}按以下要求进行整改：")
    with b.each("item in requirements"):
        b.para("{{ loop.index }}. {{ item }}")

    b.clause("deadline")
    b.para("请于{{ deadline_text }}完成整改，并将整改情况书面回复本监理单位。工作日按国务院办公厅公布的节假日安排计。")

    with b.when("assessment"):
        b.clause("assessment")
        b.para("{{ assessment.opinion }}")
        with b.when("assessment.deduction"):
            b.para("建议核减运维服务费用人民币{{ assessment.deduction|money }}元（大写：人民币{{ deduction_upper }}），"
                   "报甲方审定。")

    b.blank()
    b.para("监理单位（盖章）：{{ issuer.unit }}", indent=False, align="r")
    b.para("总监理工程师（签字）：{{ issuer.chief_engineer }}", indent=False, align="r")
    b.para("签发日期：{{ issue_date|cn_date }}", indent=False, align="r")

    _answer(b, "运维服务单位回复", "reply", "{{ reply.text }}", "负责人")
    _answer(b, "监理复查意见", "closure",
            "{{ closure.text }}{% if closure.closed %}（已闭环）{% else %}（未闭环，继续跟踪）{% endif %}", "复查人")
    return b


def builders() -> dict[str, TemplateBuilder]:
    """Every template of this folder, by file name (what ``make templates`` writes)."""
    return {"notice.docx": notice()}


if __name__ == "__main__":
    save_templates(HERE, builders())
