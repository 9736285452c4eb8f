"""The data home's layout on disk and its permissions (0700 directories, 0600 files).

::

    <home>/
      keys.json            key slots: the master key wrapped under passphrase-derived keys
      catalog.sqlite       catalog, wrapped data keys, holds and the audit log (WAL mode)
      catalog.sqlite-wal   } SQLite's own companions, created with the database's mode
      catalog.sqlite-shm   }
      blobs/ab/<64 hex>    sealed document blobs, named by a keyed digest of their content
      tmp/                 blobs being written (sealed too); stale ones are removed on open
      index/               the search index, owned by the index engine
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


@dataclass(frozen=True)
class Home:
    """Paths inside one data home."""

    root: Path

    @property
    def keys(self) -> Path:
        return self.root / "keys.json"

    @property
    def catalog(self) -> Path:
        return self.root / "catalog.sqlite"

    @property
    def blobs(self) -> Path:
        return self.root / "blobs"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def index(self) -> Path:
        return self.root / "index"

    def known_top_level(self) -> set[str]:
        """Names allowed directly under the home; anything else is reported by verify."""
        base = self.catalog.name
        return {
            self.keys.name,
            base,
            f"{base}-wal",
            f"{base}-shm",
            f"{base}-journal",
            self.blobs.name,
            self.tmp.name,
            self.index.name,
        }

    def is_empty_or_missing(self) -> bool:
        return not self.root.exists() or (self.root.is_dir() and not any(self.root.iterdir()))

    def create(self) -> None:
        """Make the home and its fixed directories, private to the owner."""
        for directory in (self.root, self.blobs, self.tmp):
            make_private_dir(directory)


def make_private_dir(directory: Path) -> None:
    """``mkdir -p`` with mode 0700 on what it creates (and on ``directory`` itself)."""
    directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(directory, DIR_MODE)


def create_private_file(path: Path) -> None:
    """Create an empty file with mode 0600 if it does not exist (SQLite then inherits the mode)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)


def loose_mode(path: Path) -> str | None:
    """The octal mode of ``path`` if it is wider than private (0700 dirs, 0600 files), else None."""
    mode = path.lstat().st_mode
    wanted = DIR_MODE if stat.S_ISDIR(mode) else FILE_MODE
    return oct(stat.S_IMODE(mode)) if stat.S_IMODE(mode) & ~wanted else None
