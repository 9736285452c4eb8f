"""The end-to-end tour behind ``make demo`` / ``docgen demo``, as a library function.

In a local folder (default ``demo-data``), starting fresh each time:

1. a new encrypted archive (passphrase from ``DOCGEN_PASSPHRASE``, else a random one written
   with mode 0600 to ``<dir>/demo-passphrase.txt`` — never printed, never on a command line);
2. the shipped samples rendered through the kind registry (contract, company NDA, personal NDA,
   监理通知单 — whichever kinds are installed) and archived;
3. the contract's project registered, with the default reporting duties, and one fault;
4. a synthetic September 2023 of reports for it: one 周报 late, one missing, the rest on time
   (the 月报 on the 3rd working day after 国庆, a 周报 on the 调休 Saturday);
5. the completeness check, a full-text search, the monthly handover package built, verified
   and confirmed, and the audit trail.

``run_demo`` reports each step as it finishes through ``on_step`` (the CLI prints them) and
returns them all. The folder is only ever removed when it holds the demo's marker file.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

from docgen.errors import DocgenError, UsageError

MARKER = ".docgen-demo"
PASSPHRASE_FILE = "demo-passphrase.txt"
FONDS = "BJ01"
PROJECT = "JFLH"
MONTH = "2023-09"
SUPERVISOR = "北京样本工程咨询有限公司"
RECEIVER = "赵演示"  # a synthetic person (tests/fakes.py naming): 甲方 档案管理员

# (kind, category, document type, sensitivity or None for the scheme's default, 文件日期 as in the
# sample, whether it belongs to the demo project). The contract, company NDA and notice samples
# are seed 002's project; the personal NDA sample is seed 003's (signed 2024-06-09).
RENDERED: tuple[tuple[str, str, str, str | None, date, bool], ...] = (
    ("contract", "12", "合同", None, date(2022, 12, 13), True),
    ("nda-company", "12", "保密协议", None, date(2022, 12, 13), True),
    ("nda-personal", "12", "个人保密协议", "非常敏感", date(2024, 6, 9), False),  # holds ID numbers: 身份鉴别信息
    ("notice", "14", "监理通知单", None, date(2023, 9, 28), True),
)

# The synthetic month: (key, category, type, period, received, 文号, words). W38 is never sent.
REPORTS: tuple[tuple[str, str, str, str | None, date, str | None, str], ...] = (
    ("服务周报（第36周）", "07", "周报", "2023-W36", date(2023, 9, 11), None, "巡检 5 次，系统运行正常。"),
    ("服务周报（第37周）", "07", "周报", "2023-W37", date(2023, 9, 19), None, "处理服务请求 12 件；周报晚交一天。"),
    ("服务周报（第39周）", "07", "周报", "2023-W39", date(2023, 10, 7), None, "国庆保障值班安排；中秋国庆期间系统平稳。"),
    ("服务月报（2023年9月）", "07", "月报", "2023-09", date(2023, 10, 9), None, "本月可用性 99.95%，国庆保障到位。"),
    ("故障报告（GZ-2023-017）", "06", "故障报告", None, date(2023, 10, 8), "GZ-2023-017", "9月27日数据库连接池耗尽，扩容后恢复。"),
)


@dataclass
class Step:
    """One step of the tour and what came of it."""

    title: str
    result: str
    ok: bool = True
    skipped: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class DemoResult:
    """Where the tour left things, and every step."""

    directory: Path
    home: Path
    passphrase_file: Path | None
    steps: list[Step] = field(default_factory=list)
    package: Path | None = None

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)

    def to_dict(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "home": str(self.home), "ok": self.ok,
                "passphrase_file": str(self.passphrase_file) if self.passphrase_file else None,
                "package": str(self.package) if self.package else None, "steps": [s.to_dict() for s in self.steps]}


# ───────────────────────────── the folder and the passphrase ─────────────────────────────


def prepare_directory(directory: Path) -> None:
    """Make ``directory`` empty and marked: remove a previous demo, refuse anything else."""
    if directory.exists():
        if not directory.is_dir():
            raise UsageError(f"{directory} 不是目录")
        if any(directory.iterdir()):
            if not (directory / MARKER).is_file():
                raise UsageError(f"{directory} 不是空目录，也不是以前的演示目录（没有 {MARKER} 标记）：不会删除它；请换一个 --dir")
            shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("docgen demo: this folder is removed and recreated by `docgen demo`\n", encoding="utf-8")


def demo_passphrase(directory: Path) -> tuple[str, Path | None]:
    """``DOCGEN_PASSPHRASE`` if set; else a random passphrase written 0600 to the folder."""
    if os.environ.get("DOCGEN_PASSPHRASE"):
        return os.environ["DOCGEN_PASSPHRASE"], None
    secret = secrets.token_urlsafe(24)
    path = directory / PASSPHRASE_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret, path


# ───────────────────────────── the tour ─────────────────────────────


class _Tour:
    """The tour's shared state; each method is one step."""

    def __init__(self, directory: Path, kdf: str, on_step: Callable[[Step], None] | None):
        self.result = DemoResult(directory, directory / "archive", None)
        self.kdf = kdf
        self.on_step = on_step
        self.arc: Any = None
        self.handover: Any = None
        self.refs: dict[str, str] = {}

    def step(self, title: str, result: str, *, ok: bool = True, skipped: bool = False) -> None:
        step = Step(title, result, ok, skipped)
        self.result.steps.append(step)
        if self.on_step:
            self.on_step(step)

    def open_archive(self) -> None:
        from archive import Archive

        directory = self.result.directory
        prepare_directory(directory)
        secret, path = demo_passphrase(directory)
        self.result.passphrase_file = path
        where = f"口令已写入 {path}（权限 0600，不在屏幕上显示）" if path else "口令取自环境变量 DOCGEN_PASSPHRASE"
        self.step("准备演示目录", f"{directory}（每次运行都从空目录开始）；{where}")
        self.arc = Archive.init(self.result.home, secret, fonds=FONDS, kdf=self.kdf, actor="演示")
        self.step("创建加密档案库", f"{self.result.home}：全宗号 {FONDS}；主密钥随机生成，由口令经 Argon2id 派生的密钥包裹；"
                                    "文件、题名、全文和索引都只以密文落盘")

    def render_and_archive(self) -> None:
        from archive import DocMeta
        from docgen.kinds.base import kind_names

        installed = set(kind_names())
        out_dir = self.result.directory / "documents"
        for kind_name, category, doc_type, sensitivity, day, ours in RENDERED:
            if kind_name not in installed:
                self.step(f"生成文书：{kind_name}", "此文书类型尚未安装，跳过", skipped=True)
                continue
            try:
                paths, label = self._render(kind_name, out_dir)
            except DocgenError as error:  # a broken sample must not hide the rest of the tour
                self.step(f"生成文书：{kind_name}", f"失败：{error.message}", ok=False)
                continue
            refs = []
            for path in paths:
                meta = DocMeta(category=category, doc_type=doc_type, title=f"{label}：{path.stem}",
                               project=PROJECT if ours else None, date=day, received=day, sensitivity=sensitivity)
                refs.append(self.arc.add(path, meta).ref)
            self.refs[kind_name] = refs[0]
            level = f"，定为{sensitivity}" if sensitivity else ""
            self.step(f"生成并归档：{label}", f"{', '.join(p.name for p in paths)} → 档号 {'、'.join(refs)}{level}")

    def _render(self, kind_name: str, out_dir: Path) -> tuple[list[Path], str]:
        from docgen.kinds.base import get_kind
        from docgen.render import render

        kind = get_kind(kind_name)
        sample = kind.sample_path
        result = render(kind, sample, out_dir / f"{kind_name}.docx")
        return result.out_paths, kind.label

    def register_project(self) -> None:
        from archive.handover import Handover
        from archive.projects import project_from_data
        from docgen.kinds.base import templates_dir

        self.handover = Handover(self.arc)
        contract = templates_dir() / "contract" / "sample-002.yaml"
        project = self.handover.projects.add(project_from_data(
            {"code": PROJECT, "contract": str(contract), "supervisor": SUPERVISOR, "contract_ref": self.refs.get("contract")},
            source=contract.name))
        duties = "、".join(f"{d.name}（{d.describe()}）" for d in project.duties)
        self.step("从合同登记项目", f"{PROJECT}：{project.name}；运维服务单位 {project.vendor}；服务期 "
                                    f"{project.service_start} 至 {project.service_end}；应交：{duties}")
        fault = self.handover.projects.add_fault(PROJECT, date(2023, 9, 27), "GZ-2023-017", "数据库连接池耗尽")
        self.step("登记故障", f"{fault.ref}，{fault.cleared} 解除 → 故障报告应在 3 个工作日内提交（跨国庆：10月8日）")

    def archive_reports(self) -> None:
        from archive import DocMeta

        for title, category, doc_type, period, received, doc_no, words in REPORTS:
            meta = DocMeta(category=category, doc_type=doc_type, title=title, project=PROJECT, period=period,
                           date=received, received=received, doc_no=doc_no,
                           responsible="北京示例信息技术有限公司")
            self.refs[title] = self.arc.add(report_docx(title, words), meta, filename=f"{title}.docx").ref
        self.step("归档 2023 年 9 月的报告", f"{len(REPORTS)} 份（第36、37、39 周周报，9 月月报，一份故障报告）；"
                                            "第38周周报没有交，第37周周报晚交一天")

    def check(self) -> None:
        report = self.handover.check(PROJECT, month=MONTH)
        s = report.summary()
        lines = [f"{i.expected.duty.name} {i.expected.short_label}：{i.note()}" for i in report.items]
        self.step("完整性与及时性检查", f"应交 {s['expected']} 项：按时 {s['present']}，迟交 {s['late']}，缺失 {s['missing']}；"
                                       f"扣 {s['total_deduction']} 分（每项 0.5 分）\n      " + "\n      ".join(lines))

    def search(self) -> None:
        try:
            from index.service import search
        except ImportError:
            self.step("全文检索", "检索服务尚未安装，跳过", skipped=True)
            return
        query = "国庆 保障"
        try:
            found = search(self.arc, {"query": query, "project": PROJECT})
        except Exception as error:  # the tour goes on without its index
            self.step("全文检索", f"索引不可用：{error}", skipped=True)
            return
        titles = "；".join(f"{r.ref} {r.title}" for r in found.results[:3])
        self.step(f"全文检索「{query}」", f"命中 {found.total} 件：{titles}", ok=found.total > 0)

    def package(self) -> None:
        built = self.handover.build(PROJECT, month=MONTH, out_dir=self.result.directory / "handover")
        package = built.package
        self.result.package = package.path
        withheld = f"；{len(package.withheld)} 件非常敏感文件留在档案库中未移交" if package.withheld else ""
        self.step("建立月度移交包", f"{package.path}：BagIt 1.0，{len(package.entries)} 件文件，含文件目录（XML、XLSX）、"
                                    f"移交清单、完整性报告、数字摘要登记表{withheld}")
        verified = self.handover.verify(package.path)
        from archive.handover_verify import STEP_LABELS

        verdict = "通过" if verified.ok else f"未通过：{len(verified.problems)} 个问题"
        steps = "、".join(STEP_LABELS[s] for s in verified.steps)
        self.step("核验移交包（接收方）", f"{verdict}：{steps}；全部 SHA-256 摘要与文件目录一致", ok=verified.ok)
        record = self.handover.confirm(package.package_id, by=RECEIVER)
        self.step("接收确认", f"{record.package_id} 由 {record.confirmed_by} 于 {record.confirmed_on} 接收")

    def audit(self) -> None:
        counts = Counter(e.action for e in self.arc.log())
        summary = "、".join(f"{action} {n}" for action, n in sorted(counts.items()))
        self.step("审计日志", f"共 {sum(counts.values())} 条（每条与上一条以密钥 MAC 链接）：{summary}")
        report = self.arc.verify()
        verdict = "通过" if report.ok else f"发现 {len(report.errors)} 个错误"
        self.step("档案库四性检测", f"{verdict}：真实性、完整性、安全性（docgen archive verify）", ok=report.ok)


def report_docx(title: str, words: str) -> bytes:
    """A small synthetic report (python-docx), so the archive holds real Word files."""
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph("项目：北京市积分落户管理信息系统运行维护服务")
    document.add_paragraph(words)
    document.add_paragraph("报告人：北京示例信息技术有限公司 驻场运维组")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def run_demo(directory: str | os.PathLike = "demo-data", *, kdf: str = "interactive",
             on_step: Callable[[Step], None] | None = None) -> DemoResult:
    """Run the whole tour in ``directory``; returns every step (see the module docstring)."""
    tour = _Tour(Path(directory), kdf, on_step)
    try:
        tour.open_archive()
        tour.render_and_archive()
        tour.register_project()
        tour.archive_reports()
        tour.check()
        tour.search()
        tour.package()
        tour.audit()
    finally:
        if tour.arc is not None:
            tour.arc.close()
    return tour.result
