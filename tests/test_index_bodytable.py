"""The body table's postings: encoded, decoded, and turned into sorted document/position keys."""

from __future__ import annotations

from array import array

import numpy as np
import pytest

from index.bodytable import SPARSE, decode, encode

SHIFT = 32


def _postings(rng: np.random.Generator, documents: int, *, big: bool = False):
    """Random postings: ascending document numbers, 1–40 ascending positions each."""
    ids = np.sort(rng.choice(documents * 3, size=documents, replace=False)).astype(np.uint32)
    freqs = rng.integers(1, 40, size=documents).astype(np.uint32)
    top = 40_000_000 if big else 5_000  # beyond 2^24 the old 24-bit keys ran into the document bits
    positions = np.concatenate([np.sort(rng.choice(top, size=int(f), replace=False)) for f in freqs]).astype(np.uint32)
    return ids, freqs, positions


def _expected(ids, freqs, positions, rows=None) -> np.ndarray:
    docs = np.repeat(ids.astype(np.int64), freqs)
    keys = (docs << SHIFT) + positions.astype(np.int64)
    return keys if rows is None else keys[np.repeat(rows, freqs)]


@pytest.mark.parametrize("documents", [1, 3, 300])  # 300 × ~20 positions takes the numpy encoder
@pytest.mark.parametrize("big", [False, True])
def test_keys_are_every_occurrence_as_sorted_document_and_position(documents, big):
    rng = np.random.default_rng(documents + big)
    ids, freqs, positions = _postings(rng, documents, big=big)
    postings = decode(encode(array("I", ids), array("I", freqs), array("I", positions)))
    keys = postings.keys(SHIFT)
    assert np.array_equal(keys, _expected(ids, freqs, positions))
    assert np.all(np.diff(keys) > 0)
    docs, found = postings.positions()
    assert np.array_equal(found, positions) and np.array_equal(docs, np.repeat(ids, freqs))


@pytest.mark.parametrize("share", [0.0, 1 / (2 * SPARSE), 0.5, 1.0])  # the gather path, the one-pass path
def test_keys_of_some_rows_are_exactly_those_rows_unless_a_superset_is_allowed(share):
    rng = np.random.default_rng(7)
    ids, freqs, positions = _postings(rng, 400)
    postings = decode(encode(array("I", ids), array("I", freqs), array("I", positions)))
    rows = rng.random(len(ids)) < share
    exact = postings.keys(SHIFT, rows)
    assert np.array_equal(exact, _expected(ids, freqs, positions, rows))
    loose = postings.keys(SHIFT, rows, exact=False)
    assert np.all(np.isin(exact, loose)) and np.all(np.isin(loose, _expected(ids, freqs, positions)))
