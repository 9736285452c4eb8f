"""The search language: precedence, NOT forms, phrases, grouping, errors, highlight terms."""

from __future__ import annotations

import pytest

from index.analyzer import Slot
from index.errors import BadQuery
from index.query import AllOf, AnyOf, Everything, Match, Without, parse, positive_terms


def m(text: str) -> Match:
    node = parse(text)
    assert isinstance(node, Match)
    return node


def test_terms_are_anded_by_default_and_with_and():
    assert parse("保密 源代码") == parse("保密 AND 源代码") == AllOf((m("保密"), m("源代码")))


def test_or_binds_looser_than_and():
    assert parse("周报 月报 OR 季报") == AnyOf((AllOf((m("周报"), m("月报"))), m("季报")))


def test_not_and_minus_are_the_same():
    assert parse("保密协议 NOT 监理") == parse("保密协议 -监理") == AllOf((m("保密协议"), Without(m("监理"))))


def test_parentheses_group_in_ascii_and_full_width():
    expected = AllOf((AnyOf((m("周报"), m("月报"))), m("2022")))
    assert parse("(周报 OR 月报) 2022") == parse("（周报 OR 月报） 2022") == expected


@pytest.mark.parametrize("quoted", ['"合同 解除"', "“合同 解除”", "「合同 解除」"])
def test_quotes_make_one_phrase_in_every_quote_style(quoted):
    node = parse(quoted)
    assert node == Match("合同解除", (Slot("合同"), Slot("同解", offset=1), Slot("解除", offset=2)))


def test_lower_case_operators_are_ordinary_words():
    assert parse("not or") == AllOf((m("not"), m("or")))


def test_empty_and_punctuation_only_queries_match_everything():
    assert parse("") == Everything()
    assert parse("，。") == Everything()


def test_positive_terms_skip_negated_ones():
    assert positive_terms(parse("(保密 OR 源代码) NOT 监理 -通知")) == ("保密", "源代码")


@pytest.mark.parametrize("query, message", [
    ('"abc', '查询语句无法解析：引号 " 没有闭合'),
    ("(保密", "查询语句无法解析：括号没有闭合"),
    ("保密)", "查询语句无法解析：多余的“)”"),
    ("保密 OR", "查询语句无法解析：运算符后缺少检索词"),
    ("OR 保密", "查询语句无法解析：“OR”的位置不对"),
    ("(" * 400 + "保密" + ")" * 400, "查询语句无法解析：括号或 NOT 嵌套超过 50 层"),
    ("NOT " * 60 + "保密", "查询语句无法解析：括号或 NOT 嵌套超过 50 层"),
])
def test_errors_say_what_is_wrong_in_chinese(query, message):
    with pytest.raises(BadQuery) as caught:
        parse(query)
    assert caught.value.message == message
