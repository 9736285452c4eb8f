"""Highlighted snippets made from a document's decrypted text (the index stores no content).

The query's terms are searched in the *original* text, tolerating what :func:`index.analyzer.normalize`
folds away (full-width forms, letter case, thousands separators, layout spaces between Chinese
characters), so what is highlighted is exactly what the user would find by eye.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .analyzer import CJK_CHAR, LAYOUT_SPACE

SNIPPET_CHARS = 80
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Snippet:
    """A short passage and the ``[start, end)`` character ranges of the query's terms in it."""

    text: str
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def marked(self, before: str = "【", after: str = "】") -> str:
        """The passage with each highlight wrapped in ``before`` / ``after``."""
        out, last = [], 0
        for start, end in self.highlights:
            out += [self.text[last:start], before, self.text[start:end], after]
            last = end
        out.append(self.text[last:])
        return "".join(out)


def make_snippet(text: str, terms: tuple[str, ...] | list[str], width: int = SNIPPET_CHARS) -> Snippet:
    """The ``width``-character passage of ``text`` with the most term occurrences, highlighted."""
    flat = _WHITESPACE.sub(" ", LAYOUT_SPACE.sub("", text)).strip()
    spans = find_terms(flat, terms)
    if not spans:
        return Snippet(_cut(flat, 0, width))
    start = _best_window(spans, width, len(flat))
    end = min(len(flat), start + width)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix) - start
    inside = [(max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start]
    return Snippet(prefix + flat[start:end] + suffix, inside)


def find_terms(text: str, terms: tuple[str, ...] | list[str]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``[start, end)`` ranges where any of ``terms`` occurs in ``text``."""
    patterns = [term_pattern(t) for t in terms if t.strip()]
    if not patterns:
        return []
    combined = re.compile("|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True)), re.IGNORECASE)
    return [(m.start(), m.end()) for m in combined.finditer(text) if m.end() > m.start()]


def term_pattern(term: str) -> str:
    """A regex for a normalised query term in unnormalised text."""
    chars = [c for c in term if not c.isspace()] if _all_cjk_or_space(term) else list(term)
    parts: list[str] = []
    for i, ch in enumerate(chars):
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        parts.append(_char_class(ch))
        if CJK_CHAR.match(ch) and nxt and CJK_CHAR.match(nxt):
            parts.append(r"\s*")  # line wraps and spaced-out titles
        elif ch.isdigit() and nxt.isdigit():
            parts.append(",?")  # 1,950,000.00 matches 1950000.00
        elif ch == " ":
            parts[-1] = r"\s+"
    return "".join(parts)


def _all_cjk_or_space(term: str) -> bool:
    return all(CJK_CHAR.match(c) or c.isspace() for c in term)


def _char_class(ch: str) -> str:
    if ch.isascii() and ch.isalnum():
        wide = chr(ord(ch) + 0xFEE0)
        return f"[{ch}{wide}{ch.upper()}{chr(ord(ch.upper()) + 0xFEE0)}]"
    return re.escape(ch)


def _best_window(spans: list[tuple[int, int]], width: int, length: int) -> int:
    """Start of the window holding the most distinct term occurrences, with a little lead-in."""
    best_start, best_count = spans[0][0], 0
    last = 0  # sliding window: spans[i:last] end within width of spans[i]
    for i, (start, _) in enumerate(spans):
        last = max(last, i)
        while last < len(spans) and spans[last][1] <= start + width:
            last += 1
        if last - i > best_count:
            best_start, best_count = start, last - i
    lead = min(width // 4, best_start)
    return max(0, min(best_start - lead, max(0, length - width)))


def _cut(text: str, start: int, width: int) -> str:
    piece = text[start : start + width]
    return piece + ("…" if start + width < len(text) else "")
