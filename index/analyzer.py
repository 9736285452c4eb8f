"""Chinese text analysis: one normalisation, two token streams, the same at index and query time.

* ``grams``: the exact-match stream. Every run of Chinese characters becomes overlapping
  character bigrams plus the run's last character alone (信息安全 → 信息 息安 安全 全), one token
  per character, positions numbered sequentially, and one empty position after the run. A
  Chinese term of any length is then an exact substring test: its bigrams at their offsets
  (安全事件 → 安全 全事 事件 at p, p + 1, p + 2 finds 信息安全事件). The run's trailing character
  and the empty position keep a bigram pattern from ever straddling two runs. Latin words, numbers and codes are kept whole (2022, bjrbj2021010,
  0747-2261sccza221) and, when they contain separators, also as their parts at the same
  position (010-55585414 is found by 55585414).
* ``words``: rjieba (jieba-rs, checked against jieba in the tests) search-mode words. The
  default-mode words are numbered sequentially; a search-mode sub-word (信息, 安全 inside
  信息安全) shares the position of the word that contains it, so quoted phrases of words
  still line up. The engine does not index them — word segmentation misses substrings
  (安全事件 in 信息安全事件), splits unknown names (周建国 → 周 + 建国) and AND-ed words carry no
  adjacency, while the grams answer every query exactly. rjieba's search mode is what the
  benchmark's word-based peers (bare Whoosh, SQLite FTS5, tantivy) are measured with.

Normalisation (NFKC, lower case, thousands separators dropped, layout spaces between Chinese
characters removed) is applied to documents and queries alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

# CJK unified ideographs (basic, extension A, compatibility, extensions B–G) and 〇.
_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_JOINERS = "-_./@"
_CODE = rf"[0-9a-z]+(?:[{re.escape(_JOINERS)}][0-9a-z]+)*"
TOKEN_PATTERN = re.compile(rf"([{_CJK}]+)|({_CODE})")
CJK_CHAR = re.compile(f"[{_CJK}]")
_CODE_PARTS = re.compile(r"[0-9a-z]+")
# Spaces and at most one line break between Chinese characters are layout (a PDF line wrap,
# a spaced-out title 合 同 书), not a word break; a blank line or a tab (table cell) is.
LAYOUT_SPACE = re.compile(rf"(?<=[{_CJK}])(?:[ \u3000]+(?:\r?\n)?|\r?\n)[ \u3000]*(?=[{_CJK}])")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_WORDLIKE = re.compile(rf"[{_CJK}0-9a-z]")


def normalize(text: str) -> str:
    """The one normalisation every document and query goes through before tokenising.

    Full-width letters and digits become ASCII (NFKC), Latin is lower-cased, ``1,950,000.00``
    becomes ``1950000.00``, and spaces or a single line break between two Chinese characters
    (line wraps in PDFs, spaced-out titles like 合 同 书) are removed; a blank line or a tab
    still separates.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = _THOUSANDS.sub("", text)
    return LAYOUT_SPACE.sub("", text)


def is_cjk(text: str) -> bool:
    """True when every character of ``text`` is a Chinese character."""
    return bool(text) and all(CJK_CHAR.match(ch) for ch in text)


def bigrams(run: str) -> list[str]:
    """The overlapping character bigrams of a Chinese run (a single character stays itself)."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def gram_positions(text: str) -> dict[str, list[int]]:
    """Term → positions of the ``grams`` stream of already-normalised ``text``.

    This is the hot loop of indexing: the token sequence is built with C-level string
    operations, then grouped by term in one pass.
    """
    terms: list = []
    extend, append = terms.extend, terms.append
    for match in TOKEN_PATTERN.finditer(text):
        run = match.group(1)
        if run is not None:
            extend(map(str.__add__, run, run[1:]))  # the run's bigrams
            append(run[-1])
            append(None)  # the empty position that ends a run
        else:
            code = match.group(2)
            # a code with separators stands at one position with its parts
            append(code if not any(j in code for j in _JOINERS) else tuple(_code_terms(code)))
    grouped: defaultdict = defaultdict(list)
    for pos, term in enumerate(terms):  # the one per-token Python step
        grouped[term].append(pos)
    grouped.pop(None, None)
    touched: set[str] = set()
    for key in [k for k in grouped if k.__class__ is tuple]:  # codes with their parts: rare
        for pos in grouped.pop(key):
            for part in key:
                _add_position(grouped, part, pos)
        touched.update(key)
    for part in touched:  # positions arrived out of order
        grouped[part].sort()
    return dict(grouped)


def _add_position(positions: dict[str, list[int]], term: str, pos: int) -> None:
    plist = positions.get(term)
    if plist is None:
        positions[term] = [pos]
    elif pos not in plist:
        plist.append(pos)


def _code_terms(code: str) -> list[str]:
    """A code and, when it has separators, its alphanumeric parts (all at one position)."""
    if not any(j in code for j in _JOINERS):
        return [code]
    terms = [code]
    for part in _CODE_PARTS.findall(code):
        if part not in terms:
            terms.append(part)
    return terms


def word_positions(text: str) -> dict[str, list[int]]:
    """Term → positions of the ``words`` stream (rjieba search mode) of normalised ``text``."""
    positions: dict[str, list[int]] = {}
    for term, pos in word_tokens(text):
        plist = positions.get(term)
        if plist is None:
            positions[term] = [pos]
        elif plist[-1] != pos:  # the same sub-word twice inside one word counts once
            plist.append(pos)
    return positions


def word_tokens(text: str) -> Iterator[tuple[str, int]]:
    """(word, position) in text order: default-mode words numbered 0, 1, 2 …, sub-words share
    the position of the word that contains them. Spaces and punctuation are dropped."""
    import rjieba

    spans = sorted(rjieba.tokenize(text, mode="search"), key=lambda t: (t[1], -t[2]))
    pos = -1
    main_end = 0
    for word, start, end in spans:
        if not _WORDLIKE.search(word):
            continue
        if start >= main_end:  # a default-mode word begins here
            pos += 1
            main_end = end
        yield word, pos


@dataclass(frozen=True)
class Slot:
    """A term the document must hold at ``offset`` from the match start (or any term with this prefix)."""

    term: str
    prefix: bool = False
    offset: int = 0


def query_slots(term: str) -> list[Slot]:
    """The ``grams`` slots that match ``term`` (already normalised) as an exact substring.

    Offsets follow :func:`gram_positions`: a Chinese run gives its bigrams at consecutive
    offsets. Any subset of them that covers every character would do (安全 at p and 事件 at
    p + 2 spell 安全事件: the empty position after a run keeps them in one run), so all are
    returned and the executor checks the rarest first. When another token follows the run
    inside the same term, the run must end there in the document too, so its trailing
    single character is required. A lone character at the end of a term may begin a longer
    run in the document, so it matches by prefix.
    """
    matches = list(TOKEN_PATTERN.finditer(term))
    slots: list[Slot] = []
    pos = 0
    for n, match in enumerate(matches):
        run, code = match.group(1), match.group(2)
        followed = n + 1 < len(matches)
        if code is not None:
            slots.append(Slot(code, offset=pos))
            pos += 1
        elif len(run) == 1 and not followed:
            slots.append(Slot(run, prefix=True, offset=pos))
            pos += 1
        else:
            grams = bigrams(run) if len(run) > 1 else []
            slots.extend(Slot(gram, offset=pos + i) for i, gram in enumerate(grams))
            if followed:
                slots.append(Slot(run[-1], offset=pos + len(run) - 1))
            pos += len(run) + 1
    return slots
