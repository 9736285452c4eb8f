"""Content-addressed storage of sealed blobs: ``blobs/<2 hex>/<64 hex>``.

A blob's name is a keyed digest (HMAC-SHA256 under a subkey of the master key) of the
document's plaintext, so identical bytes are recognised without a plain SHA-256 of the
content on disk. Bytes are written to ``tmp/`` first, fsynced, and moved into place only
while the catalog transaction that records them is open (see ``archive.ingest``). Each
pending file is held under an exclusive ``flock``; a temp file whose lock can be taken
belongs to a process that died and is safe to delete.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from docgen.fsutil import fsync_dir

from .home import FILE_MODE, make_private_dir

NAME_PATTERN = re.compile(r"^[0-9a-f]{64}$")
TEMP_SUFFIX = ".pending"


@dataclass
class PendingBlob:
    """A sealed blob being written to ``tmp/``; owns an open, locked file."""

    path: Path
    handle: BinaryIO
    committed: bool = field(default=False)


class BlobStore:
    """Sealed blobs on disk; knows nothing of keys or documents."""

    def __init__(self, root: Path, tmp: Path):
        self.root = root
        self.tmp = tmp

    def path(self, name: str) -> Path:
        if not NAME_PATTERN.match(name):
            raise ValueError("bad blob name")
        return self.root / name[:2] / name

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def new_pending(self) -> PendingBlob:
        """A fresh locked temp file in ``tmp/`` (mode 0600).

        Until it is locked another process may take it for stale and delete it (under the lock,
        see :meth:`remove_stale_pending`); then its name no longer leads to it and we start over.
        """
        while True:
            fd, name = tempfile.mkstemp(prefix="blob-", suffix=TEMP_SUFFIX, dir=self.tmp)
            os.fchmod(fd, FILE_MODE)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                if os.path.samestat(os.fstat(fd), os.stat(name)):
                    return PendingBlob(Path(name), os.fdopen(fd, "w+b"))
            except FileNotFoundError:
                pass
            os.close(fd)

    def finish_writing(self, pending: PendingBlob) -> None:
        """Flush and fsync the pending bytes; the file stays locked until commit or discard."""
        pending.handle.flush()
        os.fsync(pending.handle.fileno())

    def commit(self, pending: PendingBlob, name: str) -> Path:
        """Move a finished pending blob to its final name (call inside the catalog transaction)."""
        target = self.path(name)
        make_private_dir(target.parent)
        os.replace(pending.path, target)
        fsync_dir(target.parent)  # the new name is durable; a temp name resurrected by a crash is just stale
        pending.committed = True
        return target

    def discard(self, pending: PendingBlob) -> None:
        """Close a pending blob; delete it unless it was committed."""
        with contextlib.suppress(OSError):
            pending.handle.close()  # releases the lock
        if not pending.committed:
            with contextlib.suppress(FileNotFoundError):
                pending.path.unlink()

    def open(self, name: str) -> BinaryIO:
        return open(self.path(name), "rb")

    def remove(self, name: str) -> bool:
        """Delete a blob; True if it existed."""
        try:
            self.path(name).unlink()
        except FileNotFoundError:
            return False
        fsync_dir(self.path(name).parent)
        return True

    def names(self) -> Iterator[str]:
        """Every well-formed blob name on disk."""
        if not self.root.is_dir():
            return
        for shard in sorted(self.root.iterdir()):
            if shard.is_dir() and re.fullmatch(r"[0-9a-f]{2}", shard.name):
                for item in sorted(shard.iterdir()):
                    if NAME_PATTERN.match(item.name) and item.name[:2] == shard.name and item.is_file():
                        yield item.name

    def stray_paths(self) -> Iterator[Path]:
        """Anything under ``blobs/`` that is not a well-formed blob in its shard."""
        if not self.root.is_dir():
            return
        for item in sorted(self.root.rglob("*")):
            relative = item.relative_to(self.root).parts
            if len(relative) == 1 and item.is_dir() and re.fullmatch(r"[0-9a-f]{2}", item.name):
                continue
            if len(relative) == 2 and NAME_PATTERN.match(item.name) and item.name[:2] == relative[0] and item.is_file():
                continue
            yield item

    def stale_pending(self) -> Iterator[Path]:
        """Temp files in ``tmp/`` left by a process that died (their lock is free)."""
        for item in self._temp_files():
            if _when_unlocked(item, lambda: True):
                yield item

    def remove_stale_pending(self) -> int:
        """Delete stale temp files, each while holding its lock; returns how many."""
        return sum(1 for item in self._temp_files() if _when_unlocked(item, item.unlink))

    def _temp_files(self) -> list[Path]:
        if not self.tmp.is_dir():
            return []
        return [item for item in sorted(self.tmp.iterdir()) if item.is_file()]


def _when_unlocked(path: Path, action: Callable[[], object]) -> bool:
    """Run ``action`` holding the lock of ``path`` if nobody else holds it; True if it ran."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        action()
        return True
    except (BlockingIOError, FileNotFoundError):
        return False
    finally:
        os.close(fd)
