"""Query execution: exact set algebra on numpy arrays, BM25 for what survives.

Whoosh's own matchers score every posting as they go and check phrases one span at a time
in pure Python; in a bigram index every Chinese term of three or more characters is a
phrase, and naive Whoosh took about a second per query at 10,000 documents (see
``bench/bench_search.py``). Here each segment is searched with dense arrays of its size:

* a node of the query yields a match mask and a score array for the segment;
* a term's postings are ``numpy.frombuffer`` views of its body-table value
  (:mod:`index.bodytable`), so there is no per-posting Python work;
* a phrase (any Chinese term of three or more characters, or a quoted phrase) first
  intersects its slots' document sets with the candidates still alive, then checks
  positions for those documents only: the slot with the fewest positions gives the sorted
  ``document << 32 | start`` keys of the possible starts, and each other slot keeps those whose
  key plus the slot's offset is among its own occurrences (a binary search into that slot's
  sorted keys, built in one running sum);
* an AND evaluates its cheapest part first and hands the survivors to the others as the
  only candidates (unscored pre-filtering); NOT parts only look at the survivors; field
  filters arrive as a mask before anything else;
* BM25 (Whoosh's defaults, k1 = 1.2, b = 0.75) is computed once per matching document.

Totals are exact: every candidate is checked.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

from .analyzer import Slot
from .bodytable import TableReader, TermPostings
from .query import AllOf, AnyOf, Everything, Match, Node, Without

FIELD = "body"
K1 = 1.2
B = 0.75
_POSITION_BITS = 32  # document numbers below 2^31, positions below 4.29 × 10^9

# Per segment reader, computed once: (body table, document lengths).
_SEGMENT_DATA: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


@dataclass
class Result:
    """Which documents of a segment match, and their scores (0 where unmatched)."""

    mask: np.ndarray
    scores: np.ndarray


class SegmentSearch:
    """Evaluates query nodes on one segment, with index-wide statistics for scoring."""

    def __init__(self, reader, stats: "IndexStats"):
        self.reader = reader
        self.stats = stats
        self.size = reader.doc_count_all()
        self.table, lengths = _segment_data(reader)
        self.live = np.ones(self.size, dtype=bool)
        if reader.has_deletions():
            self.live[list(reader.segment().deleted_docs())] = False
        self.norms = K1 * (1 - B + B * lengths / stats.average_length)
        self._postings: dict[str, TermPostings | None] = {}

    def postings(self, term: str) -> TermPostings | None:
        if term not in self._postings:
            self._postings[term] = self.table.get(term)
        return self._postings[term]

    def doc_frequency(self, term: str) -> int:
        return self.table.doc_frequency(term)

    def terms(self, slot: Slot) -> list[str]:
        return self.table.expand(slot.term) if slot.prefix else [slot.term]

    # Evaluation -----------------------------------------------------------------------------

    def evaluate(self, node: Node, allowed: np.ndarray) -> Result:
        """Matches of ``node`` among the ``allowed`` documents (a mask that already excludes deleted ones)."""
        if isinstance(node, Everything):
            return Result(allowed.copy(), np.zeros(self.size))
        if isinstance(node, Match):
            return self._match(node, allowed)
        if isinstance(node, AnyOf):
            parts = [self.evaluate(p, allowed) for p in node.parts]
            return Result(np.logical_or.reduce([p.mask for p in parts]), np.sum([p.scores for p in parts], axis=0))
        if isinstance(node, Without):
            excluded = self.evaluate(node.part, allowed)
            return Result(allowed & ~excluded.mask, np.zeros(self.size))
        assert isinstance(node, AllOf)
        return self._all_of(node, allowed)

    def _all_of(self, node: AllOf, allowed: np.ndarray) -> Result:
        positive = sorted((p for p in node.parts if not isinstance(p, Without)), key=self.cost)
        negative = [p.part for p in node.parts if isinstance(p, Without)]
        mask = allowed.copy()
        scores = np.zeros(self.size)
        for part in positive:
            found = self.evaluate(part, mask)
            mask &= found.mask
            scores += found.scores
            if not mask.any():
                break
        for part in negative:
            if not mask.any():
                break
            mask &= ~self.evaluate(part, mask).mask
        return Result(mask, np.where(mask, scores, 0.0))

    def cost(self, node: Node) -> float:
        """A guess at how expensive ``node`` is: the postings it reads, phrases weighted up."""
        if isinstance(node, Match):
            if any(slot.prefix for slot in node.slots):
                return 1e9
            frequencies = [self.doc_frequency(slot.term) for slot in node.slots]
            return min(frequencies) * (1 if len(frequencies) == 1 else 4)
        if isinstance(node, (AllOf, AnyOf)):
            return sum(self.cost(p) for p in node.parts)
        return 1e12

    def _match(self, node: Match, allowed: np.ndarray) -> Result:
        slots = [(slot.offset, [p for p in map(self.postings, self.terms(slot)) if p is not None]) for slot in node.slots]
        if any(not lists for _, lists in slots):
            return Result(np.zeros(self.size, dtype=bool), np.zeros(self.size))
        if len(slots) == 1:
            tf = np.zeros(self.size)
            for postings in slots[0][1]:
                tf[postings.ids] += postings.freqs
            mask = allowed & (tf > 0)
        else:
            tf, mask = self._phrase(slots, allowed)
        idf = self.stats.idf(node)
        scores = np.zeros(self.size)
        scores[mask] = idf * (K1 + 1) * tf[mask] / (tf[mask] + self.norms[mask])
        return Result(mask, scores)

    def _phrase(self, slots, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Phrase frequency per document, and the mask of documents where it is above zero."""
        candidates = allowed.copy()
        for _, lists in slots:
            present = np.zeros(self.size, dtype=bool)
            for postings in lists:
                present[postings.ids] = True
            candidates &= present
        tf = np.zeros(self.size)
        if not candidates.any():
            return tf, candidates
        # The slot with the fewest positions proposes the starts; every other slot confirms them.
        (first_offset, first_lists), *others = sorted(slots, key=lambda s: sum(len(p.deltas) for p in s[1]))
        starts = _start_keys(first_lists, candidates, first_offset)
        for offset, lists in others:
            if not len(starts):
                break
            alive = np.zeros(self.size, dtype=bool)
            alive[starts >> _POSITION_BITS] = True
            probes = starts + offset
            found = np.zeros(len(starts), dtype=bool)
            for postings in lists:  # a prefix slot stands for several terms
                found |= _members(probes, postings.keys(_POSITION_BITS, alive[postings.ids], exact=False))
            starts = starts[found]
        docs, counts = np.unique(starts >> _POSITION_BITS, return_counts=True)
        tf[docs] = counts
        return tf, tf > 0


def _start_keys(lists: list[TermPostings], candidates: np.ndarray, offset: int) -> np.ndarray:
    """Sorted ``document << 32 | position − offset`` keys of the slot's terms in the candidate documents."""
    parts = []
    mask = (1 << _POSITION_BITS) - 1
    for postings in lists:
        rows = candidates[postings.ids]
        if rows.any():
            keys = postings.keys(_POSITION_BITS, rows)
            parts.append(keys[(keys & mask) >= offset] - offset)
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts))


def _members(keys: np.ndarray, sorted_other: np.ndarray) -> np.ndarray:
    """Mask of ``keys`` present in the sorted array ``sorted_other``."""
    if not len(sorted_other):
        return np.zeros(len(keys), dtype=bool)
    where = np.searchsorted(sorted_other, keys)
    where[where == len(sorted_other)] = 0
    return sorted_other[where] == keys


def _segment_data(reader) -> tuple[TableReader, np.ndarray]:
    """The segment's body table and body lengths, opened once per reader."""
    data = _SEGMENT_DATA.get(reader)
    if data is None:
        table = TableReader(reader.storage(), reader.segment())
        data = _SEGMENT_DATA[reader] = (table, _lengths(reader))
    return data


def _lengths(reader) -> np.ndarray:
    """Body length of every document: Whoosh's one-byte length column, decoded in one step."""
    count = reader.doc_count_all()
    try:
        column = reader._perdoc._cached_reader(f"_{FIELD}_len", LENGTHS_COLUMN)
        if column is not None and column._typecode == "B" and column._doccount == count:
            raw = np.frombuffer(column._dbfile.get(column._basepos, count), dtype=np.uint8)
            return np.maximum(_BYTE_LENGTHS[raw], 1.0)
    except AttributeError:  # another Whoosh version: take the slow, public road
        pass
    return np.array([reader.doc_field_length(d, FIELD, 1) for d in range(count)], dtype=np.float64)


_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class IndexStats:
    """Index-wide numbers for BM25: document count, average length, document frequencies."""

    def __init__(self, reader):
        self.doc_count = max(1, reader.doc_count())
        self.average_length = max(1.0, reader.field_length(FIELD) / self.doc_count)
        self.searches: list[SegmentSearch] = []

    def idf(self, match: Match) -> float:
        """Of the rarest slot (a prefix slot counts every term it stands for)."""
        best = 0.0
        for slot in match.slots:
            df = sum(sum(s.doc_frequency(t) for t in s.terms(slot)) for s in self.searches)
            best = max(best, math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5)))
        return best


@dataclass(frozen=True)
class Ranked:
    """A search outcome: every match counted, the requested slice ranked."""

    total: int
    top: list[tuple[float, str]]  # (score, stored document id)


def execute(reader, node: Node, allowed_global: set[int] | None, limit: int, offset: int) -> Ranked:
    """Run ``node`` on every segment of ``reader``; ``allowed_global`` restricts to those document numbers."""
    leaves = [(leaf, base) for leaf, base in reader.leaf_readers() if leaf.doc_count_all() and leaf.segment() is not None]
    stats = IndexStats(reader)
    searches = [SegmentSearch(leaf, stats) for leaf, _ in leaves]
    stats.searches = searches
    allowed_all = None
    if allowed_global is not None:
        allowed_all = np.zeros(sum(leaf.doc_count_all() for leaf, _ in leaves), dtype=bool)
        allowed_all[np.fromiter(allowed_global, np.int64, len(allowed_global))] = True
    wanted = offset + limit
    best: list[tuple[float, int, int]] = []  # (score, -segment, -document): ties in index order
    total = 0
    for number, ((leaf, base), search) in enumerate(zip(leaves, searches)):
        allowed = search.live.copy()
        if allowed_all is not None:
            allowed &= allowed_all[base : base + search.size]
        if not allowed.any():
            continue
        result = search.evaluate(node, allowed)
        docs = np.flatnonzero(result.mask)
        total += len(docs)
        if len(docs) > wanted:
            docs = docs[np.lexsort((docs, -result.scores[docs]))[:wanted]]
        best.extend((float(result.scores[d]), -number, -int(d)) for d in docs)
    best.sort(reverse=True)
    top = [(score, leaves[-number][0].stored_fields(-doc)["id"]) for score, number, doc in best[offset:wanted]]
    return Ranked(total, top)
