"""Template lint: every shipped template is clean, and each kind of mistake is caught.

The bad templates are built with the same builder as the real ones (or, for a split tag, with
python-docx directly, the way Word splits runs), and linted against a throw-away kind.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from pydantic import BaseModel

from docgen.docxbuild import TemplateBuilder
from docgen.kinds.base import Clause, ClauseSpec, Kind, Layout, all_kinds, number_clauses
from docgen.kinds.common import DocModel, F, Party
from docgen.lint import environment_problems, lint, lint_kind, split_tags, used_paths


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda k: k.name)
def test_every_shipped_template_lints_clean(kind):
    assert [p.as_line() for p in lint_kind(kind)] == []


def test_render_environment_is_sandboxed_and_autoescaped():
    assert environment_problems() == []


def test_lint_all_reports_every_kind():
    report = lint()
    assert set(report) == {"*"} | {k.name for k in all_kinds()}


# ───────────────────────────── a throw-away kind ─────────────────────────────


class ToyModel(DocModel):
    party: Party = F("甲方")
    note: str = F("备注")
    items: list[str] = F("事项", [])


class ToyDerived(BaseModel):
    clause: dict[str, Clause]
    total_upper: str


CLAUSES = (ClauseSpec("scope", "服务内容"), ClauseSpec("bond", "履约保函", optional=True), ClauseSpec("penalty", "违约责任"))


def toy_kind(template: Path, not_printed: frozenset[str] = frozenset({"party"})) -> Kind:
    class Toy(Kind):
        name = "toy"
        label = "测试文书"
        model = ToyModel
        derived_model = ToyDerived
        layouts = (Layout("default", "测试", template.name, "chapter", CLAUSES),)

        @property
        def folder(self) -> Path:
            return template.parent

    Toy.not_printed = not_printed
    return Toy()


def good_template(b: TemplateBuilder) -> None:
    b.clause("scope")
    b.para("{{ note }}，大写：{{ total_upper }}")
    with b.each("item in items"):
        b.para("{{ item }}")
    with b.when("clause.bond is defined"):
        b.clause("bond")
    b.clause("penalty")


def build(tmp_path: Path, body) -> Path:
    builder = TemplateBuilder("测试")
    body(builder)
    return builder.save(tmp_path / "toy.docx")


def messages(problems) -> list[str]:
    return [f"{p.message}：{p.value}" if p.value else p.message for p in problems]


def test_a_good_toy_template_is_clean(tmp_path):
    assert lint_kind(toy_kind(build(tmp_path, good_template))) == []


def test_undeclared_variable_is_caught(tmp_path):
    def body(b):
        good_template(b)
        b.para("{{ party.nmae }} {{ totl_upper }} {% for i in items %}{{ i.size }}{% endfor %}")

    found = messages(lint_kind(toy_kind(build(tmp_path, body))))
    assert "模板使用了未声明的变量：party.nmae" in found
    assert "模板使用了未声明的变量：totl_upper" in found
    assert "模板使用了未声明的变量：items[].size" in found


def test_loop_variables_resolve_to_their_list(tmp_path):
    source = "{% for p in party_list %}{{ p.name }}{{ loop.index }}{% endfor %}{% set x = 1 %}{{ x }}"
    assert used_paths(source) == {"party_list", "party_list[].name"}


def test_declared_field_never_printed_is_caught(tmp_path):
    def body(b):
        b.clause("scope")
        b.para("{{ total_upper }}")
        with b.when("clause.bond is defined"):
            b.clause("bond")
        b.clause("penalty")

    found = messages(lint_kind(toy_kind(build(tmp_path, body))))
    assert "声明的字段没有被任何模板使用（若有意不打印，请列入 not_printed）：note" in found
    assert "声明的字段没有被任何模板使用（若有意不打印，请列入 not_printed）：items[]" in found


def test_not_printed_silences_the_unused_check(tmp_path):
    def body(b):
        b.clause("scope")
        b.clause("bond")
        b.clause("penalty")

    kind = toy_kind(build(tmp_path, body), frozenset({"party", "note", "items", "total_upper"}))
    assert lint_kind(kind) == []


def test_tag_split_across_runs_is_caught(tmp_path):
    """GIVEN a paragraph where Word split '{{ note }}' into two runs THEN lint names the tag."""
    path = build(tmp_path, good_template)
    document = Document(str(path))
    paragraph = document.add_paragraph()
    paragraph.add_run("金额：{{ no")
    paragraph.add_run("te }}元")
    document.save(str(path))
    problems = split_tags(path)
    assert messages(problems) == ["Jinja 标签被 Word 拆到了多个文字块（run）中：{{ note }}"]
    assert messages(lint_kind(toy_kind(path))) == messages(problems)


def test_unclosed_tag_is_caught(tmp_path):
    path = build(tmp_path, lambda b: (good_template(b), b.para("{{ note ")))
    found = messages(lint_kind(toy_kind(path)))
    assert any(m.startswith("未闭合的 Jinja 标签 {{") for m in found)
    assert any(m.startswith("模板语法错误") for m in found)


def test_clause_headings_out_of_order_are_caught(tmp_path):
    def body(b):
        b.para("{{ note }}{{ total_upper }}{% for i in items %}{{ i }}{% endfor %}")
        b.clause("penalty")
        b.clause("scope")
        b.clause("bond")

    found = messages(lint_kind(toy_kind(build(tmp_path, body))))
    assert found == ["条款标题的顺序与版式声明的顺序不一致：模板：penalty scope bond；声明：scope bond penalty"]


def test_missing_and_unknown_clause_headings_are_caught(tmp_path):
    def body(b):
        b.para("{{ note }}{{ total_upper }}{% for i in items %}{{ i }}{% endfor %}")
        b.clause("scope")
        b.clause("penalty")
        b.clause("annexes")

    found = messages(lint_kind(toy_kind(build(tmp_path, body))))
    assert "条款标题 clause.bond.heading 应出现 1 次，实际 0 次" in found
    assert "条款 annexes 不在版式 default 的条款清单中" in found
    assert "模板使用了未声明的变量：clause.annexes.heading" in found


def test_clause_numbering_renumbers_without_optional_clauses():
    with_bond = number_clauses(CLAUSES, "chapter", present={"bond"})
    without = number_clauses(CLAUSES, "article")
    assert with_bond["penalty"].heading == "三、违约责任"
    assert without["penalty"].heading == "第二条 违约责任"
    assert "bond" not in without
