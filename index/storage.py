"""A Whoosh ``Storage`` that keeps every index file sealed on disk.

Whoosh writes each segment file once and never edits it, so a file is sealed as a whole
(AES-256-GCM through :class:`archive.crypto.Sealer`) when Whoosh closes it, and unsealed
into memory when Whoosh opens it. The associated data binds each file to its name and to
this index's random id, so files cannot be renamed, swapped between indexes or edited:
any of that fails with :class:`archive.errors.Unauthenticated`.

What is on disk:

* ``index.id`` — the index id, sealed (so even it reads as noise);
* Whoosh's files (``_MAIN_<gen>.toc``, ``MAIN_<segment>.*``) — sealed;
* ``.MAIN_WRITELOCK.lock`` — an empty file, held with ``fcntl`` by the one writer at a time.

Whoosh's scratch files (sort runs, column buffers) never touch the disk: they live in a
:class:`MemoryStorage` for the writer's lifetime.
"""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path

from whoosh.filedb.filestore import Storage
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.util.filelock import FileLock

from archive.crypto import SEAL_OVERHEAD, Sealer
from docgen.fsutil import atomic_write_bytes, fsync_dir

ID_FILE = "index.id"
_ID_AAD = b"docgen/index-id/v1"
_FILE_AAD = b"docgen/index-file/v1\0"


class _SealOnClose(io.BytesIO):
    """An in-memory file whose contents are sealed and written atomically when it is closed."""

    def __init__(self, on_close):
        super().__init__()
        self._on_close = on_close

    def close(self) -> None:
        if not self.closed:
            view = self.getbuffer()  # sealed in place: a large table is not copied first
            try:
                self._on_close(view)
            finally:
                view.release()
        super().close()


class EncryptedStorage(Storage):
    """Index files in ``directory``, each sealed with ``sealer`` and bound to its name and index id."""

    supports_mmap = False

    def __init__(self, directory: Path, sealer: Sealer, readonly: bool = False):
        self.folder = str(directory)
        self._dir = Path(directory)
        self._sealer = sealer
        self.readonly = readonly
        self._index_id: bytes | None = None
        # Decrypted write-once files, keyed by name and on-disk identity, so a reader reopened
        # after a commit does not decrypt unchanged segments again.
        self._plain: dict[str, tuple[tuple[int, int, int], bytes]] = {}

    def __repr__(self) -> str:
        return f"EncryptedStorage({self.folder!r})"

    # Identity -----------------------------------------------------------------------------

    def create(self) -> "EncryptedStorage":
        """Create the directory and, for a new index, its random id."""
        self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not (self._dir / ID_FILE).exists():
            self.new_identity()
        return self

    def new_identity(self) -> None:
        """Give this directory a fresh index id: files sealed under the old id stop opening."""
        index_id = secrets.token_bytes(16)
        atomic_write_bytes(self._dir / ID_FILE, self._sealer.seal(index_id, _ID_AAD))
        self._index_id = index_id

    @property
    def index_id(self) -> bytes:
        if self._index_id is None:
            self._index_id = self._sealer.unseal((self._dir / ID_FILE).read_bytes(), _ID_AAD)
        return self._index_id

    def _aad(self, name: str) -> bytes:
        return _FILE_AAD + self.index_id + b"\0" + name.encode("utf-8")

    # Files --------------------------------------------------------------------------------

    def _path(self, name: str) -> Path:
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            raise ValueError(f"bad index file name {name!r}")
        return self._dir / name

    def create_file(self, name: str, **kwargs) -> StructFile:
        if self.readonly:
            raise PermissionError("read-only index storage")
        path = self._path(name)
        aad = self._aad(name)

        def write_sealed(data: bytes) -> None:
            atomic_write_bytes(path, self._sealer.seal(data, aad))

        return StructFile(_SealOnClose(write_sealed), name=name)

    def open_file(self, name: str, **kwargs) -> BufferFile:
        return _ViewBufferFile(memoryview(self.read_plain(name)), name=name)

    def read_plain(self, name: str) -> bytes:
        """The decrypted contents of ``name`` (raises ``Unauthenticated`` if it was tampered with)."""
        path = self._path(name)
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            identity = (info.st_ino, info.st_size, info.st_mtime_ns)
            cached = self._plain.get(name)
            if cached is not None and cached[0] == identity:
                return cached[1]
            sealed = handle.read()
        # a memoryview, so the cipher reads the file's bytes in place (no copy of a large table)
        plain = self._sealer.unseal(memoryview(sealed), self._aad(name))
        self._plain[name] = (identity, plain)
        return plain

    def list(self) -> list[str]:
        try:
            names = os.listdir(self._dir)
        except FileNotFoundError:
            return []
        names = [n for n in names if not n.startswith(".") and n != ID_FILE]
        for gone in set(self._plain) - set(names):  # forget files that no longer exist
            del self._plain[gone]
        return names

    def file_exists(self, name: str) -> bool:
        return self._path(name).exists()

    def file_modified(self, name: str) -> float:
        return self._path(name).stat().st_mtime

    def file_length(self, name: str) -> int:
        """The plaintext length (GCM adds a fixed overhead and no padding)."""
        return self._path(name).stat().st_size - SEAL_OVERHEAD

    def delete_file(self, name: str) -> None:
        if self.readonly:
            raise PermissionError("read-only index storage")
        self._path(name).unlink()
        self._plain.pop(name, None)

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        """Re-seal under the new name (the name is part of the associated data), then drop the old."""
        if self.readonly:
            raise PermissionError("read-only index storage")
        target = self._path(newname)
        if safe and target.exists():
            raise NameError(f"file {newname!r} exists")
        plain = self._sealer.unseal(self._path(oldname).read_bytes(), self._aad(oldname))
        atomic_write_bytes(target, self._sealer.seal(plain, self._aad(newname)))
        self._path(oldname).unlink()
        self._plain.pop(oldname, None)
        fsync_dir(self._dir)

    def clean(self) -> None:
        for name in self.list():
            self.delete_file(name)

    def destroy(self) -> None:
        self.clean()

    # Locks and scratch space --------------------------------------------------------------

    def lock(self, name: str) -> FileLock:
        return lock_file(self._dir, name)

    def temp_storage(self, name: str | None = None) -> "MemoryStorage":
        return MemoryStorage()


def lock_file(directory: Path, name: str) -> FileLock:
    """An ``fcntl`` lock on an empty file (owner-only) in ``directory``, valid across processes."""
    path = Path(directory) / f".{name}.lock"
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    return FileLock(str(path))


class _ViewStream:
    """The stream half of a file over a memoryview: read / seek / tell without copying the buffer."""

    def __init__(self, buf: memoryview):
        self._buf = buf
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._pos + size)
        data = bytes(self._buf[self._pos : end])
        self._pos = end
        return data

    def readline(self, size: int = -1) -> bytes:
        limit = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._pos + size)
        start = self._pos
        while start < limit:  # look for the newline a window at a time, never copying the rest
            window = bytes(self._buf[start : min(limit, start + 4096)])
            found = window.find(b"\n")
            if found >= 0:
                return self.read(start + found + 1 - self._pos)
            start += len(window)
        return self.read(limit - self._pos)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: len(self._buf)}[whence]
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


class _ViewBufferFile(BufferFile):
    """Whoosh's in-memory file without its up-front ``BytesIO`` copy of the whole buffer."""

    def __init__(self, buf, name=None, onclose=None):
        self._buf = buf
        self._name = name
        self.file = _ViewStream(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False


class _KeptBytes(io.BytesIO):
    """A scratch file that hands its bytes to its storage when closed (Whoosh closes raw files)."""

    def __init__(self, keep):
        super().__init__()
        self._keep = keep

    def close(self) -> None:
        if not self.closed:
            self._keep(self.getvalue())
        super().close()


class MemoryStorage(Storage):
    """Scratch files for one writer, in memory only, so no plaintext postings reach the disk."""

    supports_mmap = False

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.folder = ""

    def create_file(self, name: str, **kwargs) -> StructFile:
        def keep(data: bytes) -> None:
            self.files[name] = data

        return StructFile(_KeptBytes(keep), name=name)

    def open_file(self, name: str, **kwargs) -> StructFile:
        return StructFile(io.BytesIO(self.files[name]), name=name)

    def list(self) -> list[str]:
        return list(self.files)

    def file_exists(self, name: str) -> bool:
        return name in self.files

    def file_length(self, name: str) -> int:
        return len(self.files[name])

    def file_modified(self, name: str) -> float:
        return -1

    def delete_file(self, name: str) -> None:
        self.files.pop(name, None)

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        self.files[newname] = self.files.pop(oldname)

    def destroy(self) -> None:
        self.files.clear()

    def temp_storage(self, name: str | None = None) -> "MemoryStorage":
        return MemoryStorage()
