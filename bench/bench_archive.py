"""Archive speed and memory: add rate for small documents and one large file, beside raw AES-GCM.

* Raw AES-256-GCM over 1 MiB chunks in memory — the ceiling every other figure is read against.
* Adding 1,000 and 10,000 small documents (2–6 KB of Chinese text, one file each, one
  transaction each, fsynced) with ``Archive.add_many``: documents/s and MB/s, beside sealing the
  same documents in memory (no disk, no catalog). The search-index stage is switched off for
  these two so the archive's own cost is measured; a third run of 1,000 includes it (what
  ``docgen archive add FOLDER`` does).
* ``verify`` over the 10,000 (decrypts and checks every blob).
* One 200 MB file added and exported in a separate process: MB/s each way beside raw AES-GCM,
  and that process's peak RSS (target: well under 200 MB; we aim for ≤ 100 MB).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Measurement

MIB = 1 << 20
BIG_MB = 200
VOCAB = ("运维服务", "巡检记录", "机房温度正常", "网络设备", "故障处理", "监理意见", "整改要求", "数据备份",
         "安全加固", "系统可用性", "服务周报", "值班记录", "变更申请", "应急预案")  # fmt: skip


def _raw_aes_mb_s(total_mb: int = 256) -> float:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead, chunk = AESGCM(os.urandom(32)), os.urandom(MIB)
    started = time.perf_counter()
    for n in range(total_mb):
        aead.encrypt(n.to_bytes(12, "big"), chunk, b"aad")
    return total_mb / (time.perf_counter() - started)


def _documents(count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    docs = []
    for n in range(count):
        words = " ".join(rng.choice(VOCAB) for _ in range(rng.randint(150, 450)))
        docs.append(f"第 {n} 号记录 {seed}\n{words}\n".encode())
    return docs


def _seal_in_memory_docs_s(docs: list[bytes]) -> float:
    import io

    from archive.crypto import new_key, seal_stream

    started = time.perf_counter()
    for data in docs:
        seal_stream(new_key(), io.BytesIO(data), io.BytesIO(), b"doc|1")
    return len(docs) / (time.perf_counter() - started)


def _add_small(work: Path, count: int, *, with_index: bool, seed: int):
    from archive import AddItem, Archive

    folder = work / f"in-{count}-{seed}"
    folder.mkdir()
    docs = _documents(count, seed)
    for n, data in enumerate(docs):
        (folder / f"{n:05d}.txt").write_bytes(data)
    arc = Archive.init(work / f"home-{count}-{seed}", "bench passphrase", fonds="BJ01", kdf="test")
    if not with_index:
        arc._engine_error = "switched off for this measurement"
    items = [AddItem(path, {"category": "04", "date": "2024-01-02"}) for path in sorted(folder.iterdir())]
    started = time.perf_counter()
    results = arc.add_many(items)
    elapsed = time.perf_counter() - started
    assert sum(not r.duplicate for r in results) == count
    megabytes = sum(len(d) for d in docs) / MIB
    return arc, docs, count / elapsed, megabytes / elapsed


_BIG_SCRIPT = r"""
import json, sys, time
from pathlib import Path
from archive import Archive

def peak_mb():
    # VmHWM belongs to this process image; ru_maxrss would inherit the parent's peak across fork+exec
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    return int(line.split()[1]) // 1024

home, source, out = map(Path, sys.argv[1:4])
idle = peak_mb()
with Archive.init(home, "bench passphrase", fonds="BJ01", kdf="test") as arc:
    started = time.perf_counter()
    ref = arc.add(source, {"category": "11", "date": "2024-01-02"}).ref
    added = time.perf_counter() - started
    started = time.perf_counter()
    arc.export(ref, out)
    exported = time.perf_counter() - started
print(json.dumps({"add_s": added, "export_s": exported, "idle_mb": idle,
                  "peak_mb": peak_mb()}))
"""


def _big_file(work: Path) -> dict:
    source = work / "big.dat"
    block = os.urandom(MIB)
    with open(source, "wb") as handle:
        for n in range(BIG_MB):
            handle.write(n.to_bytes(8, "big") + block[8:])
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", _BIG_SCRIPT, str(work / "home-big"), str(source), str(work / "big.out")],
        capture_output=True, text=True, cwd=root, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout)
    assert (work / "big.out").stat().st_size == source.stat().st_size
    return result


def run(large: bool) -> list[Measurement]:
    results: list[Measurement] = []
    aes = _raw_aes_mb_s()
    results.append(Measurement("archive", "raw AES-256-GCM, 1 MiB chunks", aes, "MB/s", note="in memory, one core"))
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        work = Path(tmp)
        for count in (1000, 10000):
            arc, docs, docs_s, mb_s = _add_small(work, count, with_index=False, seed=count)
            sealed = _seal_in_memory_docs_s(docs[:1000])
            results.append(Measurement(
                "archive", f"add {count:,} small docs (no index)", docs_s, "docs/s", baseline=sealed,
                baseline_name="seal in memory", note=f"{mb_s:.2f} MB/s; fsync per document",
            ))  # fmt: skip
            if count == 10000:
                started = time.perf_counter()
                report = arc.verify()
                elapsed = time.perf_counter() - started
                assert report.ok
                results.append(Measurement("archive", "verify 10,000 docs", elapsed, "s", note=f"{count / elapsed:,.0f} docs/s"))
            arc.close()
        arc, _, docs_s, mb_s = _add_small(work, 1000, with_index=True, seed=7)
        indexed = "with search index" if arc._engine is not None else f"index unavailable: {arc._engine_error}"
        arc.close()
        results.append(Measurement("archive", "add 1,000 small docs (+ index)", docs_s, "docs/s", note=f"{mb_s:.2f} MB/s; {indexed}"))
        big = _big_file(work)
        results.append(Measurement(
            "archive", f"add one {BIG_MB} MB file", BIG_MB / big["add_s"], "MB/s", baseline=aes,
            baseline_name="raw AES-GCM", note="two passes: keyed digest (dedupe), then seal",
        ))  # fmt: skip
        results.append(Measurement("archive", f"export one {BIG_MB} MB file", BIG_MB / big["export_s"], "MB/s", baseline=aes, baseline_name="raw AES-GCM"))
        results.append(Measurement(
            "archive", f"peak RSS, add + export {BIG_MB} MB", big["peak_mb"], "MB", target="≤ 100 MB",
            ok=big["peak_mb"] <= 100, note=f"same process before work: {big['idle_mb']} MB",
        ))  # fmt: skip
    return results
