"""Build the contract templates: ``hetongshu.docx`` (seed 002 / 000) and ``articles.docx`` (seed 001).

Run ``make templates`` (or ``python templates/contract/build.py``) after editing; the test suite
checks the committed .docx files are what this script builds. The wording is the seeds', with
the inventory's section C errors fixed: one term for the bond (履约保函 or 履约保证金, from the
data), 本合同 instead of 本协议, one assessment cycle, one effectiveness rule, a continuation
fee paid by 甲方, clause and annex numbers generated from the clause list.
"""

from __future__ import annotations

from pathlib import Path

from docgen.docxbuild import SIZE_SANHAO, SIZE_XIAOWU, TemplateBuilder, party_signature, save_templates

HERE = Path(__file__).resolve().parent


# ───────────────────────────── shared pieces ─────────────────────────────


def _periods_table(b: TemplateBuilder) -> None:
    b.table(["序号", "服务内容", "服务起日期", "服务止日期"],
            ["{{ p.seq }}", "{{ p.content }}", "{{ p.start|cn_date }}", "{{ p.end|cn_date }}"],
            loop="p in periods", widths_mm=[12, 60.4, 37, 37], align="clcc")


def _fees_table(b: TemplateBuilder) -> None:
    b.table(["序号", "运维服务内容", "运维服务费用（元）"],
            ["{{ f.seq }}", "{{ f.content }}", "{{ f.amount|money(False) }}"],
            loop="f in fee_rows", widths_mm=[16, 90.4, 40], align="clr",
            footer=["", "总计", "{{ fee_total|money(False) }}"])


def _payments_table(b: TemplateBuilder) -> None:
    b.table(["期次", "比例", "金额（元）", "万元", "大写金额", "付款条件", "付款期限"],
            ["{{ p.seq_cn }}", "{{ p.pct|pct }}", "{{ p.amount|money(False) }}", "{{ p.wan }}",
             "{{ p.upper }}", "{{ p.condition }}", "{{ p.deadline }}"],
            loop="p in payments", widths_mm=[15, 11, 27, 16, 33, 28.4, 16], align="ccrclll",
            size=SIZE_XIAOWU)


def _staff_table(b: TemplateBuilder) -> None:
    b.table(["序号", "姓名", "学历", "职称", "项目角色", "承担工作", "服务类型"],
            ["{{ loop.index }}", "{{ s.name }}", "{{ s.education }}", "{{ s.title }}", "{{ s.role }}",
             "{{ s.duty }}", "{{ s.service_type }}"],
            loop="s in staff", widths_mm=[10, 17, 12, 22, 27, 40.4, 18], align="ccccclc")


def _sla(b: TemplateBuilder, lead: str) -> None:
    """The service levels given in the data, as a table (nothing when none are given)."""
    with b.when("sla_rows"):
        b.para(lead + "乙方承诺达到以下服务级别：")
        b.table(["服务项目", "服务级别要求"], ["{{ r.item }}", "{{ r.requirement }}"], loop="r in sla_rows",
                widths_mm=[30, 116.4], align="cl")


def _single_payment(b: TemplateBuilder, lead: str = "") -> None:
    b.para(lead + "{{ payments[0].condition }}，甲方{{ payments[0].deadline }}支付乙方合同全款，即人民币"
           "{{ payments[0].amount|money }}元（大写：人民币{{ payments[0].upper }}）。")


def _instalments(b: TemplateBuilder, lead: str = "") -> None:
    b.para(lead + "合同款{{ payment_method }}，各期付款比例、金额、条件和期限如下（末期金额为合同总价减去前几期之和）：")
    _payments_table(b)


def _bond_text(b: TemplateBuilder, lead: str = "") -> None:
    b.para(lead + "双方签署合同后{{ bond.due.text }}内（即{{ bond_due_date|cn_date }}前），乙方应向甲方提供合同总价款"
           "{{ bond.pct|pct }}即人民币{{ bond_amount|money }}元（大写：人民币{{ bond_upper }}）的{{ bond.form }}。"
           "{% if bond.expiry %}{{ bond.form }}有效截止日为{{ bond.expiry|cn_date }}"
           "{% if bond.expiry == service_end %}（合同到期日）{% endif %}。"
           "{% else %}{{ bond.form }}{{ bond.return_rule }}。{% endif %}")


FISCAL = ("本项目资金来源为财政资金，合同约定的付款期限及付款方式、付款额度以财政资金到位情况为准。"
          "因财政资金未到位而影响甲方支付的情况不视为甲方违约，乙方应予以理解并保证合同履行。")

INTEGRITY = (
    "1. 合同双方承诺共同加强廉洁自律、反对商业贿赂。",
    "2. 甲方及其工作人员不得索要礼金、有价证券和贵重物品；不得在乙方报销应由本单位或个人支付的费用；"
    "不得以参与项目实施为名，接受乙方从该项目中支取的劳务报酬；不得参加乙方安排的超标准宴请和娱乐活动。",
    "3. 乙方不得向甲方及其工作人员行贿或馈赠礼金、有价证券、贵重礼品；不得为其报销应由甲方单位或个人支付的费用；"
    "不得向甲方工作人员支付劳务报酬；不得安排甲方工作人员参加超标准宴请及娱乐活动。",
)

IP = (
    "1. 乙方保证甲方在使用乙方提供的任何产品、服务时，不受第三方提出侵犯知识产权指控。如果任何第三方提出与乙方提供的"
    "任何产品、服务有关的侵权指控，乙方须与第三方交涉并承担因此发生的一切法律责任和费用。如因此给甲方造成损失的，"
    "乙方应予全额赔偿。",
    "2. 本项目实施所产生的信息资源及全部技术成果（包括但不限于软件、源代码及技术资料）的知识产权（包括但不限于著作权、"
    "专利权、商标权、专有技术等权利）及衍生权利均由甲方享有，凡有必要或可能申请专利的技术成果，均须由甲方办理专利申请。"
    "甲方在办理专利申请过程中如需乙方配合，乙方应予配合。合同终止时，乙方应在合同终止之日起{{ terms.ip_handover.text }}内，"
    "将上述全部技术成果及衍生成果等全部实际交付给甲方。",
    "3. 对在运维过程中获知的甲方或为甲方提供服务的第三方的知识产权，都受本条款的保护。",
)

FORCE_MAJEURE = (
    "1. 如果合同任一方因战争、火灾、洪水、台风、地震和其他不可抗力原因，影响了合同的履行，则可根据受影响的程度顺延合同"
    "履行期限，这一期限应相当于事故所影响的时间。受不可抗力影响的一方在不可抗力影响的范围内，不承担违约责任。但若一方"
    "违约在先，不得以此后发生不可抗力为由免除其违约责任。",
    "2. 受不可抗力影响的一方应在事件发生后，立即通知对方，并在{{ terms.force_majeure_proof.text }}内以书面方式向对方提供"
    "该不可抗力事件的证明文件（如政府公告、新闻报道等），并应于不可抗力事件结束后，立即恢复对本合同的履行。",
    "3. 如果不可抗力事件后果影响合同执行超过{{ terms.force_majeure_renegotiate.text }}，双方则就未来合同的履行另行商议。",
)

OTHER = (
    "1. 在合同履行过程中，甲、乙双方均不得任意修改合同内容，一方如需修改合同某项条款，需向另一方出具变更内容及理由的"
    "申请书，经对方同意并修改相应内容后方可实施，在达成新的约定之前，双方仍按原合同条款进行，否则，后果由自行修改条款"
    "一方负责。",
    "2. 本合同的附件为本合同不可分割的部分，与合同正文具有同等效力。",
    "3. 如本合同附件中的条款或本合同签署之前所签署的任何文件与本合同的条款相冲突或不一致，以本合同为准。",
)


def _penalty(b: TemplateBuilder, fee: str) -> None:
    b.para("1. 乙方未按约定提供服务", bold=True)
    b.para("如果乙方未按合同规定的服务条款提供服务或{{ assessment.cycle }}运维服务质量考核不合格的，应向甲方支付违约金，"
           f"每发现一次，按{fee}的{{{{ penalties.service_failure_pct|pct }}}}支付违约金。给甲方造成损失的，还须承担赔偿责任，"
           "具体赔偿金额视损失情况而定。违约金和赔偿金的支付并没有免除乙方继续履行合同的义务。")
    b.para("乙方违反本合同所规定的保密义务，乙方应立即采取补救措施，并支付违约金（"
           f"{fee}的{{{{ penalties.confidentiality_pct|pct }}}}），退回已收取的全部{fee}，甲方有权单方面解除合同，"
           "并可提请司法机关依法追究违约方及相关人员的刑事责任。")
    b.para("2. 甲方未按约定支付合同款", bold=True)
    b.para(f"如果甲方不能按期支付乙方{fee}，则应从逾期支付的第{{{{ late_payment_from }}}}个工作日起，每日按迟延支付金额的"
           "{{ penalties.late_payment.daily_pct|pct }}向乙方支付违约金。此项违约金总额不超过迟延支付价款的"
           "{{ penalties.late_payment.cap_pct|pct }}。逾期支付超过{{ penalties.late_payment.terminate_after.text }}的，"
           "乙方有权终止合同或暂停服务，有权收回从服务开始之日起至实际终止日期间履行部分的费用，并有权对由此引起的损失"
           "要求甲方予以赔偿。")


def _assessment(b: TemplateBuilder, basis: str) -> None:
    b.para(f"1. 甲方依据{basis}对乙方提供的服务质量进行考核{{% if assessment.organizer %}}，"
           "由{{ assessment.organizer }}组织项目最终验收{% endif %}。")
    b.para("2. 如果乙方没有满足服务质量要求，乙方除应采用补救措施、支付违约金外，给甲方造成损失的，还应赔偿甲方的全部损失。")
    b.para("3. {% if assessment.inspection %}{{ assessment.inspection }}{% endif %}乙方应{{ cycle_every }}向甲方提交书面"
           "{{ assessment.cycle }}服务工作总结报告，接受甲方的评审；甲方应当在收到{{ assessment.cycle }}服务工作总结报告后"
           "{{ assessment.review_days }}日内对报告进行评审或提出质疑。{{ assessment.review_days }}日内未提出质疑的，"
           "视为甲方通过评审。")


def _termination(b: TemplateBuilder, fee: str) -> None:
    b.para("1. 到期", bold=True)
    b.para("合同期限届满，且双方未就续约事宜达成一致的，合同到期终止。")
    b.para("2. 违约的解除", bold=True)
    b.para(f"甲方违反合同的约定未及时支付乙方{fee}，甲方在乙方发出要求甲方纠正违约行为的书面通知之日起"
           "{{ terms.cure.text }}内未能纠正违约行为并赔偿损失的，乙方有权书面通知违约方立即解除本合同。")
    b.para("乙方在连续{{ assessment.fail_periods_to_terminate }}{{ cycle_unit }}的运维服务质量考核中不合格的，"
           "乙方在甲方发出要求乙方纠正违约行为的书面通知之日起{{ terms.cure.text }}内未能纠正违约行为的，甲方有权解除合同。")
    b.para(f"根据本合同约定甲方解除合同的，{fee}按日计算（每日的{fee} = 年度{fee} ÷ 365 天，即人民币"
           f"{{{{ daily_fee|money }}}}元），乙方应按日返还其已经收取的、解除合同之日以后的{fee}。乙方应在收到甲方解除通知的"
           "{{ terms.refund_within.text }}内完成返还义务。")


def _continuation(b: TemplateBuilder) -> None:
    b.para("鉴于{{ project_name }}合同款由财政拨款的特殊性，下一年度此项目运维合同生效之前，乙方应按本合同继续提供系统的"
           "运维、服务保障，确保系统的稳定、安全、可靠运行。")
    b.para("由于合同中所涉及的服务内容具有连续性、不间断性的特点，在本合同服务到期后至甲方与新服务商签署服务合同前，乙方将"
           "根据本合同服务条款内容继续提供运维服务，服务时间至甲方与新服务商签署服务合同时为止，费用按照乙方服务时间占全年"
           "服务时间的比例乘以本合同总金额计算（应付服务费用 = 年度合同款 ÷ 365 天 × 服务天数），由甲方按本合同的约定支付。")


def _effect(b: TemplateBuilder) -> None:
    b.para("1. {{ effective_text }}")
    b.para("2. 本合同{{ copies.text }}，具有同等法律效力。")
    b.para("3. 本合同未尽事宜，应经双方协商后以补充协议方式明确。补充协议自双方加盖单位合同章或公章后生效，"
           "且补充协议内容不得背离本合同实质性内容。")


def _annexes(b: TemplateBuilder) -> None:
    """The annex list, then the annexes that are tables of this contract's own data."""
    with b.when("annex_list"):
        b.para("附件：", indent=False, bold=True)
        with b.each("a in annex_list"):
            b.para("{{ a.no }}：{{ a.title }}", indent=False)
    with b.when("fee_rows and 'fees' in annex"):
        b.page_break()
        b.heading("{{ annex.fees.no }}：{{ annex.fees.title }}")
        _fees_table(b)
    with b.when("staff"):
        b.page_break()
        b.heading("{{ annex.staff.no }}：{{ annex.staff.title }}")
        _staff_table(b)


PARTY_DETAILS = (
    # (label, field, printed only when one party has it) — the seeds print the first five always.
    ("地址", "address", False),
    ("邮政编码", "postcode", False),
    ("电话", "phone", False),
    ("传真", "fax", True),
    ("电子邮件", "email", True),
    ("开户银行", "bank", False),
    ("账号", "account_grouped", False),
    ("统一社会信用代码", "uscc", True),
    ("法定代表人", "legal_rep", True),
)


def _party_details(b: TemplateBuilder) -> None:
    """Both parties' addresses, phones and bank details side by side, as on the seeds' signature pages."""
    b.signature_block(
        [f"{label}：{{{{ party_a.{field} }}}}" for label, field, _ in PARTY_DETAILS],
        [f"{label}：{{{{ party_b.{field} }}}}" for label, field, _ in PARTY_DETAILS],
        only_if=[f"party_a.{field} or party_b.{field}" if optional else None for _, field, optional in PARTY_DETAILS],
    )


# ───────────────────────────── 合同书 + 合同一般条款 (seed 002) ─────────────────────────────


def hetongshu() -> TemplateBuilder:
    b = TemplateBuilder("合同书")
    # Cover, as seed 002's first page.
    b.blank(5)
    b.subtitle("{{ project_name }}")
    b.title("{{ title }}", space_before=24)
    b.blank(8)
    b.para("{{ party_a.name }}", indent=False, align="c", size=SIZE_SANHAO)
    b.para("{{ party_b.name }}", indent=False, align="c", size=SIZE_SANHAO)
    b.blank(2)
    b.para("合同编号：{{ contract_no }}", indent=False, align="c")
    b.page_break()

    b.title("{{ title }}")
    b.field_line("项目名称", "{{ project_name }}")
    b.field_line("委托方", "（甲方）{{ party_a.name }}")
    b.field_line("受托方", "（乙方）{{ party_b.name }}")
    b.field_line("签订地点", "{{ signing.place }}")
    b.field_line("签订日期", "{{ signing.date|cn_date('month') }}")
    with b.when("procurement"):
        b.para("鉴于{{ party_a.name }}{{ project_name }}通过{{ procurement.method }}方式确定乙方（{{ party_b.name }}）"
               "为本项目{{ procurement.winner }}{% if procurement.notice_date %}（{{ procurement.notice }}日期："
               "{{ procurement.notice_date|cn_date('cn_numerals') }}）{% endif %}，依据{% for law in legal_basis %}{{ law }}{% endfor %}的规定，"
               "甲乙双方经充分协商达成一致，签订本合同。")
        b.otherwise()
        b.para("依据{% for law in legal_basis %}{{ law }}{% endfor %}的规定，甲乙双方本着诚实守信、合作互利的原则，"
               "经充分协商达成一致，签订本合同。")

    b.clause("definitions")
    b.para("本合同中的下列术语应解释为：")
    b.paras((
        "1. “合同”系指甲乙双方签署的、合同格式中载明的双方所达成的协议，包括所有的附件、附录和构成合同的其它文件。",
        "2. “合同款”系指根据合同约定，乙方在完全履行合同义务后甲方应付给乙方的款项。",
        "3. “人员”系指作为雇员由乙方所雇佣并被分配执行服务或其任何部分的人员。",
        "4. “服务”系指由乙方根据合同所实施的工作。",
        "5. “甲方”系指{{ party_a.name }}{% if party_a.short_name %}（简称“{{ party_a.short_name }}”）{% endif %}。",
        "6. “乙方”系指{{ party_b.name }}{% if party_b.short_name %}（简称“{{ party_b.short_name }}”）{% endif %}。",
        "7. “现场”系指合同约定服务实施地点。",
        "8. “由甲方提供的支持”系指由甲方免费为乙方执行合同项下的服务而提供的数据、服务、设备以及便利。",
    ))

    b.clause("documents")
    b.para("下列文件构成本合同的组成部分，应当认为是一个整体，彼此相互解释，相互补充。为便于解释，组成合同的多个文件的"
           "优先支配地位的次序如下：")
    with b.each("d in documents"):
        b.para("{{ loop.index }}. {{ d }}")

    b.clause("scope")
    b.para("乙方负责{{ service.scope }}，乙方的服务内容详见{{ annex.scope.ref }}"
           "{% if 'plan' in annex %}；乙方的服务方案详见{{ annex.plan.ref }}{% endif %}。")

    b.clause("object")
    b.para("乙方为甲方提供的运维服务{% if service.object %}针对用户为{{ service.object }}，{% endif %}"
           "运维服务期间见本合同书{{ clause.term.article }}，服务地点：{{ service.location }}。")

    b.clause("price")
    b.para("本合同总价：人民币{{ money.total|money }}元（大写：人民币{{ total_upper }}）{% if money.tax_included %}，"
           "含税{% endif %}。{% if money.fiscal_funding %}" + FISCAL + "{% endif %}")

    b.clause("payment_method")
    b.para("本合同的付款方式为：{{ payment_method }}，具体见{{ clause.payment.ref }}。")

    b.clause("term")
    b.para("自{{ service_start|cn_date }}起至{{ service_end|cn_date }}止{% if periods|length > 1 %}，"
           "各项服务的服务期间见{{ clause.period.ref }}{% endif %}。")

    b.clause("effect_brief")
    b.para("{{ effective_text }}")

    b.para("（以下无正文）", indent=False, align="c")
    b.blank()
    b.signature_block(
        party_signature("{% if procurement %}采购人{% endif %}（甲方）", "party_a", "signing.date", seal="（印章）",
                        date_label=""),
        party_signature("{% if procurement %}{{ procurement.winner }}{% endif %}（乙方）", "party_b", "signing.date",
                        seal="（印章）", date_label=""),
    )
    _party_details(b)

    # 合同一般条款
    b.page_break()
    b.title("合同一般条款", size=SIZE_SANHAO)
    b.clause("service")
    b.para("乙方为甲方所委托的{{ project_name }}项目提供服务，具体内容详见{{ annex.scope.ref }}。")
    _sla(b, "")
    b.clause("period")
    b.para("乙方为甲方提供服务期间为{{ service_months_text }}，自{{ service_start|cn_date }}起至"
           "{{ service_end|cn_date }}止。{% if periods|length > 1 %}各项服务的服务期间如下：{% endif %}")
    with b.when("periods|length > 1"):
        _periods_table(b)
    b.clause("place")
    b.para("本合同项下的服务履行地点为{{ service.location }}。")

    b.clause("payment")
    b.para("1. 本合同合同款总额为人民币{{ money.total|money }}元，大写：人民币{{ total_upper }}。"
           "{% if fee_rows %}合同款构成如下：{% endif %}")
    with b.when("fee_rows"):
        _fees_table(b)
    with b.when("single_payment"):
        _single_payment(b, "2. ")
        b.otherwise()
        _instalments(b, "2. ")
    b.para("3. 乙方应在甲方付款前向甲方开具{{ money.invoice }}，否则甲方有权暂不付款且不承担逾期付款的违约责任。因乙方原因"
           "（包括但不限于未开具发票、开具发票不符合甲方要求等）导致甲方因财政政策原因未能付款，相应责任由乙方承担。")

    with b.when("bond"):
        b.clause("bond")
        _bond_text(b)

    b.clause("rights")
    b.para("1. 甲方的权利和义务", bold=True)
    b.paras((
        "(1) 甲方有权得到符合合同要求的服务。",
        "(2) 甲方有权拒绝乙方所委派的但其业务素质不被甲方所认可，或不遵守甲方工作场所规章制度的服务人员，甲方要求更换"
        "服务人员的，乙方应在{{ terms.staff_replace.text }}内完成更换。",
        "(3) 甲方应按合同约定向乙方支付合同款。",
        "(4) 甲方有权要求乙方提供与服务内容有关的相关信息。",
        "(5) 甲方需向乙方提供服务所必须的人力、设备和环境资源的配合。",
        "(6) 甲方在使用期间，如发现系统故障应立即向乙方通报，以确保乙方在第一时间内排除故障。",
        "(7) 甲方应保守乙方的技术秘密和商业秘密。",
    ))
    b.para("2. 乙方的权利和义务", bold=True)
    b.paras((
        "(1) 乙方有权按照合同的约定向甲方收取合同款。",
        "(2) 乙方有权得到甲方对于系统故障的及时通报。",
        "(3) 乙方应按照本合同要求的服务内容，及时有效地完成规定的运行维护工作，保证系统正常运行。",
        "(4) 乙方应制定运行维护相关工作制度、工作流程、工作标准，并建立相关设备档案及维护档案。对服务过程中的技术文档"
        "按照甲方要求妥善保存，对于服务过程中的重要事项如实记录，并经双方人员签字确认。",
        "(5) 乙方在履行服务过程中，若涉及对甲方网络或系统进行调整的，应通知甲方作好相应的系统数据备份等准备工作，并明示"
        "具体的操作方法、操作工具、操作步骤以及可能出现的风险，经甲方确认后方可开展工作。",
        "(6) 乙方定期对甲方系统进行预防性检查，并向甲方提交检测报告、故障分析报告、月报、年报等，确保系统运行达到规定的"
        "运行标准，确保系统的安全性和灾难恢复能力。因乙方维护不当造成的安全事故，乙方应负赔偿责任。",
        "(7) 乙方应保守甲方的相关技术秘密、政务信息及相关内部事务信息。",
        "(8) 乙方选派的服务人员，应具备合同约定服务所必须的技能，工作态度认真负责，服从甲方的工作安排，遵守甲方的工作"
        "环境和行为要求。服务人员必须签署保密协议，必须明了其工作内容和要求。",
    ))

    b.clause("penalty")
    _penalty(b, "合同款")
    b.clause("assessment")
    _assessment(b, "{{ annex.scope.ref }}")
    b.clause("ip")
    b.paras(IP)
    b.clause("confidentiality")
    b.para("1. 自合同签订之日起，乙方有责任对甲方提供的各种技术文件（包括但不限于软件、咨询报告、服务内容）与工作业务信息"
           "进行保密，未经甲方书面批准不得提供给第三方。如有违反，乙方应承担相应的法律责任。此保密义务不因合同的终止而免除。")
    b.para("2. 乙方必须与甲方签订《{{ annex.nda.title }}》（详见{{ annex.nda.no }}）。如违反《{{ annex.nda.title }}》，"
           "必须承担全部责任并赔偿甲方的一切损失，甲方有权追究乙方的法律责任并单方解除本合同。")
    b.para("3. 乙方必须遵守甲方的各项规章制度，严格按照工作规范组织进行运维工作，制定切实可行的措施保障人员安全、设备安全、"
           "生产安全，对运维人员进行管理和思想教育，加强保密意识和安全生产意识。")
    b.para("4. 甲、乙双方应积极配合信息安全主管部门对信息安全进行监督检查。")
    with b.when("integrity"):
        b.clause("integrity")
        b.paras(INTEGRITY)
    b.clause("force_majeure")
    b.paras(FORCE_MAJEURE)
    b.clause("dispute")
    b.para("1. 本合同按中华人民共和国相关法律、法规进行解释和履行。")
    with b.when("dispute.arbitration"):
        b.para("2. 因履行合同所发生的一切争议，双方应友好协商解决；协商不成的，提交{{ dispute.arbitration_body }}仲裁，"
               "仲裁裁决为终局裁决。")
        b.otherwise()
        b.para("2. 因履行合同所发生的一切争议，双方应友好协商解决；协商不成的，依法向{{ dispute.court }}起诉。")
    b.para("3. 发生争议期间，乙方有义务继续按照服务内容条款中的要求提供服务，不得中断。")
    b.clause("termination")
    _termination(b, "合同款")
    b.clause("other")
    b.paras(OTHER)
    with b.when("continuation"):
        b.clause("continuation")
        _continuation(b)
    b.clause("effect")
    _effect(b)

    b.title("合同特殊条款", size=SIZE_SANHAO, space_before=18)
    b.para("{{ special_terms }}")
    _annexes(b)
    return b


# ───────────────────────────── 第X条 layout (seed 001) ─────────────────────────────


def articles() -> TemplateBuilder:
    b = TemplateBuilder("电子政务运维项目服务合同")
    b.blank(3)
    b.title("{{ title }}")
    b.blank(2)
    b.field_line("项目名称", "{{ project_name }}")
    b.field_line("甲　　方", "{{ party_a.name }}")
    b.field_line("乙　　方", "{{ party_b.name }}")
    b.field_line("合同编号", "{{ contract_no }}")
    b.field_line("签约地点", "{{ signing.place }}")
    b.field_line("签约日期", "{{ signing.date|cn_date('cn_spaced') }}")
    b.page_break()

    b.clause("general")
    with b.when("procurement"):
        b.para("1. 根据{% if procurement.agency %}{{ procurement.agency }}{% endif %}"
               "{% if procurement.number %}采购编号为“{{ procurement.number }}”的{% endif %}“{{ project_name }}”项目"
               "（以下简称“本项目”）{{ procurement.notice }}，并依据{% for law in legal_basis %}{{ law }}{% endfor %}的规定，"
               "甲、乙双方本着诚实守信、合作互利的原则，经过友好协商，就甲方委托乙方提供项目运维服务事宜签订本合同。")
        b.otherwise()
        b.para("1. 依据{% for law in legal_basis %}{{ law }}{% endfor %}的规定，甲、乙双方本着诚实守信、合作互利的原则，"
               "经过友好协商，就甲方委托乙方提供“{{ project_name }}”项目运维服务事宜签订本合同。")
    b.para("2. 甲、乙双方之间任何与本合同有关的信函、电子邮件、电话，均使用并且只能使用下列双方确认的地址、电话号码、"
           "电子邮件地址。")
    b.fixed_table(["", "单位名称", "地址", "电话", "电子邮件"],
                  [["甲方", "{{ party_a.name }}", "{{ party_a.address }}", "{{ party_a.phone }}", "{{ party_a.email }}"],
                   ["乙方", "{{ party_b.name }}", "{{ party_b.address }}", "{{ party_b.phone }}", "{{ party_b.email }}"]],
                  widths_mm=[10, 38, 44.4, 28, 26], align="clllc")
    b.para("3. 甲、乙双方之间有关合同的财务往来及结算，应通过甲方与乙方共同确认的银行及账号进行。本合同存续期间，一方若遇"
           "结算银行及账号变化，应在变化之日起{{ terms.bank_change_notice.text }}内书面告知另一方，因该方未及时告知而导致的"
           "不利后果由该方自行承担。")
    b.para("4. 本合同的有效组成部分包括：本合同、合同附件。")

    b.clause("service")
    b.para("1. 服务内容：乙方负责{{ service.scope }}，保证政府信息系统稳定、安全和可靠运行，并保障信息系统数据安全和信息"
           "交换安全；服务内容详细描述见{{ annex.scope.ref }}。")
    b.para("2. 服务承诺：乙方在合同约定期限内选派专业技术运维人员满足甲方的服务需求，服务地点为{{ service.location }}"
           "{% if service.object %}，服务对象为{{ service.object }}{% endif %}。")
    b.para("3. 服务期间：")
    _periods_table(b)
    b.para("4. 服务的转包和转让：本合同项下涉及的所有服务内容，乙方不得转让或转包。")
    _sla(b, "5. 服务级别：")

    b.clause("price")
    b.para("在本合同涉及的以上内容条件下，总服务期为{{ service_months_text }}的合同价款为人民币{{ money.total|money }}元"
           "（大写：人民币{{ total_upper }}）{% if money.tax_included %}，含税{% endif %}"
           "{% if fee_rows and 'fees' in annex %}，服务费明细见{{ annex.fees.ref }}{% endif %}。")

    b.clause("payment")
    b.clause("payment_basis", level=2)
    b.para("按照合同约定及财政批复、政府采购等具体情况支付。乙方应向甲方汇报运维的工作情况，甲方根据乙方提交的月度、季度和"
           "年度运维报告及相关服务要求和约定，支付运维服务费。乙方应在甲方付款前向甲方开具{{ money.invoice }}。")
    b.clause("payment_method", level=2)
    with b.when("single_payment"):
        _single_payment(b)
        b.otherwise()
        _instalments(b)
    with b.when("bond"):
        b.clause("payment_bond", level=2)
        _bond_text(b)
    with b.when("money.fiscal_funding"):
        b.clause("payment_funding", level=2)
        b.para(FISCAL + "本项目最终合同金额以财政资金实际情况为准。")

    b.clause("penalty")
    _penalty(b, "技术服务费")
    b.clause("assessment")
    _assessment(b, "{{ annex.scope.ref }}")
    b.clause("confidentiality")
    b.paras((
        "1. 自合同签订之日起，乙方有责任对甲方提供的各种技术文件（包括但不限于软件、咨询报告、服务内容）与工作业务信息进行"
        "保密，未经甲方书面批准不得提供给第三方。如有违反，乙方应承担相应的法律责任。此保密义务不因合同的终止而免除。",
        "2. 乙方必须与甲方签订《{{ annex.nda.title }}》（见{{ annex.nda.no }}）。",
        "3. 乙方必须遵守甲方的各项规章制度，严格按照工作规范组织进行运维工作，制定切实可行的措施保障人员安全，设备安全，"
        "生产安全。",
        "4. 乙方必须制定合理的措施对运维人员进行管理和思想教育，加强保密意识，安全生产意识。",
        "5. 乙方如违反《{{ annex.nda.title }}》，必须承担全部责任并赔偿甲方的一切损失，甲方有权追究乙方的法律责任并解除"
        "本合同。",
        "6. 甲、乙方应积极配合信息安全主管部门对信息安全进行监督检查。",
    ))
    b.clause("ip")
    b.paras(IP)
    b.clause("force_majeure")
    b.paras(FORCE_MAJEURE)
    b.clause("dispute")
    b.para("1. 本合同按中华人民共和国相关法律、法规进行解释和履行。")
    b.para("2. 因履行合同所发生的一切争议，双方应友好协商解决；协商不成的，{{ dispute.text }}。")
    b.para("3. 发生争议期间，乙方有义务继续按照服务内容条款中的要求提供服务，不得中断。")
    b.clause("other")
    b.paras(OTHER)
    b.clause("termination")
    _termination(b, "技术服务费")
    with b.when("continuation"):
        b.clause("continuation")
        _continuation(b)
    b.clause("effect")
    _effect(b)
    with b.when("integrity"):
        b.clause("integrity")
        b.paras(INTEGRITY)

    b.blank()
    b.party_signatures("signing.date", sign="（签字）")
    _party_details(b)
    b.blank()
    _annexes(b)
    return b


def builders() -> dict[str, TemplateBuilder]:
    """Every template of this folder, by file name (what ``make templates`` writes)."""
    return {"hetongshu.docx": hetongshu(), "articles.docx": articles()}


if __name__ == "__main__":
    save_templates(HERE, builders())
