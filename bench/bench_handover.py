"""Handover speed: a quarterly package of 1,000 documents (10,000 with ``--large``), target ≤ 20 s.

Set-up (not timed): an archive on the cheap test KDF with its search index switched off, one
project, and a quarter (2024Q1) of documents — every 周报 / 月报 / 季报 the project owes plus
other records (会议纪要, 巡检记录, 现场服务单) up to the count; a fifth are real .docx files
(python-docx, ~36 KB), the rest 2–6 KB text files.

Timed, one after the other:

* ``Handover.build``: the completeness check, every document decrypted out of the archive
  (one audited ``export`` each), 文件目录 XML/XLSX, 移交清单, digest register, the bag;
* ``verify_package`` on the result (bagit validation plus the catalogue against the payload);
* the baseline, in the same run: ``bagit.make_bag`` (sha256) over a plain copy of the same files.
"""

from __future__ import annotations

import io
import random
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench import Measurement

TARGET_S = 20.0
VOCAB = ("运维服务", "巡检记录", "机房温度正常", "网络设备", "故障处理", "监理意见", "整改要求", "数据备份",
         "安全加固", "系统可用性", "服务周报", "值班记录", "变更申请", "应急预案")  # fmt: skip
OTHERS = (("08", "会议纪要"), ("04", "巡检报告"), ("05", "现场服务单"))


def _docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _owed(rng: random.Random) -> list[tuple[dict, str]]:
    """(metadata, text) for every periodic report of 2024Q1, received on or near its due date."""
    from archive.handover_duties import DEFAULT_DUTIES, package_period
    from archive.handover_duties import expected_items

    items = []
    for item in expected_items(DEFAULT_DUTIES, package_period(quarter="2024Q1")):
        received = item.due + timedelta(days=rng.choice((0, 0, 0, 1)))
        meta = {"category": item.duty.category, "doc_type": item.duty.doc_type, "period": item.period.key,
                "date": received, "received": received, "title": f"{item.duty.name} {item.period.label}"}
        items.append((meta, f"{item.duty.name} {item.period.label}"))
    return items


def _corpus(count: int, folder: Path, seed: int = 7) -> list[tuple[Path, dict]]:
    """``count`` files for the quarter in ``folder``, with their metadata."""
    rng = random.Random(seed)
    specs = _owed(rng)
    start = date(2024, 1, 1)
    while len(specs) < count:
        category, doc_type = rng.choice(OTHERS)
        day = start + timedelta(days=rng.randrange(0, 91))
        specs.append(({"category": category, "doc_type": doc_type, "date": day, "received": day,
                       "title": f"{doc_type} {day}"}, doc_type))
    files = []
    for n, (meta, head) in enumerate(specs[:count]):
        words = " ".join(rng.choice(VOCAB) for _ in range(rng.randint(150, 450)))
        text = f"第 {n} 号 {head}\n{words}\n"
        path = folder / (f"{n:05d}.docx" if n % 5 == 0 else f"{n:05d}.txt")
        path.write_bytes(_docx(text) if path.suffix == ".docx" else text.encode("utf-8"))
        files.append((path, {**meta, "project": "BENCH"}))
    return files


def _archive(work: Path, files: list[tuple[Path, dict]]):
    from archive import AddItem, Archive
    from archive.handover import Handover
    from archive.projects import project_from_data

    arc = Archive.init(work / "home", "bench passphrase", fonds="BJ01", kdf="test", actor="bench")
    arc._engine_error = "switched off: the index is not part of a handover"
    arc.add_many([AddItem(path, meta) for path, meta in files])
    handover = Handover(arc)
    handover.projects.add(project_from_data({
        "code": "BENCH", "name": "基准测试运维项目", "vendor": "北京示例信息技术有限公司", "client": "北京市示例局",
        "service": {"start": "2024-01-01", "end": "2024-12-31"}}))
    return arc, handover


def _baseline_make_bag(files: list[tuple[Path, dict]], work: Path) -> float:
    import bagit

    folder = work / "plain-bag"
    folder.mkdir()
    for path, _ in files:
        shutil.copyfile(path, folder / path.name)
    started = time.perf_counter()
    bagit.make_bag(str(folder), {"Source-Organization": "bench"}, checksums=["sha256"])
    return time.perf_counter() - started


def run(large: bool = False) -> list[Measurement]:
    from archive.handover_verify import verify_package

    count = 10_000 if large else 1_000
    with tempfile.TemporaryDirectory(prefix="bench-handover-") as tmp:
        work = Path(tmp)
        (work / "in").mkdir()
        files = _corpus(count, work / "in")
        arc, handover = _archive(work, files)
        try:
            started = time.perf_counter()
            built = handover.build("BENCH", quarter="2024Q1", out_dir=work / "out", as_of=date(2024, 5, 1))
            build_s = time.perf_counter() - started
        finally:
            arc.close()
        assert len(built.package.entries) == count, (len(built.package.entries), count)
        started = time.perf_counter()
        verified = verify_package(built.package.path)
        verify_s = time.perf_counter() - started
        assert verified.ok, verified.problems[:3]
        baseline_s = _baseline_make_bag(files, work)
    megabytes = built.package.total_bytes / (1 << 20)
    return [
        Measurement("handover", f"quarterly package, {count:,} docs ({megabytes:.0f} MB): build", round(build_s, 2), "s",
                    baseline=round(baseline_s, 2), baseline_name="bagit.make_bag, same plain files",
                    target=f"≤ {TARGET_S:.0f} s", ok=build_s <= TARGET_S,
                    note="check + decrypt/export (audited) + 文件目录 + 移交清单 + bag"),
        Measurement("handover", f"quarterly package, {count:,} docs: verify", round(verify_s, 2), "s",
                    baseline=round(baseline_s, 2), baseline_name="bagit.make_bag, same plain files",
                    note="bagit validate + 文件目录 against payload"),
    ]


if __name__ == "__main__":
    for measurement in run():
        print(measurement.to_dict())
