"""Build ``template.docx`` for the 档案销毁记录 the archive writes when it destroys documents.

Run ``.venv/bin/python templates/destruction-record/build.py``; a test checks the committed
template is what this script produces. The context is filled by ``archive.disposition``.
"""

from __future__ import annotations

from pathlib import Path

from docgen.docxbuild import TemplateBuilder, save_templates

HERE = Path(__file__).resolve().parent


def build() -> TemplateBuilder:
    """The template, block by block in reading order."""
    b = TemplateBuilder("档案销毁记录")
    b.title("档案销毁记录")
    b.key_value_table(
        [
            ("全宗号", "{{ fonds }}"),
            ("销毁日期", "{{ destroyed_on|cn_date }}"),
            ("执行人", "{{ by }}"),
            ("销毁件数", "{{ count }} 件（共 {{ versions }} 个版本）"),
            ("销毁原因", "{{ reason }}"),
            ("销毁方式", "{{ method }}"),
        ]
    )
    b.heading("销毁清单")
    b.table(
        ["序号", "档号", "题名", "文件日期", "保管期限", "版本"],
        ["{{ item.no }}", "{{ item.ref }}", "{{ item.title }}", "{{ item.date|cn_date }}", "{{ item.retention }}",
         "{{ item.versions }}"],
        loop="item in items",
        widths_mm=[12, 44, 44, 22, 12.6, 12],
        align=["c", "l", "l", "c", "c", "c"],
    )
    b.para("{{ statement }}")
    b.blank()
    b.signature_block(["执行人（签字）：", "日期："], ["监销人（签字）：", "日期："])
    return b


if __name__ == "__main__":
    save_templates(HERE, {"template.docx": build()})
