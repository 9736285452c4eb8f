"""Build ``personal.docx``: the 个人保密协议 of seed 003 附件2 (lines 365–515 of ``003_df6ca03d82af185a.txt``).

Run ``make templates`` (or ``python templates/nda-personal/build.py``) after editing; a test checks
the committed .docx is what this script builds. The wording is the seed's, with its errors fixed:
the person's name is one field for header and signature; the recital names the employer that
signed the contract and the company NDA (the seed says 甲方与乙方, the individual); the obligee
is defined; 本合同 becomes the main contract by title; the 甲方 signature label is always there.
The sensitivity table is a real Word table. See ``notes.md``.
"""

from __future__ import annotations

from pathlib import Path

from docgen.docxbuild import TemplateBuilder, party_signature, save_templates

HERE = Path(__file__).resolve().parent

O = "{{ obligee_name }}"

DUTIES = (
    f"乙方在{O}工作期间，必须遵守{O}制定的{{{{ regulations_text }}}}，保守{O}的保密信息，不损害{O}利益和不以{O}"
    f"保密信息谋取私利。{O}安全管理制度没有规定的，乙方应本着谨慎、诚实的态度，采取任何必要、合理的措施，维护其知悉"
    "或者持有的保密信息。",
    f"乙方承诺对在该项目过程中接触到的涉及{O}工作秘密的资料、文件、数据等承担保密义务。",
    "乙方承诺只在该项目需要时使用上述工作秘密。",
    f"乙方承诺在该项目过程中不去刺探或者以其他不正当手段获取{O}的工作秘密。",
    f"乙方承诺不将{O}的工作秘密泄漏、告知、公布、发布、出版、传授、转让给任何第三方或以其他任何方式予以披露。",
    f"乙方承诺在没有获得{O}事先书面同意之前，不得在任何时候以任何形式为本项目以外的目的使用工作秘密。",
    f"乙方因该项目需要所持有或保管的一切记录着上述工作秘密的文件、资料、报告、信件、传真、磁带、磁盘以及其他任何形式"
    f"的载体，须在{O}要求下的任何时候予以交还；未经{O}授权，乙方不得留有这些文件的复制文件。",
    f"乙方如发现上述工作秘密被泄露或者因自己过失泄露，应当采取有效措施防止工作秘密进一步扩散，并及时告知{O}。",
    f"乙方保证，项目完成后仍对其在该项目期间接触、知悉的属于{O}的工作秘密承担与项目期间相同的保密义务。",
    f"乙方保证，离职之后仍对其在该项目期间接触、知悉的属于{O}的工作秘密承担与任职期间相同的保密义务，"
    "而无论乙方因何种原因离职。",
)


def personal() -> TemplateBuilder:
    b = TemplateBuilder("个人保密协议")
    b.title("个人保密协议")
    b.field_line("甲方", "{{ party_a.name }}")
    b.field_line("乙方", "{{ person_name }}")
    b.field_line("身份证号", "{{ id_number }}")
    b.field_line("性别", "{{ gender }}")
    b.field_line("住址信息", "{{ address }}")
    b.field_line("所在单位", "{{ employer }}")
    b.para("甲方与乙方所在单位{{ employer }}于{{ agreement_date|cn_date }}就{{ project_name }}达成协议，并签署了"
           "《{{ parent_title }}》。乙方作为{{ employer }}派驻该项目的{{ role }}（{{ service_type }}），承诺对在该项目中获悉的{{ obligee_name }}"
           "的内部工作秘密信息承担如下保密义务：")
    with b.when("obligee_definition"):
        b.para("{{ obligee_definition }}")

    b.clause("content")
    b.para(f"本协议所涉及的工作秘密，包括：{O}计算机信息系统中的数据和信息，{O}的内部业务内容，{O}提供的所有书面资料，"
           f"其他经{O}确定应当保密的事项。具体内容如下表所示：")
    b.table(["级别", "敏感程度", "内容"],
            ["{{ row.level_shown }}", "{{ row.sensitivity }}", "{{ row.contents }}"],
            loop="row in sensitivity_rows", widths_mm=[22, 32, 92.4], align="ccl")

    b.clause("duties")
    b.paras(DUTIES, numbered=True)

    b.clause("term")
    b.para("甲、乙双方确认，乙方的保密义务自本协议签署之日起生效，没有终止日期：保密义务不受主合同《{{ contract_title }}》"
           "终止或届满的影响，也不因乙方离职而解除。如果本协议所列保密内容因甲乙方之外的其他人员泄漏，乙方不承担泄密责任，"
           "但仍继续承担保密义务。")

    b.clause("liability")
    b.para("乙方如违反本协议规定的保密义务，给甲方造成了损失，甲方有权向乙方追偿（包括但不限于直接损失、间接损失、甲方因此"
           "支出的调查费、律师费、诉讼费等），并保留追究乙方其他责任的权利。")

    b.clause("dispute")
    b.para("因本保密协议产生的任何纠纷，{{ dispute.text }}。")

    b.clause("other")
    b.para("乙方确认，在签署本协议前已仔细审阅过协议的内容，并完全了解协议各条款的法律含义。")
    b.para("本协议自甲方盖章、乙方签字之日起生效。本协议{{ copies.text }}，具有同等法律效力。")

    b.blank()
    b.signature_block(
        party_signature("甲方", "party_a", "agreement_date", sign="（签字）", date_label="日期"),
        ["乙方：{{ person_name }}", "", "（签字）：", "", "日期：{{ agreement_date|cn_date }}"],
    )
    return b


def builders() -> dict[str, TemplateBuilder]:
    """Every template of this folder, by file name (what ``make templates`` writes)."""
    return {"personal.docx": personal()}


if __name__ == "__main__":
    save_templates(HERE, builders())
