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
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

TABLE_EXT = ".bdy"
_HEADER = struct.Struct("<III")


@dataclass(frozen=True)
class TermPostings:
    """One term's postings in one segment."""

    ids: np.ndarray  # document numbers, ascending
    freqs: np.ndarray  # positions per document
    deltas: np.ndarray  # position deltas, restarting at each document

    def positions(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(document number, position) of every occurrence, for the postings in ``rows`` (a mask)."""
        freqs = self.freqs.astype(np.int64)
        running = np.cumsum(self.deltas, dtype=np.int64)
        firsts = np.cumsum(freqs) - freqs
        positions = running - np.repeat(running[firsts] - self.deltas[firsts], freqs)
        docs = np.repeat(self.ids.astype(np.int64), freqs)
        if rows is not None:
            keep = np.repeat(rows, freqs)
            return docs[keep], positions[keep]
        return docs, positions


def table_name(segment) -> str:
    return segment.make_filename(TABLE_EXT)


def encode(ids, freqs, positions) -> bytes:
    """A table value from ``array('I')`` document numbers, frequencies and absolute positions."""
    freqs_np = np.frombuffer(freqs, dtype=np.uint32)
    absolute = np.frombuffer(positions, dtype=np.uint32).astype(np.int64)
    firsts = np.cumsum(freqs_np, dtype=np.int64) - freqs_np
    deltas = np.diff(absolute, prepend=0)
    deltas[firsts] = absolute[firsts]
    return _pack(np.frombuffer(ids, dtype=np.uint32), freqs_np, deltas)


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
    try:
        table = OrderedHashWriter(storage.create_file(table_name(merged)))
        streams = [_numbered(reader.items(), n) for n, reader in enumerate(readers)]
        current, parts = None, []
        for key, n, value in merge(*streams, key=lambda item: (item[0], item[1])):
            if key != current and parts:
                _write_merged(table, current, parts)
                parts = []
            current = key
            parts.append(_remapped(decode(value), docmaps[n]))
        if parts:
            _write_merged(table, current, parts)
        table.close()
    finally:
        for reader in readers:
            reader.close()


def _numbered(items, number: int):
    for key, value in items:
        yield key, number, value


def _remapped(postings: TermPostings, docmap: np.ndarray) -> TermPostings:
    new_ids = docmap[postings.ids.astype(np.int64)]
    keep = new_ids >= 0
    if keep.all():
        return TermPostings(new_ids, postings.freqs, postings.deltas)
    return TermPostings(new_ids[keep], postings.freqs[keep], postings.deltas[np.repeat(keep, postings.freqs.astype(np.int64))])


def _write_merged(table, key: bytes, parts: list[TermPostings]) -> None:
    parts = [p for p in parts if len(p.ids)]
    if not parts:
        return
    ids = np.concatenate([p.ids for p in parts])
    freqs = np.concatenate([p.freqs for p in parts])
    deltas = np.concatenate([p.deltas.astype(np.int64) for p in parts])
    table.add(key, _pack(ids, freqs, deltas))
