"""The end-to-end tour behind ``make demo`` / ``docgen demo``, as a library function.

In a local folder (default ``demo-data``), starting fresh each time:

1. a new encrypted archive (passphrase from ``DOCGEN_PASSPHRASE``, else a random one written
   with mode 0600 to ``<dir>/demo-passphrase.txt`` — never printed, never on a command line);
2. one project's documents rendered from the shipped seed-002 data files and archived under the
   project (北京市积分落户管理信息系统运行维护服务, ``templates/contract/sample-002.yaml``): the
   contract, its company NDA, one personal NDA per resident engineer (through the batch API, as
   ``docgen batch nda-personal`` makes them; filed 非常敏感 because they hold ID numbers), the
   supervisor's 监理通知单 and the 验收报告 — every kind of ``docgen templates list``;
3. the contract's project registered, with the default reporting duties, and one fault (the
   incident the notice is about);
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
RECEIVER = "赵演示"  # a synthetic person (tests/fakes.py naming): 甲方 档案管理员
CONTRACT = "contract/sample-002.yaml"  # under templates/: the project every document of the tour is about


@dataclass(frozen=True)
class Paper:
    """A kind of document the tour renders for the project, and how it is filed (archive/scheme.yaml)."""

    kind: str
    data: str  # the data file, under templates/
    category: str
    doc_type: str
    sensitivity: str | None = None  # None: the category's default
    per_resident: bool = False  # made by the batch API: one per resident engineer of the contract


PAPERS: tuple[Paper, ...] = (
    Paper("contract", CONTRACT, "12", "合同"),
    Paper("nda-company", "nda-company/sample-002.yaml", "12", "保密协议"),
    # ID numbers are 身份鉴别信息 (seed 003 附件2: 非常敏感): no handover package carries them unasked.
    Paper("nda-personal", CONTRACT, "12", "个人保密协议", "非常敏感", per_resident=True),
    Paper("notice", "notice/sample-002.yaml", "14", "监理通知单"),
    Paper("acceptance", "acceptance/sample-002.yaml", "13", "验收报告"),
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
        self.refs: dict[str, list[str]] = {}
        self.contract: dict[str, Any] = {}
        self.supervisor: str | None = None

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
        """Render every paper of the project, then archive them all in one batch (one index commit)."""
        from archive import AddItem, DocMeta
        from docgen.kinds.base import kind_names, templates_dir
        from docgen.render import load_yaml

        installed = set(kind_names())
        self.contract = load_yaml(templates_dir() / CONTRACT)
        made: list[tuple[Paper, str, list[tuple[Path, dict[str, Any]]]]] = []
        for paper in PAPERS:
            if paper.kind not in installed:
                self.step(f"生成文书：{paper.kind}", "此文书类型尚未安装，跳过", skipped=True)
                continue
            try:
                made.append((paper, *self._render(paper)))
            except DocgenError as error:  # a broken sample must not hide the rest of the tour
                self.step(f"生成文书：{paper.kind}", f"失败：{error.message}", ok=False)
        items = [AddItem(path, DocMeta(category=paper.category, doc_type=paper.doc_type, project=PROJECT,
                                       received=about["date"], sensitivity=paper.sensitivity, **about))
                 for paper, _, files in made for path, about in files]
        results = iter(self.arc.add_many(items))
        for paper, label, files in made:
            refs = self.refs[paper.kind] = [next(results).ref for _ in files]
            category = self.arc.scheme.category(paper.category)
            lines = [f"归入 {paper.category} {category.name if category else ''} / {paper.doc_type}"]
            if paper.per_resident:
                lines.insert(0, f"合同人员名单中 {len(files)} 名驻场服务人员各一份（与 docgen batch nda-personal 合同数据文件 "
                                f"同一路径）；含身份证号码，定为{paper.sensitivity}，移交包不带（除非 --include-very-sensitive）")
            for (path, about), ref in zip(files, refs):
                doc_no = f"，{about['doc_no']}" if about.get("doc_no") else ""
                lines.append(f"{path.name} → {ref}（{about['date']}{doc_no}）")
            self.step(f"生成并归档：{label}", "\n      ".join(lines))

    def _render(self, paper: Paper) -> tuple[str, list[tuple[Path, dict[str, Any]]]]:
        """The paper's label and its files, each with what the archive is told about it."""
        from docgen.kinds.base import get_kind, templates_dir
        from docgen.render import batch, load_yaml, render

        kind = get_kind(paper.kind)
        source = templates_dir() / paper.data
        out_dir = self.result.directory / "documents"
        if paper.per_resident:  # in this process: two documents do not pay for starting workers
            made = batch(kind, source, out_dir / paper.kind, workers=1)
            about = describe(paper.kind, {}, self.contract, {})
            return kind.label, [(path, {**about, "title": f"{about['title']}（{item.name}）"})
                                for item in made.items for path in item.out_paths]
        data = load_yaml(source)
        if paper.kind == "notice":
            self.supervisor = data["issuer"]["unit"]
        result = render(kind, source, out_dir / f"{paper.kind}.docx")
        return kind.label, [(path, describe(paper.kind, data, self.contract, result.derived))
                            for path in result.out_paths]

    def register_project(self) -> None:
        from archive.handover import Handover
        from archive.projects import project_from_data
        from docgen.kinds.base import templates_dir

        self.handover = Handover(self.arc)
        contract = templates_dir() / CONTRACT
        contract_ref = (self.refs.get("contract") or [None])[0]
        project = self.handover.projects.add(project_from_data(
            {"code": PROJECT, "contract": str(contract), "supervisor": self.supervisor, "contract_ref": contract_ref},
            source=contract.name))
        duties = "、".join(f"{d.name}（{d.describe()}）" for d in project.duties)
        self.step("从合同登记项目", f"{PROJECT}：{project.name}；运维服务单位 {project.vendor}；服务期 "
                                    f"{project.service_start} 至 {project.service_end}；应交：{duties}")
        fault = self.handover.projects.add_fault(PROJECT, date(2023, 9, 27), "GZ-2023-017", "数据库连接池耗尽")
        self.step("登记故障", f"{fault.ref}，{fault.cleared} 解除 → 故障报告应在 3 个工作日内提交（跨国庆：10月8日）")

    def archive_reports(self) -> None:
        from archive import AddItem, DocMeta

        project = self.handover.projects.get(PROJECT)
        items = [AddItem(report_docx(title, words, project.name, project.vendor),
                         DocMeta(category=category, doc_type=doc_type, title=title, project=PROJECT, period=period,
                                 date=received, received=received, doc_no=doc_no, responsible=project.vendor),
                         f"{title}.docx")
                 for title, category, doc_type, period, received, doc_no, words in REPORTS]
        for (title, *_), added in zip(REPORTS, self.arc.add_many(items)):
            self.refs[title] = [added.ref]
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
        query = "连接池"  # the supervisor's notice and the vendor's fault report: one incident
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


def describe(kind: str, data: dict[str, Any], contract: dict[str, Any], derived: dict[str, Any]) -> dict[str, Any]:
    """Title, 文件日期, 文号, 责任者 and parties of a rendered document, read from its data file,
    its contract's and its derived values: what the archive is told is never typed a second time."""
    from docgen.kinds._linked import cited_title

    project = contract["project_name"]
    parties = (contract["party_a"]["name"], contract["party_b"]["name"])
    signed = date.fromisoformat(contract["signing"]["date"])  # the NDAs are dated with the contract
    if kind == "contract":
        return {"title": cited_title(contract["title"], project), "date": signed,
                "doc_no": contract.get("contract_no"), "parties": parties}
    if kind == "nda-company":
        return {"title": f"{project}{derived['agreement_title']}", "date": signed, "parties": parties}
    if kind == "nda-personal":
        return {"title": f"{project}个人保密协议", "date": signed, "parties": parties[:1]}  # + the person's name
    if kind == "notice":
        return {"title": data["subject"], "date": date.fromisoformat(data["issue_date"]),
                "doc_no": derived["number_text"], "responsible": data["issuer"]["unit"]}
    if kind == "acceptance":
        return {"title": f"{project}验收报告", "date": date.fromisoformat(data["date"]),
                "doc_no": data.get("report_no"), "responsible": data["organizer"], "parties": parties}
    return {"title": f"{project}：{kind}", "date": signed}


def report_docx(title: str, words: str, project: str, vendor: str) -> bytes:
    """A small synthetic report (python-docx), so the archive holds real Word files."""
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph(f"项目：{project}")
    document.add_paragraph(words)
    document.add_paragraph(f"报告人：{vendor} 驻场运维组")
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
