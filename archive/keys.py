"""The key file: the archive's master key wrapped in passphrase key slots.

Each slot holds its own Argon2id parameters and salt, and the master key sealed (AES-256-GCM)
under the key those derive from a passphrase. The associated data binds a wrapped key to
its archive and slot id, so slots cannot be moved between archives. The master key is never
written unwrapped. Key-file changes are written atomically.

KDF profiles are per slot: ``interactive`` (RFC 9106's second recommendation: t=3, 64 MiB,
p=4) for real archives, ``test`` (t=1, 1 MiB) only for test suites. Weakening a slot needs
the passphrase of a slot, and ``archive verify`` warns about any slot on the test profile.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from docgen.fsutil import atomic_write_bytes

from .crypto import KdfParams, new_key, seal, unseal
from .errors import LastKeySlot, NotAnArchive, Tampered, Unauthenticated, UnknownKeySlot, WrongPassphrase

KEYFILE_FORMAT = 1
PROFILES: dict[str, KdfParams] = {
    "interactive": KdfParams(time_cost=3, memory_cost=64 * 1024, parallelism=4),
    "test": KdfParams(time_cost=1, memory_cost=1024, parallelism=1),
}
DEFAULT_PROFILE = "interactive"
SALT_SIZE = 16


@dataclass(frozen=True)
class KeySlot:
    """One way in: a passphrase-derived key wraps the master key."""

    id: str
    created: str
    profile: str
    kdf: KdfParams
    salt: bytes
    wrapped: bytes

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "created": self.created,
            "profile": self.profile,
            "kdf": {"name": "argon2id", **asdict(self.kdf)},
            "salt": _b64(self.salt),
            "wrapped": _b64(self.wrapped),
        }

    @classmethod
    def from_json(cls, data: dict) -> "KeySlot":
        kdf = dict(data["kdf"])
        if kdf.pop("name") != "argon2id":
            raise ValueError("unknown KDF")
        return cls(
            id=str(data["id"]),
            created=str(data["created"]),
            profile=str(data["profile"]),
            kdf=KdfParams(**{k: int(v) for k, v in kdf.items()}),
            salt=base64.b64decode(data["salt"], validate=True),
            wrapped=base64.b64decode(data["wrapped"], validate=True),
        )


@dataclass(frozen=True)
class SlotInfo:
    """What may be shown about a slot (no salt, no wrapped key)."""

    id: str
    created: str
    profile: str
    in_use: bool = False


class KeyFile:
    """The parsed key file of one archive."""

    def __init__(self, archive_id: str, slots: list[KeySlot]):
        self.archive_id = archive_id
        self.slots = slots

    # --- persistence ---

    @classmethod
    def load(cls, path: Path) -> "KeyFile":
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise NotAnArchive(f"{path.parent} is not an archive (no {path.name}); run `docgen archive init`") from None
        try:
            data = json.loads(raw)
            if data.get("format") != KEYFILE_FORMAT:
                raise ValueError("unknown key file format")
            return cls(str(data["archive_id"]), [KeySlot.from_json(s) for s in data["slots"]])
        except (ValueError, KeyError, TypeError) as error:
            raise Tampered(f"the key file {path.name} is damaged: {type(error).__name__}") from None

    def save(self, path: Path) -> None:
        data = {"format": KEYFILE_FORMAT, "archive_id": self.archive_id, "slots": [s.to_json() for s in self.slots]}
        atomic_write_bytes(path, json.dumps(data, indent=2).encode("utf-8") + b"\n")

    # --- slots ---

    def unlock(self, passphrase: str) -> tuple[bytes, str]:
        """(master key, slot id) for the first slot the passphrase opens; else ``WrongPassphrase``."""
        for slot in self.slots:
            kek = slot.kdf.derive(passphrase, slot.salt)
            try:
                return unseal(kek, slot.wrapped, self._aad(slot.id)), slot.id
            except Unauthenticated:
                continue
        raise WrongPassphrase("口令不正确：没有密钥槽能用它打开")

    def add_slot(self, master: bytes, passphrase: str, profile: str = DEFAULT_PROFILE) -> str:
        """Wrap ``master`` under a new passphrase; returns the new slot id."""
        if profile not in PROFILES:
            raise ValueError(f"unknown KDF profile {profile!r}")
        if not passphrase:
            raise ValueError("empty passphrase")
        slot_id = secrets.token_hex(4)
        while any(s.id == slot_id for s in self.slots):
            slot_id = secrets.token_hex(4)
        params, salt = PROFILES[profile], os.urandom(SALT_SIZE)
        wrapped = seal(params.derive(passphrase, salt), master, self._aad(slot_id))
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.slots.append(KeySlot(slot_id, created, profile, params, salt, wrapped))
        return slot_id

    def remove_slot(self, slot_id: str) -> None:
        """Drop a slot; the last one cannot go."""
        if not any(s.id == slot_id for s in self.slots):
            raise UnknownKeySlot(f"没有编号为 {slot_id} 的密钥槽")
        if len(self.slots) == 1:
            raise LastKeySlot("不能删除最后一个密钥槽：否则档案库再也无法打开")
        self.slots = [s for s in self.slots if s.id != slot_id]

    def infos(self, in_use: str | None = None) -> list[SlotInfo]:
        return [SlotInfo(s.id, s.created, s.profile, s.id == in_use) for s in self.slots]

    def _aad(self, slot_id: str) -> bytes:
        return f"docgen/keyslot|{self.archive_id}|{slot_id}".encode()


def new_keyfile(passphrase: str, profile: str = DEFAULT_PROFILE) -> tuple[KeyFile, bytes]:
    """A key file for a new archive with one slot, and the fresh master key it wraps."""
    master = new_key()
    keyfile = KeyFile(secrets.token_hex(16), [])
    keyfile.add_slot(master, passphrase, profile)
    return keyfile, master


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
