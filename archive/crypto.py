"""Sealing bytes: AES-256-GCM with a versioned header and caller-supplied associated data.

This is the only module that touches cipher primitives. Every failure to open comes out as
one error, :class:`archive.errors.Unauthenticated`, whatever the cause (wrong key, swapped
context, flipped bit), so callers cannot leak which check failed.

Sealed format (version 1)::

    b"DGS" | version (1 byte) | nonce (12 bytes) | ciphertext | tag (16 bytes)

The header is part of the associated data, so it cannot be edited either.

Streamed blob format (version 1), for documents of any size in bounded memory::

    b"DGB" | version (1) | chunk size (4, big-endian) | nonce prefix (7)
    then per chunk: ciphertext | tag (16)

Chunk *i* uses nonce ``prefix | i (4 bytes) | final flag (1 byte)`` and associated data
``header | caller aad | i (8 bytes) | final flag``: chunks cannot be reordered, dropped,
moved to another document, and the stream cannot be truncated at a chunk boundary (the
last chunk must carry the final flag). This is the STREAM construction of Hoang, Reyhanitabar,
Rogaway and Vizár (2015), as used by Tink and age.

Also here: keyed digests (HMAC-SHA256) and the passphrase KDF (Argon2id), so that the rest of
the archive never touches a primitive directly.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import Unauthenticated

KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
SEAL_MAGIC = b"DGS"
SEAL_VERSION = 1
_HEADER = SEAL_MAGIC + bytes([SEAL_VERSION])
SEAL_OVERHEAD = len(_HEADER) + NONCE_SIZE + TAG_SIZE


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return os.urandom(KEY_SIZE)


def derive_subkey(master: bytes, label: str) -> bytes:
    """A key for one purpose (e.g. ``"index"``), derived from ``master`` with HKDF-SHA256."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=b"docgen/" + label.encode()).derive(master)


def seal(key: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """Encrypt and authenticate ``plaintext``; ``aad`` binds it to its context (ids, names)."""
    nonce = os.urandom(NONCE_SIZE)
    return _HEADER + nonce + AESGCM(key).encrypt(nonce, plaintext, _HEADER + aad)


def unseal(key: bytes, sealed: bytes, aad: bytes = b"") -> bytes:
    """Decrypt what :func:`seal` made with the same key and ``aad``, or raise ``Unauthenticated``."""
    if len(sealed) < SEAL_OVERHEAD or sealed[: len(_HEADER)] != _HEADER:
        raise Unauthenticated("sealed data has no valid header")
    nonce = sealed[len(_HEADER) : len(_HEADER) + NONCE_SIZE]
    try:
        return AESGCM(key).decrypt(nonce, sealed[len(_HEADER) + NONCE_SIZE :], _HEADER + aad)
    except InvalidTag:
        raise Unauthenticated("authentication failed") from None


class Sealer:
    """A key bound to a purpose; what the index storage and other layers are handed instead of raw keys."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes):
        if len(key) != KEY_SIZE:
            raise ValueError("key must be 32 bytes")
        self._key = key

    def seal(self, plaintext: bytes, aad: bytes = b"") -> bytes:
        return seal(self._key, plaintext, aad)

    def unseal(self, sealed: bytes, aad: bytes = b"") -> bytes:
        return unseal(self._key, sealed, aad)

    def __repr__(self) -> str:  # never show key material
        return "Sealer(<key hidden>)"


# --- streamed blobs -------------------------------------------------------------------------

BLOB_MAGIC = b"DGB"
BLOB_VERSION = 1
CHUNK_SIZE = 1 << 20  # 1 MiB of plaintext per chunk
_PREFIX_SIZE = 7
BLOB_HEADER_SIZE = len(BLOB_MAGIC) + 1 + 4 + _PREFIX_SIZE
_MAX_CHUNKS = 1 << 32  # the 4-byte counter in the nonce


def is_sealed_blob(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a file) starts with a valid blob header."""
    return (
        len(head) >= BLOB_HEADER_SIZE
        and head[:3] == BLOB_MAGIC
        and head[3] == BLOB_VERSION
        and 0 < int.from_bytes(head[4:8], "big") <= 64 * CHUNK_SIZE
    )


def sealed_blob_size(plain_size: int, chunk_size: int = CHUNK_SIZE) -> int:
    """The size on disk of a blob holding ``plain_size`` bytes (an empty file still has one chunk)."""
    chunks = max(1, -(-plain_size // chunk_size))
    return BLOB_HEADER_SIZE + plain_size + chunks * TAG_SIZE


def _chunk_nonce_aad(header: bytes, aad: bytes, index: int, final: bool) -> tuple[bytes, bytes]:
    if index >= _MAX_CHUNKS:
        raise ValueError("stream too long")
    flag = b"\x01" if final else b"\x00"
    nonce = header[8:BLOB_HEADER_SIZE] + index.to_bytes(4, "big") + flag
    return nonce, header + aad + index.to_bytes(8, "big") + flag


def _read_full(src: BinaryIO, size: int) -> bytes:
    """Read exactly ``size`` bytes unless the stream ends first."""
    parts, missing = [], size
    while missing:
        part = src.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def seal_stream(
    key: bytes,
    src: BinaryIO,
    dst: BinaryIO,
    aad: bytes,
    *,
    chunk_size: int = CHUNK_SIZE,
    on_plain: Callable[[bytes], None] | None = None,
    on_sealed: Callable[[bytes], None] | None = None,
) -> int:
    """Encrypt ``src`` into ``dst`` chunk by chunk; returns the plaintext size.

    ``on_plain`` sees every plaintext chunk (for keyed digests), ``on_sealed`` every byte
    written (for a digest of the stored file). Memory stays at about two chunks.
    """
    header = BLOB_MAGIC + bytes([BLOB_VERSION]) + chunk_size.to_bytes(4, "big") + os.urandom(_PREFIX_SIZE)
    aead = AESGCM(key)
    _write(dst, header, on_sealed)
    current, index, total = _read_full(src, chunk_size), 0, 0
    while True:
        following = _read_full(src, chunk_size) if len(current) == chunk_size else b""
        final = not following
        if on_plain:
            on_plain(current)
        nonce, chunk_aad = _chunk_nonce_aad(header, aad, index, final)
        _write(dst, aead.encrypt(nonce, current, chunk_aad), on_sealed)
        total += len(current)
        if final:
            return total
        current, index = following, index + 1


def _write(dst: BinaryIO, data: bytes, observer: Callable[[bytes], None] | None) -> None:
    dst.write(data)
    if observer:
        observer(data)


def open_stream(key: bytes, src: BinaryIO, aad: bytes) -> Iterator[bytes]:
    """Yield the plaintext chunks of a blob made by :func:`seal_stream`.

    Raises ``Unauthenticated`` on any change, swap, reordering or truncation. A consumer
    must not treat the data as genuine until the generator is exhausted without error.
    """
    header = _read_full(src, BLOB_HEADER_SIZE)
    if not is_sealed_blob(header):
        raise Unauthenticated("blob has no valid header")
    sealed_chunk = int.from_bytes(header[4:8], "big") + TAG_SIZE
    aead = AESGCM(key)
    current, index = _read_full(src, sealed_chunk), 0
    if len(current) < TAG_SIZE:
        raise Unauthenticated("blob is truncated")
    while True:
        following = _read_full(src, sealed_chunk) if len(current) == sealed_chunk else b""
        final = not following
        nonce, chunk_aad = _chunk_nonce_aad(header, aad, index, final)
        try:
            yield aead.decrypt(nonce, current, chunk_aad)
        except InvalidTag:
            raise Unauthenticated("blob chunk failed authentication") from None
        if final:
            return
        if len(following) < TAG_SIZE:
            raise Unauthenticated("blob is truncated")
        current, index = following, index + 1


# --- keyed digests ----------------------------------------------------------------------------


def keyed_digest(key: bytes, data: bytes = b"") -> "hmac.HMAC":
    """An HMAC-SHA256 over ``data`` (call ``update`` for more); reveals nothing without ``key``."""
    return hmac.new(key, data, hashlib.sha256)


def digests_equal(a: str | bytes, b: str | bytes) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(a, b)


# --- passphrase key derivation -----------------------------------------------------------------


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters, stored in each key slot beside its salt."""

    time_cost: int
    memory_cost: int  # KiB
    parallelism: int

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        """The 256-bit key-encryption key for ``passphrase``."""
        from argon2.low_level import Type, hash_secret_raw

        return hash_secret_raw(
            passphrase.encode("utf-8"), salt, self.time_cost, self.memory_cost, self.parallelism, KEY_SIZE, Type.ID
        )
