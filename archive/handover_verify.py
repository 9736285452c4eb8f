"""The receiving side: check a package (a bag directory, a .zip, or a transport-encrypted .zip).

Checks in named steps, cheapest first; every problem is collected, none stops the others
once the package is open:

1. **封装** — what the path is; a transport-encrypted package is unwrapped with its passphrase.
2. **解压安全** — for a .zip, before a byte is written: no absolute paths, no ``..``, no
   backslashes or drive letters, no symlinks, no duplicates, no name that is both a file and a
   folder, everything under one folder,
   at most ``max_members`` entries and ``max_bytes`` uncompressed (declared sizes, a cap on the
   compression ratio, and the bytes actually inflated are all counted: a lying header cannot
   sneak a zip bomb past). Any failure here and nothing is extracted.
3. **结构** — no symlinks in the bag; bagit opens it; BagIt-Version 1.0; sha256 manifest and
   tag manifest present; bag-info has Source-Organization, External-Identifier, Bagging-Date,
   Payload-Oxum.
4. **摘要** — ``bagit`` validation: Payload-Oxum, completeness, every payload and tag digest.
5. **文件目录** — ``data/文件目录.xml`` against the payload: every listed file present with the
   listed SHA-256 and size, nothing in ``data/`` unlisted, the package id the bag's.

``verify_package`` never raises for a bad package; it returns the problems. It raises only
for usage errors (an encrypted package without a passphrase).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

from docgen.errors import Problem, UsageError

from .handover_catalog import CATALOG_XML, CatalogUnreadable, listed_files, read_catalog
from .handover_package import BAGIT_VERSION, HASH_ALGORITHM, file_sha256
from .handover_transport import TransportError, is_transport_file, unwrap

REQUIRED_BAG_INFO = ("Source-Organization", "External-Identifier", "Bagging-Date", "Payload-Oxum")
STEP_LABELS = {
    "format": "封装", "unzip": "解压安全", "structure": "结构", "digests": "摘要", "catalog": "文件目录",
    "record": "建包记录",
}


@dataclass(frozen=True)
class ZipLimits:
    """Caps applied before and while a .zip is extracted."""

    max_bytes: int = 20 * 1024**3  # 20 GiB uncompressed in all
    max_members: int = 200_000
    max_ratio: int = 200  # uncompressed / compressed, for members above ``ratio_floor`` bytes
    ratio_floor: int = 1024 * 1024


@dataclass
class VerifyResult:
    """What ``verify_package`` found."""

    package: str
    format: str = "unknown"  # bag / zip / encrypted / unknown
    package_id: str | None = None
    documents: int = 0
    payload_files: int = 0
    bag_digest: str | None = None  # SHA-256 of the tag manifest
    problems: list[Problem] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)  # the steps that ran

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, step: str, path: str, message: str, value: str | None = None) -> None:
        self.problems.append(Problem(path, STEP_LABELS[step], message, value))

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package, "format": self.format, "package_id": self.package_id, "ok": self.ok,
            "documents": self.documents, "payload_files": self.payload_files, "bag_digest": self.bag_digest,
            "steps": self.steps, "problems": [p.to_dict() for p in self.problems],
        }


# ───────────────────────────── 2. safe unzip ─────────────────────────────

_DRIVE = re.compile(r"^[A-Za-z]:")


def member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member may not be extracted, or None."""
    name = info.filename
    if not name or "\x00" in name:
        return "空文件名或含 NUL"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "绝对路径"
    if "\\" in name:
        return "含反斜杠的路径"
    if ".." in PurePosixPath(name).parts:
        return "含 .. 的路径（会写到解压目录之外）"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "符号链接"
    if mode and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)) and stat.S_IFMT(mode):
        return "不是普通文件或目录"
    return None


def zip_problems(archive: zipfile.ZipFile, limits: ZipLimits) -> list[tuple[str, str]]:
    """(member, problem) for everything that forbids extraction, from the central directory alone."""
    found: list[tuple[str, str]] = []
    members = archive.infolist()
    if len(members) > limits.max_members:
        return [("(zip)", f"条目过多：{len(members)} 个，上限 {limits.max_members}")]
    seen: set[str] = set()
    files: dict[str, str] = {}  # normalised path of each file member → its name in the zip
    tops: set[str] = set()
    total = 0
    for info in members:
        problem = member_problem(info)
        if problem:
            found.append((info.filename, problem))
            continue
        normal = PurePosixPath(info.filename).as_posix().rstrip("/")
        if normal in seen:
            found.append((info.filename, "重复的条目"))
        seen.add(normal)
        if not info.is_dir():
            files[normal] = info.filename
        tops.add(PurePosixPath(normal).parts[0])
        total += info.file_size
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            found.append((info.filename, f"压缩比异常（{info.file_size} / {info.compress_size}），疑似压缩炸弹"))
    folders = {parent.as_posix() for name in seen for parent in PurePosixPath(name).parents}
    found.extend((files[name], "文件与目录同名（其下还有其他条目）") for name in sorted(folders & files.keys()))
    if total > limits.max_bytes:
        found.append(("(zip)", f"解压后共 {total} 字节，超过上限 {limits.max_bytes}，疑似压缩炸弹"))
    if len(tops) > 1:
        found.append(("(zip)", "条目不在同一个顶层目录下"))
    return found


class _TooBig(Exception):
    pass


def safe_extract(archive: zipfile.ZipFile, dest: Path, limits: ZipLimits) -> None:
    """Extract members already checked by :func:`zip_problems`, counting the bytes really inflated."""
    written = 0
    for info in archive.infolist():
        target = dest / PurePosixPath(info.filename)
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as src, open(target, "xb") as out:
            for block in iter(lambda: src.read(1 << 20), b""):
                written += len(block)
                if written > limits.max_bytes:
                    raise _TooBig()
                out.write(block)


# ───────────────────────────── 3–5. the bag ─────────────────────────────


@contextlib.contextmanager
def _quiet_bagit() -> Iterator[None]:
    """bagit logs every mismatch as a warning; we report them ourselves."""
    logger = logging.getLogger("bagit")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def _symlinks(root: Path) -> list[str]:
    links = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            if os.path.islink(os.path.join(dirpath, name)):
                links.append(os.path.relpath(os.path.join(dirpath, name), root))
    return links


def check_structure(bag_dir: Path, result: VerifyResult) -> Any:
    """Step 3; returns the opened ``bagit.Bag`` or None when it cannot be opened."""
    import bagit

    result.steps.append("structure")
    links = _symlinks(bag_dir)
    for link in links:
        result.add("structure", link, "包内有符号链接")
    if links:
        return None
    try:
        bag = bagit.Bag(str(bag_dir))
    except bagit.BagError as error:
        result.add("structure", "bagit.txt", f"不是有效的 BagIt 包：{error}")
        return None
    if bag.tags.get("BagIt-Version") != BAGIT_VERSION:
        result.add("structure", "bagit.txt", f"BagIt-Version 应为 {BAGIT_VERSION}", bag.tags.get("BagIt-Version"))
    if not (bag_dir / f"manifest-{HASH_ALGORITHM}.txt").is_file():
        result.add("structure", f"manifest-{HASH_ALGORITHM}.txt", "缺少 SHA-256 清单")
    if not (bag_dir / f"tagmanifest-{HASH_ALGORITHM}.txt").is_file():
        result.add("structure", f"tagmanifest-{HASH_ALGORITHM}.txt", "缺少 SHA-256 标签清单")
    for name in REQUIRED_BAG_INFO:
        if not bag.info.get(name):
            result.add("structure", "bag-info.txt", f"缺少 {name}")
    result.package_id = bag.info.get("External-Identifier") or None
    return bag


def check_digests(bag: Any, result: VerifyResult) -> None:
    """Step 4: bagit's own validation (Payload-Oxum, completeness, every digest)."""
    import bagit

    result.steps.append("digests")
    try:
        with _quiet_bagit():
            bag.validate(processes=1)
    except bagit.BagValidationError as error:
        details = error.details or []
        for detail in details:
            result.add("digests", str(getattr(detail, "path", "")), _detail_message(detail))
        if not details:
            result.add("digests", "bag-info.txt", str(error.message))
    except bagit.BagError as error:
        result.add("digests", "(bag)", str(error))


def _detail_message(detail: Any) -> str:
    import bagit

    if isinstance(detail, bagit.ChecksumMismatch):
        return f"{detail.algorithm} 摘要不符（清单 {detail.expected}，实际 {detail.found}）"
    if isinstance(detail, bagit.FileMissing):
        return "清单中有此文件，包中没有"
    if isinstance(detail, bagit.UnexpectedFile):
        return "包中有此文件，清单中没有"
    return str(detail)


def _payload_files(bag_dir: Path) -> set[str]:
    data = bag_dir / "data"
    return {f"data/{p.relative_to(data).as_posix()}" for p in data.rglob("*") if p.is_file()} if data.is_dir() else set()


def check_catalog(bag_dir: Path, result: VerifyResult) -> None:
    """Step 5: the 文件目录 against the payload."""
    result.steps.append("catalog")
    xml_path = bag_dir / "data" / CATALOG_XML
    payload = _payload_files(bag_dir)
    result.payload_files = len(payload)
    if not xml_path.is_file():
        result.add("catalog", f"data/{CATALOG_XML}", "缺少文件目录")
        return
    try:
        catalog = read_catalog(xml_path.read_bytes())
    except CatalogUnreadable as error:
        result.add("catalog", f"data/{CATALOG_XML}", str(error))
        return
    result.documents = len(catalog.entries)
    if result.package_id and catalog.package_id != result.package_id:
        result.add("catalog", f"data/{CATALOG_XML}", "移交包编号与 bag-info 的 External-Identifier 不一致",
                   catalog.package_id)
    listed: set[str] = set()
    for path, sha, size in listed_files(catalog):
        _check_listed(bag_dir, path, sha, size, listed, result)
    for path in sorted(payload - listed - {f"data/{CATALOG_XML}"}):
        result.add("catalog", path, "文件目录中没有此文件")


def _check_listed(bag_dir: Path, path: str, sha: str, size: int, listed: set[str], result: VerifyResult) -> None:
    parts = PurePosixPath(path).parts
    if not path.startswith("data/") or ".." in parts or path.startswith("/"):
        result.add("catalog", path, "文件目录中的路径不在 data/ 之内")
        return
    if path in listed:
        result.add("catalog", path, "文件目录重复列出此文件")
        return
    listed.add(path)
    target = bag_dir / PurePosixPath(path)
    if not target.is_file() or target.is_symlink():
        result.add("catalog", path, "文件目录列出的文件不在包中")
        return
    actual_sha, actual_size = file_sha256(target)
    if actual_size != size or actual_sha != sha.lower():
        result.add("catalog", path, f"与文件目录登记的摘要不符（登记 {sha}，实际 {actual_sha}）")


def verify_bag(bag_dir: Path, result: VerifyResult) -> VerifyResult:
    """Steps 3–5 over an unpacked bag directory."""
    bag = check_structure(bag_dir, result)
    if bag is None:
        return result
    check_digests(bag, result)
    check_catalog(bag_dir, result)
    tag_manifest = bag_dir / f"tagmanifest-{HASH_ALGORITHM}.txt"
    if tag_manifest.is_file():
        result.bag_digest = file_sha256(tag_manifest)[0]
    return result


# ───────────────────────────── the whole check ─────────────────────────────


def _bag_in(folder: Path) -> Path | None:
    entries = [p for p in folder.iterdir()]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else None


def verify_zip(zip_path: Path, result: VerifyResult, limits: ZipLimits, workdir: Path) -> VerifyResult:
    """Steps 2–5 for a .zip: check every entry, extract into ``workdir``, verify the bag."""
    result.steps.append("unzip")
    try:
        with zipfile.ZipFile(zip_path) as archive:
            problems = zip_problems(archive, limits)
            for member, message in problems:
                result.add("unzip", member, message)
            if problems:
                return result
            safe_extract(archive, workdir, limits)
    except zipfile.BadZipFile as error:
        result.add("unzip", zip_path.name, f"不是有效的 zip 文件：{error}")
        return result
    except _TooBig:
        result.add("unzip", zip_path.name, f"解压出的数据超过上限 {limits.max_bytes} 字节，疑似压缩炸弹；已停止")
        return result
    except OSError as error:  # a name this file system cannot hold, and the like: a finding, not a crash
        result.add("unzip", zip_path.name, f"无法解压（{type(error).__name__}: {error.strerror}）")
        return result
    bag_dir = _bag_in(workdir)
    if bag_dir is None:
        result.add("unzip", zip_path.name, "zip 中应只有一个移交包目录")
        return result
    return verify_bag(bag_dir, result)


def verify_package(package: str | os.PathLike, *, transport_passphrase: str | None = None,
                   limits: ZipLimits = ZipLimits(), scratch: Path | None = None) -> VerifyResult:
    """Verify a package; the returned result lists every problem found (empty when all is well)."""
    path = Path(package)
    result = VerifyResult(str(path))
    result.steps.append("format")
    if path.is_symlink():
        result.add("format", str(path), "移交包本身是符号链接")
        return result
    if path.is_dir():
        result.format = "bag"
        return verify_bag(path, result)
    if not path.is_file():
        result.add("format", str(path), "不存在")
        return result
    work = Path(tempfile.mkdtemp(prefix=".docgen-verify-", dir=scratch))
    try:
        if is_transport_file(path):
            result.format = "encrypted"
            if not transport_passphrase:
                raise UsageError("这是传输加密的移交包：需要传输口令（--transport-passphrase-file 或 DOCGEN_TRANSPORT_PASSPHRASE）")
            plain = work / "package.zip"
            try:
                unwrap(path, plain, transport_passphrase)
            except TransportError as error:
                result.add("format", path.name, error.message)
                return result
            (work / "bag").mkdir()
            return verify_zip(plain, result, limits, work / "bag")
        if zipfile.is_zipfile(path):
            result.format = "zip"
            (work / "bag").mkdir()
            return verify_zip(path, result, limits, work / "bag")
        result.add("format", path.name, "不是移交包（不是目录、zip 或传输加密包）")
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)
