"""Build ``template.docx`` for the 移交清单 (handover list) inside every handover package.

Run ``.venv/bin/python templates/handover-list/build.py``; a test checks the committed template
is what this script produces. The context is filled by ``archive.handover_package``
(see ``notes.md`` beside this file).
"""

from __future__ import annotations

from pathlib import Path

from docgen.docxbuild import PageSetup, TemplateBuilder, save_templates

HERE = Path(__file__).resolve().parent


def build() -> TemplateBuilder:
    """The template, block by block in reading order."""
    b = TemplateBuilder("移交清单", PageSetup(left=25, right=25))  # 160 mm of text: the 档号 column fits
    b.title("移交清单")
    b.subtitle("{{ period_label }}{{ kind_label }}")
    b.key_value_table(
        [
            ("项目名称", "{{ project_name }}"),
            ("项目代码", "{{ project_code }}"),
            ("移交包编号", "{{ package_id }}"),
            ("移交期间", "{{ period_label }}（{{ period_start|cn_date }}至{{ period_end|cn_date }}）"),
            ("移交方", "{{ vendor }}"),
            ("接收方", "{{ client }}"),
            ("建包日期", "{{ bagging_date|cn_date }}"),
            ("文件数量", "{{ doc_count }} 件，共 {{ total_size }}"),
        ],
        widths_mm=(32, 128),
    )
    b.heading("一、移交文件")
    b.table(
        ["序号", "档号", "题名", "日期", "页数", "备注"],
        ["{{ item.seq }}", "{{ item.ref }}", "{{ item.title }}", "{{ item.date }}", "{{ item.pages }}",
         "{{ item.remarks }}"],
        loop="item in items",
        widths_mm=[10, 64, 28, 24, 10, 24],
        align=["c", "l", "l", "c", "c", "l"],
    )
    with b.when("withheld_count"):
        b.para("另有 {{ withheld_count }} 件定为“非常敏感”的文件已归档，按规定未随本包移交（档号见完整性报告）。")
    b.heading("二、应交文件完整性与及时性")
    b.para("{{ rule_text }}")
    b.table(
        ["序号", "应交文件", "期间", "应交日期", "状态", "档号"],
        ["{{ owed.seq }}", "{{ owed.duty }}", "{{ owed.label }}", "{{ owed.due }}", "{{ owed.status }}",
         "{{ owed.refs }}"],
        loop="owed in owed_items",
        widths_mm=[10, 16, 34, 24, 20, 56],
        align=["c", "l", "l", "c", "c", "l"],
    )
    b.para("应交 {{ summary.expected }} 项：按时 {{ summary.present }} 项，迟交 {{ summary.late }} 项，"
           "缺失 {{ summary.missing }} 项，未到期 {{ summary.not_due }} 项。"
           "按考核办法（不完整每缺失一项扣 0.5 分，不及时每次扣 0.5 分），"
           "完整性扣 {{ summary.completeness_deduction }} 分，及时性扣 {{ summary.timeliness_deduction }} 分。")
    b.heading("三、移交确认")
    b.para("上列文件共 {{ doc_count }} 件，连同文件目录（XML、XLSX）、完整性报告和数字摘要登记表，"
           "以 BagIt 1.0 格式封装（SHA-256 校验）。接收方核验无误后签字确认。")
    b.blank()
    b.signature_block(
        ["移交方（盖章）：", "{{ vendor }}", "经办人（签字）：", "日期："],
        ["接收方（盖章）：", "{{ client }}", "接收人（签字）：", "日期："],
    )
    with b.when("supervisor"):
        b.para("监理单位（盖章）：{{ supervisor }}", indent=False, space_before=12, keep_with_next=True)
        b.para("监理工程师（签字）：                    日期：", indent=False)
    return b


if __name__ == "__main__":
    save_templates(HERE, {"template.docx": build()})
