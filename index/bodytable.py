"""A segment's body postings as one table file, laid out for numpy.

Whoosh keeps postings as pickled, zlib-compressed blocks of Python objects; decoding one
costs about 0.7 µs per posting, which at 10,000 documents already made common terms the
slowest part of a query. The ``body`` field (the exact-match grams of
:mod:`index.analyzer`) is therefore stored per segment in a Whoosh ``OrderedHashWriter``
table (``<segment>.bdy``), written through the same encrypting storage as every other
file: key = the term's UTF-8 bytes, value =

    document frequency, position count, widths           (3 × uint32, little-endian)
    document number deltas                               (uint16 or uint32 × df)
    frequencies                                          (uint16 or uint32 × df)
    position deltas, restarting at each document         (uint16 or uint32 × count)

(``widths`` holds the byte width of the three arrays, 2 or 4 each, in its low three bytes;
16 bits suffice almost always, which halves the table.)

A term's postings are then a few ``numpy.frombuffer`` views, with no per-posting work.
Whoosh still owns everything else of the segment: stored ids, field lengths, the filter
fields' postings, deletions and the table of contents.
"""

from __future__ import annotations

import struct
import sys
from array import array
from itertools import accumulate
from operator import sub
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

TABLE_EXT = ".bdy"
_HEADER = struct.Struct("<III")
SPARSE = 8  # below 1 row in SPARSE, gathering the rows' deltas beats one pass over them all


@dataclass(frozen=True)
class TermPostings:
    """One term's postings in one segment."""

    ids: np.ndarray  # document numbers, ascending
    freqs: np.ndarray  # positions per document
    deltas: np.ndarray  # position deltas, restarting at each document

    def positions(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(document number, position) of every occurrence, for the postings in ``rows`` (a mask)."""
        if rows is not None and rows.sum() * 2 < len(rows):
            return self._gathered(rows)
        freqs = self.freqs.astype(np.int64)
        positions = _restarting_cumsum(self.deltas, freqs)
        docs = np.repeat(self.ids.astype(np.int64), freqs)
        if rows is not None:
            keep = np.repeat(rows, freqs)
            return docs[keep], positions[keep]
        return docs, positions

    def keys(self, shift: int, rows: np.ndarray | None = None, *, exact: bool = True) -> np.ndarray:
        """Sorted ``document << shift | position`` of every occurrence (in ``rows``, a mask, if given).

        With ``exact=False`` the keys of documents outside ``rows`` may be included when that is
        cheaper (for a membership test, where they do no harm). One running sum over the
        position deltas, whose first delta per document is rewritten to step from the previous
        document's last key to this document's first, gives the keys without any per-position
        correction pass.
        """
        if rows is not None and rows.sum() * SPARSE < len(rows):
            docs, positions = self._gathered(rows)
            return (docs << shift) + positions
        if not len(self.deltas):
            return np.zeros(0, dtype=np.int64)
        firsts = np.cumsum(self.freqs, dtype=np.int64) - self.freqs
        lasts = np.add.reduceat(self.deltas, firsts, dtype=np.int64)  # a document's deltas sum to its last position
        first_keys = (self.ids << shift) + self.deltas[firsts]
        keys = self.deltas.astype(np.int64)
        keys[firsts] = first_keys - np.concatenate(([0], (self.ids[:-1] << shift) + lasts[:-1]))
        np.cumsum(keys, out=keys)
        if exact and rows is not None and not rows.all():
            keys = keys[np.repeat(rows, self.freqs)]
        return keys

    def _gathered(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`positions` of the postings in ``rows``, reading only those rows' deltas (for few rows)."""
        freqs = self.freqs.astype(np.int64)
        firsts = np.cumsum(freqs) - freqs
        chosen = np.flatnonzero(rows)
        counts = freqs[chosen]
        ends = np.cumsum(counts)
        gather = np.repeat(firsts[chosen] - (ends - counts), counts) + np.arange(int(ends[-1]) if len(ends) else 0)
        return np.repeat(self.ids[chosen], counts), _restarting_cumsum(self.deltas[gather], counts)


def _restarting_cumsum(deltas: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Running sums of ``deltas`` that restart at every group of ``counts`` elements."""
    running = np.cumsum(deltas, dtype=np.int64)
    if not len(running):
        return running
    firsts = np.cumsum(counts) - counts
    return running - np.repeat(running[firsts] - deltas[firsts], counts)


def table_name(segment) -> str:
    return segment.make_filename(TABLE_EXT)


SMALL = 256  # below this many positions, plain Python beats numpy's per-call overhead


def encode(ids, freqs, positions) -> bytes:
    """A table value from ``array('I')`` document numbers, frequencies and absolute positions."""
    if len(positions) < SMALL:
        return _encode_small(ids, freqs, positions)
    freqs_np = np.frombuffer(freqs, dtype=np.uint32)
    absolute = np.frombuffer(positions, dtype=np.uint32).astype(np.int64)
    firsts = np.cumsum(freqs_np, dtype=np.int64) - freqs_np
    deltas = np.diff(absolute, prepend=0)
    deltas[firsts] = absolute[firsts]
    return _pack(np.frombuffer(ids, dtype=np.uint32), freqs_np, deltas)


def _encode_small(ids, freqs, positions) -> bytes:
    """:func:`encode` for the many short postings lists, with ``array`` instead of numpy."""
    id_deltas = [ids[0], *map(sub, ids[1:], ids)]
    deltas = [positions[0], *map(sub, positions[1:], positions)]
    start = 0
    for freq in freqs:  # each document's first position is absolute
        deltas[start] = positions[start]
        start += freq
    arrays = [_narrow_small(id_deltas), _narrow_small(freqs), _narrow_small(deltas)]
    widths = sum(a.itemsize << (8 * i) for i, a in enumerate(arrays))
    return b"".join([_HEADER.pack(len(ids), len(positions), widths)] + [_little(a).tobytes() for a in arrays])


def _narrow_small(values) -> array:
    try:
        return array("H", values)
    except OverflowError:
        return array("I", values)


def _little(values: array) -> array:
    if sys.byteorder != "little":
        values = array(values.typecode, values)
        values.byteswap()
    return values


def _pack(ids: np.ndarray, freqs: np.ndarray, deltas: np.ndarray) -> bytes:
    id_deltas = np.diff(ids.astype(np.int64), prepend=0)
    arrays = [_narrow(id_deltas), _narrow(freqs), _narrow(deltas)]
    widths = sum(a.dtype.itemsize << (8 * i) for i, a in enumerate(arrays))
    return b"".join([_HEADER.pack(len(ids), len(deltas), widths)] + [a.tobytes() for a in arrays])


def _narrow(values: np.ndarray) -> np.ndarray:
    if not len(values) or int(values.max()) < 65536:
        return values.astype("<u2")
    return values.astype("<u4")


def decode(value) -> TermPostings:
    df, count, widths = _HEADER.unpack_from(value, 0)
    at = _HEADER.size
    arrays = []
    for i, n in enumerate((df, df, count)):
        width = (widths >> (8 * i)) & 0xFF
        arrays.append(np.frombuffer(value, dtype="<u2" if width == 2 else "<u4", count=n, offset=at))
        at += width * n
    id_deltas, freqs, deltas = arrays
    return TermPostings(np.cumsum(id_deltas, dtype=np.int64), freqs, deltas)


def doc_frequency(value) -> int:
    return _HEADER.unpack_from(value, 0)[0]


class TableWriter:
    """Collects a segment's body postings (documents in ascending order) and writes the table."""

    def __init__(self) -> None:
        self._terms: dict[str, tuple[array, array, array]] = {}
        self.posting_count = 0

    def add(self, docnum: int, positions: dict[str, list[int]]) -> int:
        """Add one document's term → positions; returns the document's length (token count)."""
        terms = self._terms
        length = 0
        for term, plist in positions.items():
            entry = terms.get(term)
            if entry is None:
                entry = terms[term] = (array("I"), array("I"), array("I"))
            entry[0].append(docnum)
            entry[1].append(len(plist))
            entry[2].extend(plist)
            length += len(plist)
        self.posting_count += len(positions)
        return length

    def write(self, storage, segment) -> None:
        table = OrderedHashWriter(storage.create_file(table_name(segment)))
        for tbytes, term in sorted((term.encode("utf-8"), term) for term in self._terms):
            table.add(tbytes, encode(*self._terms.pop(term)))  # free memory as we go
        table.close()


class TableReader:
    """A segment's body table, opened from the (decrypting) storage."""

    def __init__(self, storage, segment):
        name = table_name(segment)
        self._table = OrderedHashReader(storage.open_file(name), storage.file_length(name))

    def get(self, term: str) -> TermPostings | None:
        value = self._table.get(term.encode("utf-8"))
        return None if value is None else decode(value)

    def doc_frequency(self, term: str) -> int:
        value = self._table.get(term.encode("utf-8"))
        return 0 if value is None else doc_frequency(value)

    def expand(self, prefix: str) -> list[str]:
        """Every term starting with ``prefix``."""
        key = prefix.encode("utf-8")
        out = []
        for tbytes in self._table.keys_from(key):
            if not tbytes.startswith(key):
                break
            out.append(tbytes.decode("utf-8"))
        return out

    def items(self) -> Iterator[tuple[bytes, bytes]]:
        return self._table.items()

    def close(self) -> None:
        self._table.close()


def merge_tables(storage, segments: list, docmaps: list[np.ndarray], merged) -> None:
    """Write ``merged``'s table from the tables of ``segments``: document numbers remapped by
    ``docmaps`` (−1 = deleted, dropped), positions copied untouched."""
    from heapq import merge

    readers = [TableReader(storage, segment) for segment in segments]
    shifts = [_shift(docmap) for docmap in docmaps]
    docmaps = [(docmap, docmap.tolist()) for docmap in docmaps]
    try:
        table = OrderedHashWriter(storage.create_file(table_name(merged)))
        streams = [_numbered(reader.items(), n) for n, reader in enumerate(readers)]
        current, parts = None, []
        for key, n, value in merge(*streams, key=lambda item: (item[0], item[1])):
            if key != current and parts:
                _write_merged(table, current, parts, docmaps, shifts)
                parts = []
            current = key
            parts.append((n, value))
        if parts:
            _write_merged(table, current, parts, docmaps, shifts)
        table.close()
    finally:
        for reader in readers:
            reader.close()


def _shift(docmap: np.ndarray) -> int | None:
    """The constant a deletion-free segment's document numbers move by, else None."""
    if len(docmap) and docmap[0] >= 0 and (docmap >= 0).all() and (np.diff(docmap) == 1).all():
        return int(docmap[0])
    return None


def _shifted(value, shift: int) -> bytes | None:
    """``value`` with every document number moved by ``shift``: only the first delta changes."""
    df, _count, widths = _HEADER.unpack_from(value, 0)
    width = widths & 0xFF
    at = _HEADER.size
    first = int.from_bytes(value[at : at + width], "little") + shift
    if first >= 1 << (8 * width):
        return None
    return b"".join((bytes(value[:at]), first.to_bytes(width, "little"), bytes(value[at + width :])))


def _numbered(items, number: int):
    for key, value in items:
        yield key, number, value


def _merged_small(parts: list[tuple[int, bytes]], docmaps) -> bytes | None:
    """A merged value for short postings, with ``array`` rather than numpy (None if all deleted)."""
    ids: list[int] = []
    freqs: list[int] = []
    deltas: list[int] = []
    for n, value in parts:
        old_ids, old_freqs, old_deltas = _arrays(value)
        docmap = docmaps[n][1]
        at = 0
        for old, freq in zip(accumulate(old_ids), old_freqs):
            new = docmap[old]
            if new >= 0:
                ids.append(new)
                freqs.append(freq)
                deltas.extend(old_deltas[at : at + freq])
            at += freq
    if not ids:
        return None
    arrays = [_narrow_small([ids[0], *map(sub, ids[1:], ids)]), _narrow_small(freqs), _narrow_small(deltas)]
    widths = sum(a.itemsize << (8 * i) for i, a in enumerate(arrays))
    return b"".join([_HEADER.pack(len(ids), len(deltas), widths)] + [_little(a).tobytes() for a in arrays])


def _arrays(value) -> tuple[array, array, array]:
    """The three arrays of a table value, as ``array`` objects (id deltas, frequencies, position deltas)."""
    df, count, widths = _HEADER.unpack_from(value, 0)
    at = _HEADER.size
    out = []
    for i, n in enumerate((df, df, count)):
        width = (widths >> (8 * i)) & 0xFF
        values = array("H" if width == 2 else "I")
        values.frombytes(bytes(value[at : at + width * n]))
        if sys.byteorder != "little":
            values.byteswap()
        out.append(values)
        at += width * n
    return out[0], out[1], out[2]


def _remapped(postings: TermPostings, docmap: np.ndarray) -> TermPostings:
    new_ids = docmap[postings.ids.astype(np.int64)]
    keep = new_ids >= 0
    if keep.all():
        return TermPostings(new_ids, postings.freqs, postings.deltas)
    return TermPostings(new_ids[keep], postings.freqs[keep], postings.deltas[np.repeat(keep, postings.freqs.astype(np.int64))])


def _write_merged(table, key: bytes, parts: list[tuple[int, bytes]], docmaps, shifts) -> None:
    if len(parts) == 1 and shifts[parts[0][0]] is not None:  # the common case, no decoding
        value = _shifted(parts[0][1], shifts[parts[0][0]])
        if value is not None:
            table.add(key, value)
            return
    if sum(_HEADER.unpack_from(value, 0)[1] for _, value in parts) < SMALL:
        value = _merged_small(parts, docmaps)
        if value is not None:
            table.add(key, value)
        return
    decoded = [_remapped(decode(value), docmaps[n][0]) for n, value in parts]
    decoded = [p for p in decoded if len(p.ids)]
    if not decoded:
        return
    ids = np.concatenate([p.ids for p in decoded])
    freqs = np.concatenate([p.freqs for p in decoded])
    deltas = np.concatenate([p.deltas.astype(np.int64) for p in decoded])
    table.add(key, _pack(ids, freqs, deltas))
