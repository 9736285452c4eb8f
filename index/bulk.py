"""Fast bulk indexing: Whoosh segments written straight from each document's gram positions.

Whoosh's own writer pushes every (term, document) posting through a Python sorting pool and
a per-posting writer call — about 15 µs each — and a bigram index has twice the postings of
a word index. :class:`SegmentBuilder` produces the very same on-disk format (Whoosh's W3
codec: stored fields, length columns, term index, posting blocks), which Whoosh reads
unchanged, but collects postings per term in compact arrays and writes each term's blocks
in one go. Segments are cut every :data:`POSTINGS_PER_SEGMENT` postings to bound memory.

This module writes Whoosh's block layout through two private attributes of its postings
writer; the pinned Whoosh-Reloaded version and ``tests/test_index_bulk.py`` keep that honest.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator

from whoosh.codec import default_codec
from whoosh.system import pack_uint
from pickle import dumps

from .analyzer import gram_positions

POSTINGS_PER_SEGMENT = 5_000_000  # ≈ 250 MB of buffered postings
BODY = "body"


def encode_positions(plist: list[int]) -> bytes:
    """Whoosh's ``Positions`` value: the count, then the pickled position deltas."""
    deltas = [plist[0]]
    deltas += [b - a for a, b in zip(plist, plist[1:])]
    return pack_uint(len(plist)) + dumps(deltas, 2)


class _Postings:
    """One term's postings in one segment: document numbers, frequencies, encoded positions."""

    __slots__ = ("ids", "freqs", "values", "ends")

    def __init__(self) -> None:
        self.ids = array("I")
        self.freqs = array("I")
        self.values = bytearray()
        self.ends = array("I")

    def add(self, docnum: int, plist: list[int]) -> None:
        self.ids.append(docnum)
        self.freqs.append(len(plist))
        self.values += encode_positions(plist)
        self.ends.append(len(self.values))

    def value_list(self, start: int, stop: int) -> list[bytes]:
        values, ends = self.values, self.ends
        begin = ends[start - 1] if start else 0
        out = []
        for end in ends[start:stop]:
            out.append(bytes(values[begin:end]))
            begin = end
        return out


class SegmentBuilder:
    """Collects documents (Whoosh field values) and writes them as one new Whoosh segment."""

    def __init__(self, storage, schema, indexname: str):
        self._storage = storage
        self._schema = schema
        self._codec = default_codec()
        self.segment = self._codec.new_segment(storage, indexname)
        self._perdoc = self._codec.per_document_writer(storage, self.segment)
        self._body: dict[str, _Postings] = {}
        self._small: dict[tuple[str, bytes], list[tuple[int, float, bytes]]] = {}
        self._lengths = array("I")
        self.doc_count = 0
        self.posting_count = 0

    def add(self, values: dict) -> None:
        """Add one document; ``values`` maps field names to what Whoosh's ``add_document`` would take."""
        docnum = self.doc_count
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        body_length = 0
        for name in sorted(values):
            field, value = self._schema[name], values[name]
            if name == BODY:
                body_length = self._add_body(docnum, value)
                perdoc.add_field(name, field, None, body_length)
                continue
            length = 0
            for tbytes, freq, weight, vbytes in field.index(value):
                self._small.setdefault((name, tbytes), []).append((docnum, weight, vbytes))
                length += freq if field.scorable else 0
            perdoc.add_field(name, field, value if field.stored else None, length)
        perdoc.finish_doc()
        self._lengths.append(body_length)
        self.doc_count += 1

    def _add_body(self, docnum: int, text: str) -> int:
        body = self._body
        length = 0
        positions = gram_positions(text)
        for term, plist in positions.items():
            postings = body.get(term)
            if postings is None:
                postings = body[term] = _Postings()
            postings.add(docnum, plist)
            length += len(plist)
        self.posting_count += len(positions)
        return length

    def finish(self):
        """Write the segment's files and return the segment (not yet in any TOC)."""
        self._perdoc.close()
        writer = self._codec.field_writer(self._storage, self.segment)
        fieldnames = sorted({BODY} | {name for name, _ in self._small})
        for fieldname in fieldnames:
            writer.start_field(fieldname, self._schema[fieldname])
            if fieldname == BODY:
                self._write_body(writer)
            else:
                self._write_small(writer, fieldname)
            writer.finish_field()
        writer.close()
        self.segment.set_doc_count(self.doc_count)
        return self.segment

    def _write_body(self, writer) -> None:
        lengths = self._lengths
        for tbytes, term in sorted((term.encode("utf-8"), term) for term in self._body):
            postings = self._body.pop(term)  # free memory as we go
            writer.start_term(tbytes)
            _write_blocks(writer._postwriter, postings, lengths)
            writer.finish_term()

    def _write_small(self, writer, fieldname: str) -> None:
        for (name, tbytes) in sorted(k for k in self._small if k[0] == fieldname):
            writer.start_term(tbytes)
            for docnum, weight, vbytes in self._small[(name, tbytes)]:
                writer.add(docnum, weight, vbytes, 0)
            writer.finish_term()


def _write_blocks(postwriter, postings: _Postings, lengths: array) -> None:
    """Write one term's postings as Whoosh W3 blocks (≤ ``blocklimit`` postings each)."""
    limit = postwriter._blocklimit
    total = len(postings.ids)
    for start in range(0, total, limit):
        stop = min(total, start + limit)
        ids = postings.ids[start:stop]
        freqs = postings.freqs[start:stop]
        doc_lengths = [lengths[d] for d in ids]
        postwriter._ids = ids
        postwriter._weights = array("f", freqs)
        postwriter._values = postings.value_list(start, stop)
        postwriter._minlength = min(doc_lengths)
        postwriter._maxlength = max(doc_lengths)
        postwriter._maxweight = float(max(freqs))
        postwriter._write_block(last=stop == total)


def build_segments(storage, schema, indexname: str, docs: Iterable[dict], seen: list[str] | None = None,
                   postings_per_segment: int = POSTINGS_PER_SEGMENT) -> Iterator:
    """Segments holding ``docs`` (field-value dicts), cut to bound memory; ids are appended to ``seen``."""
    builder = SegmentBuilder(storage, schema, indexname)
    for values in docs:
        builder.add(values)
        if seen is not None:
            seen.append(values["id"])
        if builder.posting_count >= postings_per_segment:
            yield builder.finish()
            builder = SegmentBuilder(storage, schema, indexname)
    if builder.doc_count:
        yield builder.finish()
    else:
        builder._perdoc.close()
