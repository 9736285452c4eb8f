"""档号 (archival reference codes) per DA/T 22-2015: build, parse, and resolve what users type.

``全宗号-门类代码·年度-保管期限-机构（问题）代码-件号``, e.g. ``BJ01-WS·2024-D30-FWZ-0007``.
Users may type ``.`` for the middle dot; ``REF@2`` names version 2 of a 件.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIDDLE_DOT = "·"
FONDS_PATTERN = re.compile(r"^[A-Z0-9]{1,10}$")
DOC_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
_REF_PATTERN = re.compile(
    r"^(?P<fonds>[A-Z0-9]{1,10})-(?P<cat>[A-Z]{2})·(?P<year>\d{4})-(?P<retention>Y|D30|D10)"
    r"-(?P<problem>[A-Z]{3})-(?P<item>\d{4,})$"
)


@dataclass(frozen=True)
class RefParts:
    fonds: str
    archive_category: str
    year: int
    retention: str
    problem_code: str
    item_no: int


def format_ref(fonds: str, archive_category: str, year: int, retention: str, problem_code: str, item_no: int) -> str:
    """The 档号 string; 件号 has at least four digits, zero-padded."""
    return f"{fonds}-{archive_category}{MIDDLE_DOT}{year:04d}-{retention}-{problem_code}-{item_no:04d}"


def normalize_ref(text: str) -> str:
    """Accept ``.`` or the full-width dot for ``·`` and lower case letters."""
    text = text.strip().upper()
    return re.sub(r"^([A-Z0-9]{1,10}-[A-Z]{2})[.．・•](\d{4}-)", rf"\1{MIDDLE_DOT}\2", text)


def parse_ref(text: str) -> RefParts | None:
    match = _REF_PATTERN.match(normalize_ref(text))
    if not match:
        return None
    return RefParts(
        match["fonds"], match["cat"], int(match["year"]), match["retention"], match["problem"], int(match["item"])
    )


@dataclass(frozen=True)
class Wanted:
    """What a user's reference names: a doc id, or a 档号 with an optional version."""

    doc_id: str | None = None
    ref: str | None = None
    version: int | None = None


def parse_wanted(text: str) -> Wanted | None:
    """``<32 hex>`` → a version by id; ``档号`` → its current version; ``档号@N`` → version N."""
    text = text.strip()
    if DOC_ID_PATTERN.match(text):
        return Wanted(doc_id=text)
    ref, _, version = text.partition("@")
    if parse_ref(ref) is None:
        return None
    if version and not version.isdigit():
        return None
    return Wanted(ref=normalize_ref(ref), version=int(version) if version else None)
