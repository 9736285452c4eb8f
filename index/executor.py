"""Query execution on the Whoosh index: exact posting-set algebra first, BM25 for the survivors.

Whoosh's own matchers score every posting as they go and check phrases one span at a time
in pure Python. In a bigram index every Chinese term of three or more characters is a
phrase, and naive Whoosh took about a second per query at 10,000 documents (see
``bench/bench_search.py``). This module reads the same segments (through Whoosh's readers
and term index) but evaluates a query as set operations on decoded posting lists:

* posting blocks are decoded whole (zlib + pickle, C-level), skipping blocks that cannot
  hold an allowed document;
* an AND evaluates its cheapest part first and hands the survivors to the others as the
  only candidates (unscored pre-filtering), so a phrase's positions are read only for
  documents that can still match; NOT parts come last and only look at the survivors;
* field filters are a cached set of document numbers applied before anything else;
* BM25 (Whoosh's defaults, k1 = 1.2, b = 0.75) is computed once per surviving document.

Totals are exact: every candidate is checked.
"""

from __future__ import annotations

import heapq
import math
import weakref
import zlib
from bisect import bisect_right
from dataclasses import dataclass
from io import BytesIO
from itertools import accumulate
from pickle import load, loads

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC

from .analyzer import Slot
from .bulk import pack_positions, unpack_positions
from .query import AllOf, AnyOf, Everything, Match, Node, Without

FIELD = "body"
K1 = 1.2
B = 0.75

Scores = dict  # local document number → score
_LENGTHS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # segment reader → body lengths


@dataclass
class Postings:
    """One term's postings in one segment: document numbers, frequencies, packed positions."""

    ids: list[int]
    freqs: list[float]
    values: list[bytes]


class SegmentSearch:
    """Evaluates query nodes on one segment, with index-wide statistics for scoring."""

    def __init__(self, reader, stats: "IndexStats"):
        self.reader = reader
        self.stats = stats
        self._terms = reader._terms
        self._postfile = self._terms._postfile
        self._deleted = set(reader.segment().deleted_docs()) if reader.has_deletions() else set()
        self._lengths: list[float] | None = None
        self._cache: dict[str, Postings | None] = {}

    # Postings -------------------------------------------------------------------------------

    def postings(self, term: str, allowed: list[int] | None = None) -> Postings | None:
        """Decoded postings of ``term`` (None when absent); with ``allowed`` (sorted document
        numbers) blocks that hold none of them are skipped."""
        if allowed is None and term in self._cache:
            return self._cache[term]
        tbytes = term.encode("utf-8")
        if (FIELD, tbytes) not in self.reader:
            result = None
        else:
            result = self._decode(self._terms.term_info(FIELD, tbytes), allowed)
        if allowed is None:
            self._cache[term] = result
        return result

    def _decode(self, info, allowed: list[int] | None) -> Postings:
        if info.is_inlined():
            ids, weights, values = info.inlined_postings()
            return Postings(list(ids), list(weights), list(values))
        offset, length = info.extent()
        if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves unpack_int's tuple
            length = length[0]
        self._postfile.seek(offset)
        raw = bytes(self._postfile.read(length))
        ids: list[int] = []
        freqs: list[float] = []
        values: list[bytes] = []
        pos = len(WHOOSH3_HEADER_MAGIC)
        previous_last = -1
        while pos < len(raw):
            size = abs(int.from_bytes(raw[pos : pos + 4], "big", signed=True))
            block = BytesIO(raw[pos + 4 : pos + 4 + size])
            pos += 4 + size
            count, last, _maxweight, compression, _minlb, _maxlb = load(block)
            skip = allowed is not None and bisect_right(allowed, last) == bisect_right(allowed, previous_last)
            previous_last = last
            if skip:
                continue
            data = block.read()
            deltas, weights, block_values = loads(zlib.decompress(data) if compression else data)
            ids.extend(accumulate(deltas))
            if weights is None or weights.__class__ is float:
                freqs.extend([1.0 if weights is None else weights] * count)
            else:
                freqs.extend(weights)
            values.extend(block_values)
        return Postings(ids, freqs, values)

    def doc_frequency(self, term: str) -> int:
        tbytes = term.encode("utf-8")
        if (FIELD, tbytes) not in self.reader:
            return 0
        return self._terms.term_info(FIELD, tbytes).doc_frequency()

    def expand(self, slot: Slot) -> list[str]:
        if not slot.prefix:
            return [slot.term]
        return [t.decode("utf-8") if isinstance(t, bytes) else t for t in self.reader.expand_prefix(FIELD, slot.term)]

    def length(self, docnum: int) -> float:
        if self._lengths is None:
            self._lengths = _LENGTHS.get(self.reader)
            if self._lengths is None:
                field_length = self.reader.doc_field_length
                self._lengths = [float(field_length(d, FIELD, 1)) for d in range(self.reader.doc_count_all())]
                _LENGTHS[self.reader] = self._lengths
        return self._lengths[docnum]

    def live(self) -> list[int]:
        deleted = self._deleted
        return [d for d in range(self.reader.doc_count_all()) if d not in deleted]

    # Evaluation -----------------------------------------------------------------------------

    def evaluate(self, node: Node, allowed: set[int] | None) -> Scores:
        """Matching local document numbers (within ``allowed`` when given) → BM25 score."""
        if isinstance(node, Everything):
            docs = self.live() if allowed is None else sorted(allowed)
            return dict.fromkeys(docs, 0.0)
        if isinstance(node, Match):
            return self._match(node, allowed)
        if isinstance(node, AnyOf):
            merged: Scores = {}
            for part in node.parts:
                for doc, score in self.evaluate(part, allowed).items():
                    merged[doc] = merged.get(doc, 0.0) + score
            return merged
        if isinstance(node, Without):
            base = self.evaluate(Everything(), allowed)
            excluded = self.evaluate(node.part, set(base))
            return {d: s for d, s in base.items() if d not in excluded}
        assert isinstance(node, AllOf)
        return self._all_of(node, allowed)

    def _all_of(self, node: AllOf, allowed: set[int] | None) -> Scores:
        positive = sorted((p for p in node.parts if not isinstance(p, Without)), key=self.cost)
        negative = [p.part for p in node.parts if isinstance(p, Without)]
        result: Scores | None = None
        candidates = allowed
        for part in positive or [Everything()]:
            scores = self.evaluate(part, candidates)
            if result is None:
                result = scores
            else:
                result = {d: s + scores[d] for d, s in result.items() if d in scores}
            candidates = set(result)
            if not candidates:
                return {}
        for part in negative:
            excluded = self.evaluate(part, candidates)
            result = {d: s for d, s in result.items() if d not in excluded}
            candidates = set(result)
        return result

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

    def _match(self, node: Match, allowed: set[int] | None) -> Scores:
        sorted_allowed = sorted(allowed) if allowed is not None else None
        slots = [(slot.offset, self._slot_postings(slot, sorted_allowed)) for slot in node.slots]
        if any(p is None for _, p in slots):
            return {}
        deleted = self._deleted
        idf = max(self.stats.idf(slot.term, prefix=slot.prefix) for slot in node.slots)
        if len(slots) == 1:
            postings = slots[0][1]
            return {
                d: self._bm25(f, d, idf)
                for d, f in zip(postings.ids, postings.freqs)
                if (allowed is None or d in allowed) and d not in deleted
            }
        return self._phrase(slots, allowed, idf)

    def _slot_postings(self, slot: Slot, allowed: list[int] | None) -> Postings | None:
        terms = self.expand(slot)
        lists = [p for p in (self.postings(t, allowed) for t in terms) if p is not None]
        if not lists:
            return None
        if len(lists) == 1:
            return lists[0]
        by_doc: dict[int, list[int]] = {}
        for p in lists:
            for d, v in zip(p.ids, p.values):
                by_doc.setdefault(d, []).extend(unpack_positions(v))
        ids = sorted(by_doc)
        return Postings(ids, [float(len(by_doc[d])) for d in ids], [pack_positions(sorted(by_doc[d])) for d in ids])

    def _phrase(self, slots: list[tuple[int, Postings]], allowed: set[int] | None, idf: float) -> Scores:
        """Documents holding every slot's term at its offset from one start position."""
        ordered = sorted(slots, key=lambda s: len(s[1].ids))
        maps = [dict(zip(p.ids, p.values)) for _, p in ordered]
        rarest_offset, rarest = ordered[0]
        others = [(offset, maps[i]) for i, (offset, _) in enumerate(ordered) if i > 0]
        deleted = self._deleted
        scores: Scores = {}
        for doc, value in zip(rarest.ids, rarest.values):
            if allowed is not None and doc not in allowed or doc in deleted:
                continue
            other_values = []
            for offset, values in others:
                v = values.get(doc)
                if v is None:
                    break
                other_values.append((offset, v))
            else:
                starts = {p - rarest_offset for p in unpack_positions(value)}
                for offset, v in other_values:
                    starts.intersection_update(p - offset for p in unpack_positions(v))
                    if not starts:
                        break
                if starts:
                    scores[doc] = self._bm25(float(len(starts)), doc, idf)
        return scores

    def _bm25(self, tf: float, docnum: int, idf: float) -> float:
        norm = 1 - B + B * self.length(docnum) / self.stats.average_length
        return idf * tf * (K1 + 1) / (tf + K1 * norm)


class IndexStats:
    """Index-wide numbers for BM25: document count, average length, document frequencies."""

    def __init__(self, searches: list[SegmentSearch], reader):
        self._searches = searches
        self.doc_count = max(1, reader.doc_count())
        self.average_length = max(1.0, reader.field_length(FIELD) / self.doc_count)
        self._idf: dict[str, float] = {}

    def idf(self, term: str, prefix: bool = False) -> float:
        if prefix:
            return 1.0
        if term not in self._idf:
            df = sum(s.doc_frequency(term) for s in self._searches)
            self._idf[term] = math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5))
        return self._idf[term]


@dataclass(frozen=True)
class Ranked:
    """A search outcome: every match counted, the requested slice ranked."""

    total: int
    top: list[tuple[float, str]]  # (score, stored document id)


def execute(reader, node: Node, allowed_global: set[int] | None, limit: int, offset: int) -> Ranked:
    """Run ``node`` on every segment of ``reader``; ``allowed_global`` restricts to those document numbers."""
    leaves = reader.leaf_readers()
    searches = [SegmentSearch(leaf, None) for leaf, _ in leaves]  # type: ignore[arg-type]
    stats = IndexStats(searches, reader)
    for search in searches:
        search.stats = stats
    matches: list[tuple[float, int, int]] = []
    total = 0
    for number, ((leaf, base), search) in enumerate(zip(leaves, searches)):
        allowed = None
        if allowed_global is not None:
            top = base + leaf.doc_count_all()
            allowed = {d - base for d in allowed_global if base <= d < top}
            if not allowed:
                continue
        scores = search.evaluate(node, allowed)
        total += len(scores)
        matches.extend((score, -number, doc) for doc, score in scores.items())
    best = heapq.nlargest(offset + limit, matches, key=lambda m: (m[0], m[1], -m[2]))[offset:]
    top = [(score, leaves[-number][0].stored_fields(doc)["id"]) for score, number, doc in best]
    return Ranked(total, top)
