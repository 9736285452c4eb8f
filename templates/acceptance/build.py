"""Build ``report.docx``: a 验收报告 with the sections of inventory D.9.

Run ``make templates`` (or ``python templates/acceptance/build.py``) after editing; a test checks
the committed .docx is what this script builds. The seeds require the report but contain none,
so its sections follow what they say it must hold: seed 003 七 (验收时间及主体, 考核指标, 验收标准,
验收方法, 验收结果 with the 20 %/40 %/60 % 尾款 scale) and 附件4 (grades), seed 000 五 (the
continuation commitment), §2.4 and §4.3 (文档审核意见, 验收监理意见, 签到表, 三方签署), seed 004
7 and 4.2 (criteria, bond return). Section numbers come from the layout's clause list, so a
report without KPIs or a supervisor renumbers. See ``notes.md``.
"""

from __future__ import annotations

from pathlib import Path

from docgen.docxbuild import TemplateBuilder, save_templates

HERE = Path(__file__).resolve().parent


def report() -> TemplateBuilder:
    b = TemplateBuilder("验收报告")
    b.subtitle("{{ project_name }}")
    b.title("验收报告")
    with b.when("report_no"):
        b.para("报告编号：{{ report_no }}", indent=False, align="r")

    b.clause("overview")
    b.key_value_table([
        ("项目名称", "{{ project_name }}"),
        ("合同名称", "《{{ contract_title }}》{% if contract_no %}（合同编号：{{ contract_no }}）{% endif %}"),
        ("甲方", "{{ party_a.name }}"),
        ("乙方（运维服务单位）", "{{ party_b.name }}"),
        ("监理单位", "{% if supervision %}{{ supervision.unit }}{% else %}无{% endif %}"),
        ("服务期限", "{% if service_start %}{{ service_start|cn_date }}至{{ service_end|cn_date }}{% endif %}"),
        ("合同金额", "{% if contract_total %}人民币{{ contract_total|money }}元（大写：人民币{{ contract_total_upper }}）"
                     "{% endif %}"),
    ], widths_mm=(46, 100.4))

    b.clause("meeting")
    b.para("{{ organizer }}于{{ date|cn_date }}在{{ place }}组织召开{{ project_name }}验收会，甲方、乙方"
           "{% if supervision %}、监理单位{% endif %}{% if experts %}及验收专家{% endif %}参加，签到如下：")
    b.table(["序号", "姓名", "单位", "职务或职称", "参会方", "签字"],
            ["{{ a.seq }}", "{{ a.name }}", "{{ a.unit }}", "{{ a.position }}", "{{ a.side }}", ""],
            loop="a in attendee_rows", widths_mm=[12, 18, 48.4, 26, 16, 26], align="cclccc")
    with b.when("experts"):
        b.para("专家组成员：{{ experts }}。")
    with b.when("expert_opinion"):
        b.para("专家验收意见：", bold=True, indent=False)
        b.para("{{ expert_opinion }}")

    b.clause("criteria")
    b.table(["序号", "验收标准", "依据材料", "必备项", "检查结果"],
            ["{{ c.seq }}", "{{ c.item }}", "{{ c.evidence }}", "{{ c.mandatory }}", "{{ c.result }}"],
            loop="c in criterion_rows", widths_mm=[12, 46, 54.4, 14, 20], align="cllcc")

    with b.when("'kpis' in clause"):
        b.clause("kpis")
        with b.when("kpi_rows"):
            b.table(["序号", "考核指标", "指标要求", "实际情况", "结果"],
                    ["{{ k.seq }}", "{{ k.item }}", "{{ k.target }}", "{{ k.actual }}", "{{ k.result }}"],
                    loop="k in kpi_rows", widths_mm=[12, 24, 46, 44.4, 20], align="cllcc")
            b.para("{{ kpis_met }}。")
        with b.when("performance"):
            b.para("{% if performance.period %}{{ performance.period }}{% endif %}信息化运维绩效考核总分"
                   "{{ performance.score }}分，考核等级为{{ grade }}。")

    with b.when("supervision"):
        b.clause("supervision")
        b.para("1. 文档审核意见", bold=True)
        b.para("{{ supervision.document_review }}")
        b.para("2. 验收监理意见", bold=True)
        b.para("{{ supervision.opinion }}")
        b.para("总监理工程师：{{ supervision.chief_engineer }}", indent=False, align="r")

    b.clause("conclusion")
    with b.when("conclusion == '合格'"):
        b.para("经验收，各项必备验收标准均已通过，验收结论为：合格。", bold=True)
        b.otherwise()
        b.para("经验收，下列必备验收标准未通过，验收结论为：不合格。", bold=True)
        with b.each("item in failed_items"):
            b.para("（{{ loop.index }}）{{ item }}")
        b.para("乙方应按下列整改要求限期整改，整改完成后重新提出验收申请。")

    with b.when("rectification_rows"):
        b.clause("rectification")
        b.table(["序号", "整改事项", "整改期限", "完成期限", "责任人"],
                ["{{ r.seq }}", "{{ r.item }}", "{{ r.within }}", "{{ r.deadline|cn_date }}", "{{ r.responsible }}"],
                loop="r in rectification_rows", widths_mm=[12, 60.4, 24, 30, 20], align="clccc")
        b.para("整改期限自验收之日起计算，工作日按国务院办公厅公布的节假日安排计。")

    with b.when("settlement_text"):
        b.clause("settlement")
        with b.each("line in settlement_text"):
            b.para("{{ line }}")
        with b.when("refund_rows"):
            b.table(["考核等级", "退回比例", "退回金额（元）", "大写金额", "本次适用"],
                    ["{{ r.grade }}", "{{ r.pct|pct }}", "{{ r.amount|money(False) }}", "{{ r.upper }}", "{{ r.applies }}"],
                    loop="r in refund_rows", widths_mm=[22, 20, 30, 54.4, 20], align="ccrlc")

    with b.when("continuation_text"):
        b.clause("continuation")
        b.para("{{ continuation_text }}")

    b.clause("signatures")
    b.para("本报告经{% if supervision %}甲方、监理单位、乙方三方{% else %}甲、乙双方{% endif %}签署后生效。")
    b.table(["签署方", "单位名称（盖章）", "代表签字", "日期"],
            ["{{ s.side }}", "{{ s.name }}", "", "{{ date|cn_date }}"],
            loop="s in signatories", widths_mm=[20, 66.4, 30, 30], align="clcc")
    return b


def builders() -> dict[str, TemplateBuilder]:
    """Every template of this folder, by file name (what ``make templates`` writes)."""
    return {"report.docx": report()}


if __name__ == "__main__":
    save_templates(HERE, builders())
