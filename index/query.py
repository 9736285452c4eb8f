"""The search language, parsed into a small tree that any engine can translate.

Syntax (what ``docgen search`` accepts)::

    保密协议 源代码          both terms (AND is the default)
    保密协议 AND 源代码      the same, spelled out
    监理通知单 OR 监理周报    either
    保密协议 NOT 监理        the first, never the second (``-监理`` too)
    "合同 解除"             a phrase (also “…” and 「…」)
    (周报 OR 月报) 2022      grouping

Every Chinese term is an exact substring test: ``安全事件`` finds 信息安全事件, ``监理`` in a NOT
excludes every document that contains 监理 anywhere. Latin words, numbers and codes match
whole tokens, case-insensitively. The operators AND, OR, NOT are upper-case English words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from .analyzer import Slot, normalize, query_slots
from .errors import BadQuery


@dataclass(frozen=True)
class Match:
    """A term or quoted phrase: the document must contain these slots at consecutive positions."""

    text: str  # as typed (normalised), for highlighting
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class AllOf:
    parts: tuple["Node", ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple["Node", ...]


@dataclass(frozen=True)
class Without:
    part: "Node"


@dataclass(frozen=True)
class Everything:
    """Matches every document (an empty query with filters, or the base of a pure NOT)."""


Node = Union[Match, AllOf, AnyOf, Without, Everything]

_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "”": "”"}
_LEXEME = re.compile(r'\s+|[()（）]|["“”「」『』]|[^\s()（）"“”「」『』]+')


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "phrase", "(", ")", "AND", "OR", "NOT"
    text: str = ""


def parse(query: str) -> Node:
    """Parse ``query``; raise :class:`BadQuery` (in Chinese) when it cannot be understood."""
    tokens = _lex(query)
    if not tokens:
        return Everything()
    parser = _Parser(tokens)
    node = parser.expression()
    if parser.peek() is not None:
        raise BadQuery(f"查询语句无法解析：多余的“{parser.peek().text or parser.peek().kind}”")
    return node


def positive_terms(node: Node) -> tuple[str, ...]:
    """The texts of the terms that count for a match (not under NOT), for highlighting."""
    found: list[str] = []

    def walk(n: Node, negated: bool) -> None:
        if isinstance(n, Match):
            if not negated and n.text not in found:
                found.append(n.text)
        elif isinstance(n, (AllOf, AnyOf)):
            for part in n.parts:
                walk(part, negated)
        elif isinstance(n, Without):
            walk(n.part, not negated)

    walk(node, False)
    return tuple(found)


def _lex(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(query):
        ch = query[pos]
        if ch in _QUOTES:
            close = _QUOTES[ch]
            end = query.find(close, pos + 1)
            if end < 0:
                raise BadQuery(f"查询语句无法解析：引号 {ch} 没有闭合")
            tokens.append(_Token("phrase", query[pos + 1 : end]))
            pos = end + 1
            continue
        match = _LEXEME.match(query, pos)
        text = match.group(0)
        pos = match.end()
        if text.isspace():
            continue
        if text in "(（":
            tokens.append(_Token("("))
        elif text in ")）":
            tokens.append(_Token(")"))
        elif text in ("AND", "OR", "NOT", "&&", "||"):
            tokens.append(_Token({"&&": "AND", "||": "OR"}.get(text, text), text))
        elif text.startswith("-") and len(text) > 1:
            tokens.append(_Token("NOT", "-"))
            tokens.append(_Token("word", text[1:]))
        else:
            tokens.append(_Token("word", text))
    return tokens


MAX_DEPTH = 50  # nested parentheses and NOTs; deeper would exhaust Python's recursion limit


class _Parser:
    """Recursive descent: OR binds loosest, then AND (explicit or implied), then NOT."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.at = 0
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expression(self) -> Node:
        parts = [self.conjunction()]
        while self.peek() is not None and self.peek().kind == "OR":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def conjunction(self) -> Node:
        parts = [self.unary()]
        while self.peek() is not None and self.peek().kind not in ("OR", ")"):
            if self.peek().kind == "AND":
                self.take()
            parts.append(self.unary())
        parts = [p for p in parts if not isinstance(p, Everything)] or [Everything()]
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise BadQuery("查询语句无法解析：运算符后缺少检索词")
        if token.kind in ("NOT", "("):
            return self.nested(token.kind)
        if token.kind in ("word", "phrase"):
            self.take()
            return _match(token.text)
        raise BadQuery(f"查询语句无法解析：“{token.text or token.kind}”的位置不对")

    def nested(self, kind: str) -> Node:
        """What a NOT or an opening parenthesis governs, one level deeper."""
        self.take()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise BadQuery(f"查询语句无法解析：括号或 NOT 嵌套超过 {MAX_DEPTH} 层")
        if kind == "NOT":
            node: Node = Without(self.unary())
        else:
            node = self.expression()
            if self.peek() is None or self.peek().kind != ")":
                raise BadQuery("查询语句无法解析：括号没有闭合")
            self.take()
        self.depth -= 1
        return node


def _match(text: str) -> Node:
    normal = normalize(text)
    slots = query_slots(normal)
    if not slots:
        return Everything()  # punctuation only: nothing to look for
    return Match(normal.strip(), tuple(slots))
