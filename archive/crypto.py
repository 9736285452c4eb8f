"""Sealing bytes: AES-256-GCM with a versioned header and caller-supplied associated data.

This is the only module that touches cipher primitives. Every failure to open comes out as
one error, :class:`archive.errors.Unauthenticated`, whatever the cause (wrong key, swapped
context, flipped bit), so callers cannot leak which check failed.

Sealed format (version 1)::

    b"DGS" | version (1 byte) | nonce (12 bytes) | ciphertext | tag (16 bytes)

The header is part of the associated data, so it cannot be edited either.
"""

from __future__ import annotations

import os

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
