"""Fast bulk indexing and merging of Whoosh segments, bypassing Whoosh's per-posting pool.

Whoosh's own writer pushes every (term, document) posting through a Python sorting pool and
a per-posting writer call — about 15 µs each — and a bigram index has twice the postings of
a word index. :class:`SegmentBuilder` writes a segment directly: stored ids, field lengths
and the small filter fields through Whoosh's W3 codec (so Whoosh reads them unchanged), and
the body grams into the segment's numpy-ready table (:mod:`index.bodytable`). Segments are
cut every :data:`POSTINGS_PER_SEGMENT` postings to bound memory.

:func:`merge_segments` joins segments the same way: stored fields and lengths copied, filter
postings copied block by block with remapped document numbers, body tables concatenated
with numpy — deleted documents dropped, nothing re-analysed.

The W3 block layout written here is Whoosh-Reloaded 2.7.5's (pinned); ``tests/test_index_bulk.py``
checks that what Whoosh reads back equals what its own writer would have written.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate
from pickle import dumps

import numpy as np
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.util.numeric import length_to_byte

from .analyzer import gram_positions
from .bodytable import TableWriter, merge_tables

POSTINGS_PER_SEGMENT = 4_000_000  # ≈ 250 MB of buffered postings
BODY = "body"


class SegmentBuilder:
    """Collects documents (Whoosh field values) and writes them as one new Whoosh segment."""

    def __init__(self, storage, schema, indexname: str):
        self._storage = storage
        self._schema = schema
        self._codec = default_codec()
        self.segment = self._codec.new_segment(storage, indexname)
        self._perdoc = self._codec.per_document_writer(storage, self.segment)
        self._body = TableWriter()
        self._small: dict[tuple[str, bytes], list[tuple[int, float, bytes]]] = {}
        self.doc_count = 0

    @property
    def posting_count(self) -> int:
        return self._body.posting_count

    def add(self, values: dict) -> None:
        """Add one document; ``values`` maps field names to what Whoosh's ``add_document`` would take."""
        docnum = self.doc_count
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        for name in sorted(values):
            field, value = self._schema[name], values[name]
            if name == BODY:
                perdoc.add_field(name, field, None, self._body.add(docnum, gram_positions(value)))
                continue
            length = 0
            for tbytes, freq, weight, vbytes in field.index(value):
                self._small.setdefault((name, tbytes), []).append((docnum, weight, vbytes))
                length += freq if field.scorable else 0
            perdoc.add_field(name, field, value if field.stored else None, length)
        perdoc.finish_doc()
        self.doc_count += 1

    def finish(self):
        """Write the segment's files and return the segment (not yet in any TOC)."""
        self._perdoc.close()
        writer = self._codec.field_writer(self._storage, self.segment)
        for fieldname in sorted({name for name, _ in self._small}):
            writer.start_field(fieldname, self._schema[fieldname])
            self._write_small(writer, fieldname)
            writer.finish_field()
        writer.close()
        self._body.write(self._storage, self.segment)
        self.segment.set_doc_count(self.doc_count)
        return self.segment

    def _write_small(self, writer, fieldname: str) -> None:
        for (name, tbytes) in sorted(k for k in self._small if k[0] == fieldname):
            writer.start_term(tbytes)
            for docnum, weight, vbytes in self._small[(name, tbytes)]:
                writer.add(docnum, weight, vbytes, 0)
            writer.finish_term()


def write_postings(postwriter, ids, weights, values, lengths, fixed_size) -> None:
    """Write one term's postings as W3 blocks, as ``W3PostingsWriter._write_block`` would.

    Block = int length (negative for the last) | pickled info | zlib(pickled (ids as deltas,
    weights, values)); the term info accumulates document frequency, total weight and the
    min/max statistics Whoosh uses to skip blocks. ``lengths`` (the field's length per
    document) is None for unscored fields; ``fixed_size`` is the format's value size.
    """
    limit = postwriter._blocklimit
    compression = postwriter._compression
    terminfo = postwriter._terminfo
    postfile = postwriter._postfile
    postfile.write(WHOOSH3_HEADER_MAGIC)
    total = len(ids)
    for start in range(0, total, limit):
        stop = min(total, start + limit)
        block_ids = ids[start:stop]
        block_weights = weights[start:stop]
        maxweight = max(block_weights)
        if lengths is not None:
            doc_lengths = [lengths[d] for d in block_ids]
            minlength, maxlength = min(doc_lengths), max(doc_lengths)
        else:
            minlength, maxlength = None, 0
        deltas = [block_ids[0]] + [b - a for a, b in zip(block_ids, block_ids[1:])]
        data = dumps((tuple(deltas), _mini_weights(block_weights), _mini_values(values, start, stop, fixed_size)), 2)
        data = zlib.compress(data, compression)
        info = dumps((len(block_ids), block_ids[-1], maxweight, compression,
                      length_to_byte(minlength), length_to_byte(maxlength)), 2)
        size = len(info) + len(data)
        postfile.write_int(-size if stop == total else size)
        postfile.write(info)
        postfile.write(data)
        _add_block_stats(terminfo, block_ids, block_weights, maxweight, minlength, maxlength)
        postwriter._blockcount += 1
    postwriter._new_block()


def _mini_values(values, start: int, stop: int, fixed_size):
    if fixed_size == 0 or values is None:
        return None
    if fixed_size is None or fixed_size < 0:
        return tuple(values[start:stop])
    return b"".join(values[start:stop])


def _mini_weights(weights: list[float]):
    first = weights[0]
    if all(w == first for w in weights):
        return None if first == 1.0 else first
    return tuple(weights)


def _add_block_stats(terminfo, ids, weights, maxweight, minlength, maxlength) -> None:
    """What ``W3TermInfo.add_block`` records for one block."""
    terminfo._weight += float(sum(weights))
    terminfo._df += len(ids)
    if terminfo._minlength is None:
        terminfo._minlength = minlength
    elif minlength is not None:
        terminfo._minlength = min(terminfo._minlength, minlength)
    terminfo._maxlength = max(terminfo._maxlength, maxlength)
    terminfo._maxweight = max(terminfo._maxweight, maxweight)
    if terminfo._minid is None:
        terminfo._minid = ids[0]
    terminfo._maxid = ids[-1]


def build_segments(storage, schema, indexname: str, docs: Iterable[dict], seen: list[str] | None = None,
                   postings_per_segment: int | None = None) -> Iterator:
    """Segments holding ``docs`` (field-value dicts), cut to bound memory; ids are appended to ``seen``."""
    postings_per_segment = postings_per_segment or POSTINGS_PER_SEGMENT
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


# Merging -------------------------------------------------------------------------------------

def merge_segments(storage, schema, indexname: str, segments: list):
    """One new segment holding the live documents of ``segments``, in order.

    Postings are copied block by block with their document numbers remapped (deleted
    documents dropped); positions are never decoded. Whoosh's own merge re-adds every
    posting through its sorting pool, ten times slower.
    """
    from whoosh.reading import SegmentReader

    codec = default_codec()
    merged = codec.new_segment(storage, indexname)
    readers = [SegmentReader(storage, schema, segment) for segment in segments]
    try:
        docmaps, lengths = _merge_documents(codec, storage, schema, merged, readers)
        merge_tables(storage, segments, [np.frombuffer(dm, dtype=np.int32).astype(np.int64) for dm in docmaps], merged)
        writer = codec.field_writer(storage, merged)
        for fieldname in sorted(name for name, field in schema.items() if field.indexed):
            field = schema[fieldname]
            writer.start_field(fieldname, field)
            for tbytes in _union_terms(readers, fieldname):
                ids, weights, values = _merged_postings(readers, docmaps, fieldname, tbytes)
                if ids:
                    writer.start_term(tbytes)
                    write_postings(writer._postwriter, ids, weights, values,
                                   lengths.get(fieldname), field.format.fixed_value_size())
                    writer.finish_term()
            writer.finish_field()
        writer.close()
    finally:
        for reader in readers:
            reader.close()
    merged.set_doc_count(sum(len([d for d in dm if d >= 0]) for dm in docmaps))
    return merged


def _merge_documents(codec, storage, schema, merged, readers):
    """Copy stored fields and field lengths; return old→new document maps and new lengths."""
    perdoc = codec.per_document_writer(storage, merged)
    scored = [name for name, field in schema.items() if field.scorable]
    lengths = {name: array("I") for name in scored}
    docmaps = []
    new = 0
    for reader in readers:
        docmap = array("i", [-1]) * reader.doc_count_all()
        for old in range(reader.doc_count_all()):
            if reader.is_deleted(old):
                continue
            docmap[old] = new
            perdoc.start_doc(new)
            stored = reader.stored_fields(old)
            for name, field in schema.items():
                length = reader.doc_field_length(old, name) if name in lengths else 0
                value = stored.get(name)
                if value is not None or length:
                    perdoc.add_field(name, field, value, length)
                if name in lengths:
                    lengths[name].append(length)
            perdoc.finish_doc()
            new += 1
        docmaps.append(docmap)
    perdoc.close()
    return docmaps, lengths


def _union_terms(readers, fieldname: str) -> Iterator[bytes]:
    from heapq import merge

    last = None
    for tbytes in merge(*(reader.lexicon(fieldname) for reader in readers)):
        if tbytes != last:
            yield tbytes
            last = tbytes


def _merged_postings(readers, docmaps, fieldname: str, tbytes: bytes):
    ids: list[int] = []
    weights: list[float] = []
    values: list = []
    for reader, docmap in zip(readers, docmaps):
        if (fieldname, tbytes) not in reader:
            continue
        for old, weight, value in _raw_postings(reader, fieldname, tbytes):
            new = docmap[old]
            if new >= 0:
                ids.append(new)
                weights.append(weight)
                values.append(value)
    return ids, weights, values


def _raw_postings(reader, fieldname: str, tbytes: bytes) -> Iterator[tuple[int, float, bytes | None]]:
    """A term's postings straight from its W3 blocks: (document number, weight, value bytes)."""
    from io import BytesIO
    from pickle import load, loads

    terms = reader._terms
    info = terms.term_info(fieldname, tbytes)
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        yield from zip(ids, weights, values or [None] * len(ids))
        return
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as unpack_int's tuple
        length = length[0]
    postfile = terms._postfile
    postfile.seek(offset)
    raw = bytes(postfile.read(length))
    pos = len(WHOOSH3_HEADER_MAGIC)
    while pos < len(raw):
        size = abs(int.from_bytes(raw[pos : pos + 4], "big", signed=True))
        block = BytesIO(raw[pos + 4 : pos + 4 + size])
        pos += 4 + size
        count, _last, _maxweight, compression, _minlb, _maxlb = load(block)
        data = block.read()
        deltas, weights, values = loads(zlib.decompress(data) if compression else data)
        ids = list(accumulate(deltas))
        if weights is None or isinstance(weights, float):
            weights = [1.0 if weights is None else weights] * count
        if values is None:
            values = [None] * count
        elif isinstance(values, bytes):
            step = len(values) // count
            values = [values[i * step : (i + 1) * step] for i in range(count)]
        yield from zip(ids, weights, values)


def choose_merge(segments: list) -> tuple[list, list]:
    """Whoosh's MERGE_SMALL choice (segments sorted by size, merged up to a Fibonacci point):
    (segments to merge, segments to keep)."""
    from whoosh.util import fib

    ordered = sorted(segments, key=lambda s: s.doc_count_all())
    total = 0
    for i, segment in enumerate(ordered):
        total += max(0, segment.doc_count_all())
        if i > 3 and total < fib(i + 5):
            return ordered[: i + 1], ordered[i + 1 :]
    return [], list(segments)
