"""Transport encryption for carrying a package: a passphrase-sealed wrapper around the .zip.

The package itself stays plain (archival transfer rule); the wrapper only protects it on the
way. Format (version 1)::

    b"DGT" | version (1) | Argon2id time (4) | memory KiB (4) | parallelism (1) | salt (16)
    then the archive's chunked AES-256-GCM stream (``archive.crypto.seal_stream``)

The header is the stream's associated data, so the KDF parameters cannot be edited either.
The key comes from the transport passphrase with Argon2id. Both directions write through
``docgen.fsutil.atomic_writer`` (a temp file renamed into place): unwrapping renames only after
the last chunk authenticated, so a wrong passphrase or a changed byte leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from docgen.fsutil import atomic_writer

from .crypto import KdfParams, open_stream, seal_stream
from .errors import ArchiveError, Unauthenticated

MAGIC = b"DGT"
VERSION = 1
SALT_SIZE = 16
HEADER_SIZE = len(MAGIC) + 1 + 4 + 4 + 1 + SALT_SIZE
SUFFIX = ".dgt"
DEFAULT_KDF = KdfParams(time_cost=3, memory_cost=64 * 1024, parallelism=4)  # RFC 9106, second recommendation
_MAX_MEMORY_KIB = 1 << 20  # refuse headers asking for more than 1 GiB
_MAX_TIME = 20


class TransportError(ArchiveError):
    """A transport-encrypted package cannot be opened: wrong passphrase, damaged or not one."""


def is_transport_file(path: Path) -> bool:
    """Whether ``path`` starts with the transport wrapper's magic bytes."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(MAGIC) + 1)
    except (IsADirectoryError, FileNotFoundError, PermissionError):
        return False
    return head == MAGIC + bytes([VERSION])


def _header(kdf: KdfParams, salt: bytes) -> bytes:
    return (MAGIC + bytes([VERSION]) + kdf.time_cost.to_bytes(4, "big") + kdf.memory_cost.to_bytes(4, "big")
            + bytes([kdf.parallelism]) + salt)


def _parse_header(header: bytes) -> tuple[KdfParams, bytes]:
    if len(header) != HEADER_SIZE or header[:3] != MAGIC or header[3] != VERSION:
        raise TransportError("不是 docgen 传输加密包（文件头不对）")
    kdf = KdfParams(int.from_bytes(header[4:8], "big"), int.from_bytes(header[8:12], "big"), header[12])
    if not (1 <= kdf.time_cost <= _MAX_TIME and 8 <= kdf.memory_cost <= _MAX_MEMORY_KIB and 1 <= kdf.parallelism <= 16):
        raise TransportError("传输加密包的密钥派生参数超出允许范围")
    return kdf, header[13:]


def wrap(source: Path, target: Path, passphrase: str, kdf: KdfParams = DEFAULT_KDF) -> Path:
    """Encrypt the file ``source`` into ``target`` under ``passphrase``; returns ``target``."""
    salt = os.urandom(SALT_SIZE)
    header = _header(kdf, salt)
    key = kdf.derive(passphrase, salt)
    with open(source, "rb") as src, atomic_writer(target, 0o644) as dst:
        dst.write(header)
        seal_stream(key, src, dst, header)
    return target


def unwrap(source: Path, target: Path, passphrase: str) -> Path:
    """Decrypt a wrapped package into ``target``; ``TransportError`` if it does not authenticate."""
    with open(source, "rb") as src:
        header = src.read(HEADER_SIZE)
        kdf, salt = _parse_header(header)
        key = kdf.derive(passphrase, salt)
        try:
            with atomic_writer(target) as dst:
                for chunk in open_stream(key, src, header):
                    dst.write(chunk)
        except Unauthenticated:
            raise TransportError("无法解开传输加密包：口令不对，或文件已损坏、被篡改") from None
    return target


def open_package(source: Path, target: Path, passphrase: str) -> Path:
    """``docgen handover open``: unwrap ``source`` into ``target`` (a new file)."""
    from docgen.errors import UsageError

    if not is_transport_file(source):
        raise UsageError(f"{source} 不是传输加密的移交包")
    if target.exists():
        raise UsageError(f"{target} 已存在；不会覆盖")
    target.parent.mkdir(parents=True, exist_ok=True)
    return unwrap(source, target, passphrase)
