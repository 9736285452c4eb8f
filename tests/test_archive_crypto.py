"""Streamed blob sealing: round trips, and every way of tampering with a sealed stream fails."""

from __future__ import annotations

import io

import pytest

from archive.crypto import (
    BLOB_HEADER_SIZE,
    TAG_SIZE,
    KdfParams,
    is_sealed_blob,
    keyed_digest,
    new_key,
    open_stream,
    seal_stream,
    sealed_blob_size,
)
from archive.errors import Unauthenticated

CHUNK = 4096  # small chunks so multi-chunk cases stay fast


def sealed(data: bytes, key: bytes, aad: bytes = b"doc-1|1") -> bytes:
    out = io.BytesIO()
    seal_stream(key, io.BytesIO(data), out, aad, chunk_size=CHUNK)
    return out.getvalue()


def opened(blob: bytes, key: bytes, aad: bytes = b"doc-1|1") -> bytes:
    return b"".join(open_stream(key, io.BytesIO(blob), aad))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7])
def test_round_trip_at_chunk_edges(size):
    key, data = new_key(), bytes(range(256)) * (size // 256) + b"z" * (size % 256)
    blob = sealed(data, key)
    assert len(blob) == sealed_blob_size(size, CHUNK)
    assert is_sealed_blob(blob[:BLOB_HEADER_SIZE])
    assert opened(blob, key) == data


def test_plaintext_is_not_in_the_blob():
    key, data = new_key(), "保密协议 源代码".encode() * 100
    assert "保密协议".encode() not in sealed(data, key)


def test_observers_see_plain_and_sealed_bytes():
    key, data, plain, stored = new_key(), b"x" * (2 * CHUNK + 5), [], []
    out = io.BytesIO()
    seal_stream(key, io.BytesIO(data), out, b"a", chunk_size=CHUNK, on_plain=plain.append, on_sealed=stored.append)
    assert b"".join(plain) == data and b"".join(stored) == out.getvalue()


def test_wrong_key_or_other_document_fails():
    key, blob = new_key(), sealed(b"hello" * 2000, new_key())
    with pytest.raises(Unauthenticated):
        opened(blob, key)
    key = new_key()
    blob = sealed(b"hello" * 2000, key, b"doc-1|1")
    with pytest.raises(Unauthenticated):
        opened(blob, key, b"doc-2|1")  # moved to another document
    with pytest.raises(Unauthenticated):
        opened(blob, key, b"doc-1|2")  # claimed as another version


@pytest.mark.parametrize("where", ["header", "first-chunk", "last-tag"])
def test_flipped_byte_fails(where):
    key = new_key()
    blob = bytearray(sealed(b"A" * (2 * CHUNK + 100), key))
    offset = {"header": 9, "first-chunk": BLOB_HEADER_SIZE + 10, "last-tag": len(blob) - 1}[where]
    blob[offset] ^= 0x01
    with pytest.raises(Unauthenticated):
        opened(bytes(blob), key)


def test_truncation_at_a_chunk_boundary_fails():
    """GIVEN three full chunks WHEN the last one is cut off THEN the stream is incomplete, not shorter."""
    key = new_key()
    blob = sealed(b"B" * (3 * CHUNK), key)
    cut = blob[: BLOB_HEADER_SIZE + 2 * (CHUNK + TAG_SIZE)]
    with pytest.raises(Unauthenticated):
        opened(cut, key)
    with pytest.raises(Unauthenticated):
        opened(blob[:BLOB_HEADER_SIZE], key)  # header only


def test_reordered_chunks_fail():
    key = new_key()
    blob = sealed(b"C" * CHUNK + b"D" * CHUNK + b"E" * 10, key)
    size = CHUNK + TAG_SIZE
    first, second = blob[BLOB_HEADER_SIZE : BLOB_HEADER_SIZE + size], blob[BLOB_HEADER_SIZE + size : BLOB_HEADER_SIZE + 2 * size]
    swapped = blob[:BLOB_HEADER_SIZE] + second + first + blob[BLOB_HEADER_SIZE + 2 * size :]
    with pytest.raises(Unauthenticated):
        opened(swapped, key)


def test_appended_chunk_fails():
    key = new_key()
    blob = sealed(b"F" * CHUNK, key)
    with pytest.raises(Unauthenticated):
        opened(blob + blob[BLOB_HEADER_SIZE:], key)


def test_keyed_digest_depends_on_key():
    a, b = new_key(), new_key()
    assert keyed_digest(a, b"same").hexdigest() == keyed_digest(a, b"same").hexdigest()
    assert keyed_digest(a, b"same").hexdigest() != keyed_digest(b, b"same").hexdigest()


def test_kdf_is_deterministic_per_salt():
    params = KdfParams(time_cost=1, memory_cost=1024, parallelism=1)
    assert params.derive("口令", b"s" * 16) == params.derive("口令", b"s" * 16)
    assert params.derive("口令", b"s" * 16) != params.derive("口令", b"t" * 16)
    assert params.derive("口令", b"s" * 16) != params.derive("口令2", b"s" * 16)


def test_no_key_passphrase_or_content_in_the_reprs_of_what_holds_them():
    """A repr reaches tracebacks and logs: the ingest context and the build options keep their secrets."""
    from archive.handover_package import BuildOptions
    from archive.ingest import IngestContext

    key = new_key()
    context = IngestContext(b"raw bytes of the secret file", {"category": "05"}, "a.txt", data_key=key, text="机密正文")
    shown = repr(context)
    assert repr(key) not in shown and key.hex() not in shown
    assert "secret file" not in shown and "机密正文" not in shown
    assert "传输口令" not in repr(BuildOptions(transport_passphrase="传输口令"))
