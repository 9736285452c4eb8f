"""CLI commands: ``docgen project …`` and ``docgen handover …`` — parse, one library call, format.

The work is in ``archive.projects`` and ``archive.handover``. Exit codes: 0 done; 1 problems
found (``check`` with a missing item, ``verify`` with any failure); 2 bad input or usage.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable

import click

from .common import archive_options, command_errors, emit, open_archive, output_options, progress_bar, read_secret, table

TRANSPORT_ENV = "DOCGEN_TRANSPORT_PASSPHRASE"


def _handover(arc):
    from archive.handover import Handover

    return Handover(arc)


def transport_option(func: Callable) -> Callable:
    """``--transport-passphrase-file``; otherwise DOCGEN_TRANSPORT_PASSPHRASE, otherwise a prompt."""
    return click.option(
        "--transport-passphrase-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
        help=f"Transport passphrase from this file (else env {TRANSPORT_ENV}, else a prompt). "
             "Not the archive passphrase: it is shared with the receiver.",
    )(func)


def read_transport_passphrase(path: Path | None, *, confirm: bool = False) -> str:
    """The transport passphrase: a file, the environment or a hidden prompt; never argv, never echoed."""
    return read_secret(path, env=TRANSPORT_ENV, option="--transport-passphrase-file", what="transport passphrase",
                       prompt="传输口令", confirm=confirm)


def period_options(func: Callable) -> Callable:
    func = click.option("--quarter", metavar="YYYYQn", help="A quarter (季度综合整理), e.g. 2024Q1.")(func)
    func = click.option("--month", metavar="YYYY-MM", help="A month (月度整理), e.g. 2023-09.")(func)
    return click.option("--project", "-p", required=True, help="Project code.")(func)


def as_of_option(func: Callable) -> Callable:
    return click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None,
                        help="Judge due dates as of this day (default today).")(func)


def _day(value: Any) -> date | None:
    return value.date() if value is not None else None


# ─────────────────────────── project ───────────────────────────


@click.group("project")
def project_group() -> None:
    """项目登记：应交文件（周报、月报…）、服务期间、故障登记。"""


@project_group.command("add")
@click.argument("data", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--code", help="Project code (required when DATA is a contract data file).")
@click.option("--replace", is_flag=True, help="Update a project already registered.")
@archive_options(actor=True)
@output_options
@command_errors
def project_add(data: Path, code: str | None, replace: bool, home: Path, passphrase_file: Path | None,
                actor: str | None, as_json: bool) -> None:
    """Register a project from a project file or a contract data file (contract kind)."""
    from archive.projects import load_project_file

    with open_archive(home, passphrase_file, actor) as arc:
        project = _handover(arc).projects.add(load_project_file(data, code, arc.scheme), replace=replace)
    emit(project.to_dict(), as_json, lambda p: f"已登记项目 {p['code']}：{p['name']}\n" + _project_text(p))


def _project_text(p: dict) -> str:
    lines = [
        f"运维服务单位（移交方）：{p['vendor']}",
        f"甲方（接收方）：{p['client'] or '（未填）'}",
        f"监理单位：{p['supervisor'] or '（无）'}",
        f"服务期间：{p['service_start']} 至 {p['service_end']}",
        "应交文件：",
    ]
    rows = [[d["name"], f"{d['category']} {d['doc_type']}", d["rule"]] for d in p["duties"]]
    lines.append(table(rows, ["应交文件", "类别 / 文件类型", "频次与期限"]))
    return "\n".join(lines)


@project_group.command("list")
@archive_options
@output_options
@command_errors
def project_list(home: Path, passphrase_file: Path | None, as_json: bool) -> None:
    """List registered projects."""
    with open_archive(home, passphrase_file) as arc:
        projects = [p.to_dict() for p in _handover(arc).projects.list()]
    emit(projects, as_json, lambda ps: table(
        [[p["code"], p["name"], p["vendor"], f"{p['service_start']} 至 {p['service_end']}", len(p["duties"])] for p in ps],
        ["项目代码", "项目名称", "运维服务单位", "服务期间", "应交文件"]) if ps else "（没有登记项目）")


@project_group.command("show")
@click.argument("code")
@archive_options
@output_options
@command_errors
def project_show(code: str, home: Path, passphrase_file: Path | None, as_json: bool) -> None:
    """Show a project: parties, service period, duties and faults."""
    with open_archive(home, passphrase_file) as arc:
        handover = _handover(arc)
        data = {**handover.projects.get(code).to_dict(), "faults": [f.to_dict() for f in handover.projects.faults(code)]}
    emit(data, as_json, _show_text)


def _show_text(p: dict) -> str:
    text = f"项目 {p['code']}：{p['name']}\n" + _project_text(p)
    faults = [[f["id"], f["cleared"], f["ref"] or "", f["title"] or ""] for f in p["faults"]]
    return text + "\n故障登记：\n" + (table(faults, ["编号", "解除日期", "故障编号", "说明"]) if faults else "（无）")


@project_group.group("fault")
def fault_group() -> None:
    """故障登记：每次故障解除后 3 个工作日内应交故障报告。"""


@fault_group.command("add")
@click.option("--project", "-p", required=True, help="Project code.")
@click.option("--cleared", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Day the fault was cleared.")
@click.option("--ref", help="Fault / ticket number the report will carry (its 文号 or in its 题名).")
@click.option("--title", help="Short description (stored encrypted).")
@archive_options(actor=True)
@output_options
@command_errors
def fault_add(project: str, cleared: Any, ref: str | None, title: str | None, home: Path,
              passphrase_file: Path | None, actor: str | None, as_json: bool) -> None:
    """Record a cleared fault: its report becomes owed."""
    with open_archive(home, passphrase_file, actor) as arc:
        fault = _handover(arc).projects.add_fault(project, cleared.date(), ref, title)
    emit(fault.to_dict(), as_json, lambda f: f"已登记故障 {f['id']}（{f['ref'] or '无编号'}），{f['cleared']} 解除；"
                                              f"故障报告应在其后 3 个工作日内提交")


@fault_group.command("list")
@click.option("--project", "-p", required=True, help="Project code.")
@archive_options
@output_options
@command_errors
def fault_list(project: str, home: Path, passphrase_file: Path | None, as_json: bool) -> None:
    """List a project's faults."""
    with open_archive(home, passphrase_file) as arc:
        faults = [f.to_dict() for f in _handover(arc).projects.faults(project)]
    emit(faults, as_json, lambda fs: table([[f["id"], f["cleared"], f["ref"] or "", f["title"] or ""] for f in fs],
                                           ["编号", "解除日期", "故障编号", "说明"]) if fs else "（无）")


# ─────────────────────────── handover ───────────────────────────


@click.group("handover")
def handover_group() -> None:
    """移交：完整性与及时性检查、移交包（BagIt）、核验与确认。"""


@handover_group.command("check")
@period_options
@as_of_option
@click.option("--strict", is_flag=True, help="Also exit 1 when something is late.")
@archive_options
@output_options
@click.pass_context
@command_errors
def check_cmd(ctx: click.Context, project: str, month: str | None, quarter: str | None, as_of: Any, strict: bool,
              home: Path, passphrase_file: Path | None, as_json: bool) -> None:
    """List every owed document as present, late, missing or not yet due. Exit 1 when one is missing."""
    with open_archive(home, passphrase_file) as arc:
        report = _handover(arc).check(project, month=month, quarter=quarter, as_of=_day(as_of), strict=strict)
    emit(report.to_dict(), as_json, check_text)
    if not report.ok:
        ctx.exit(1)


def check_text(data: dict) -> str:
    """The human form of a completeness report."""
    period = data["period"]
    lines = [f"项目 {data['project']} · {period['label']}（{period['start']} 至 {period['end']}），截至 {data['as_of']}"]
    rows = [[n, i["duty"], i["label"], i["due"], i["status_name"] + (f" {i['days_late']} 天" if i["days_late"] else ""),
             i["received"] or "", "、".join(i["refs"])] for n, i in enumerate(data["items"], 1)]
    lines.append(table(rows, ["序号", "应交文件", "期间", "应交日期", "状态", "提交日期", "档号"]) if rows else "（本期没有应交文件）")
    if data["other_documents"]:
        lines.append("\n其他文件（不对应应交项，也随包移交）：")
        lines.append(table([[o["ref"], o["doc_type"] or "", o["date"], o["sensitivity"], o["title"]]
                            for o in data["other_documents"]], ["档号", "文件类型", "文件日期", "敏感性", "题名"]))
    s = data["summary"]
    lines.append(f"\n应交 {s['expected']} 项：按时 {s['present']}，迟交 {s['late']}，缺失 {s['missing']}，未到期 {s['not_due']}。"
                 f"扣分（每项 0.5 分）：完整性 {s['completeness_deduction']}，及时性 {s['timeliness_deduction']}，"
                 f"合计 {s['total_deduction']}。")
    lines.append("结论：" + ("齐全" if s["ok"] else "不齐全或不及时（退出码 1）"))
    return "\n".join(lines)


@handover_group.command("build")
@period_options
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("handover"),
              show_default=True, help="Folder the package is written to.")
@click.option("--zip", "as_zip", is_flag=True, help="Write one .zip instead of a bag folder.")
@click.option("--encrypt", is_flag=True, help="Zip and wrap in transport encryption (.zip.dgt).")
@click.option("--include-very-sensitive", is_flag=True, help="Also carry 非常敏感 documents (left out by default).")
@as_of_option
@transport_option
@archive_options(actor=True)
@output_options
@command_errors
def build_cmd(project: str, month: str | None, quarter: str | None, out_dir: Path, as_zip: bool, encrypt: bool,
              include_very_sensitive: bool, as_of: Any, transport_passphrase_file: Path | None, home: Path,
              passphrase_file: Path | None, actor: str | None, as_json: bool) -> None:
    """Build the handover package (BagIt 1.0) for a month or a quarter."""
    from archive.handover_package import BuildOptions

    secret = read_transport_passphrase(transport_passphrase_file, confirm=True) if encrypt else None
    options = BuildOptions(zip=as_zip, transport_passphrase=secret, include_very_sensitive=include_very_sensitive)
    with open_archive(home, passphrase_file, actor) as arc, _bar("移交包") as progress:
        result = _handover(arc).build(project, month=month, quarter=quarter, out_dir=out_dir, options=options,
                                      as_of=_day(as_of), progress=progress)
    emit(result.to_dict(), as_json, build_text)


class _bar:
    """A progress bar (see ``progress_bar``) as a ``progress(done, total)`` callback, opened on first call."""

    def __init__(self, desc: str):
        self.desc, self.bar = desc, None

    def __enter__(self) -> Callable[[int, int], None]:
        def progress(done: int, total: int) -> None:
            if self.bar is None:
                self.bar = progress_bar(total, self.desc)
            self.bar.update(1)

        return progress

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


FORMAT_NAMES = {"bag": "BagIt 目录", "zip": "zip", "encrypted": "传输加密 zip"}


def build_text(data: dict) -> str:
    s = data["check"]
    lines = [f"已建移交包 {data['package_id']}（{FORMAT_NAMES[data['format']]}）：{data['path']}",
             f"  文件 {data['documents']} 件，共 {data['document_bytes']} 字节"
             + (f"；{len(data['withheld'])} 件非常敏感文件未随包移交" if data["withheld"] else ""),
             f"  应交 {s['expected']} 项：按时 {s['present']}，迟交 {s['late']}，缺失 {s['missing']}，未到期 {s['not_due']}"
             f"（扣 {s['total_deduction']} 分）",
             f"  标签清单 SHA-256：{data['bag_digest']}（已记入档案库，核验时比对）"]
    return "\n".join(lines)


@handover_group.command("verify")
@click.argument("package", type=click.Path(exists=True, path_type=Path))
@click.option("--max-size", type=click.IntRange(min=1), default=None,
              help="Refuse a zip that inflates to more than this many bytes (default 20 GiB).")
@transport_option
@archive_options(actor=True)
@output_options
@click.pass_context
@command_errors
def verify_cmd(ctx: click.Context, package: Path, max_size: int | None, transport_passphrase_file: Path | None,
               home: Path, passphrase_file: Path | None, actor: str | None, as_json: bool) -> None:
    """Check a package (bag folder, .zip or .zip.dgt): BagIt digests, 文件目录, safe unzip. Exit 1 on any failure.

    When the data home exists the check is audited and compared with the build record.
    """
    from archive.handover_transport import is_transport_file
    from archive.handover_verify import ZipLimits, verify_package

    limits = ZipLimits(max_bytes=max_size) if max_size else ZipLimits()
    secret = read_transport_passphrase(transport_passphrase_file) if is_transport_file(package) else None
    if (home / "keys.json").is_file():
        with open_archive(home, passphrase_file, actor) as arc:
            result = _handover(arc).verify(package, transport_passphrase=secret, limits=limits)
        audited = True
    else:
        result, audited = verify_package(package, transport_passphrase=secret, limits=limits), False
    data = {**result.to_dict(), "audited": audited}
    emit(data, as_json, verify_text)
    if not result.ok:
        if not as_json:
            click.echo(f"错误：移交包核验未通过：{len(result.problems)} 个问题", err=True)
            for problem in result.problems:
                click.echo(f"  [错误] {problem.as_line()}", err=True)
        ctx.exit(1)


def verify_text(data: dict) -> str:
    from archive.handover_verify import STEP_LABELS

    failed = {p["label"] for p in data["problems"]}
    steps = "  ".join(("✗ " if STEP_LABELS[s] in failed else "✓ ") + STEP_LABELS[s] for s in data["steps"])
    head = f"核验 {data['package']}（{data['format']}" + (f"，移交包 {data['package_id']}" if data["package_id"] else "") + "）"
    tail = "已记入审计日志" if data["audited"] else "未找到档案库，未记审计"
    verdict = f"通过：文件 {data['documents']} 件，摘要与文件目录一致" if data["ok"] else "未通过"
    return f"{head}\n  {steps}\n结果：{verdict}（{tail}）"


@handover_group.command("confirm")
@click.argument("package_id")
@click.option("--by", required=True, help="Who received the package (接收人).")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Day received (default today).")
@archive_options(actor=True)
@output_options
@command_errors
def confirm_cmd(package_id: str, by: str, on: Any, home: Path, passphrase_file: Path | None, actor: str | None,
                as_json: bool) -> None:
    """Record who received a package and when (audited)."""
    with open_archive(home, passphrase_file, actor) as arc:
        record = _handover(arc).confirm(package_id, by, _day(on))
    emit(record.to_dict(), as_json,
         lambda r: f"已确认：移交包 {r['package_id']} 由 {r['confirmed_by']} 于 {r['confirmed_on']} 接收（已记入审计日志）")


@handover_group.command("list")
@click.option("--project", "-p", default=None, help="Only this project.")
@archive_options
@output_options
@command_errors
def list_cmd(project: str | None, home: Path, passphrase_file: Path | None, as_json: bool) -> None:
    """List the packages built from this archive and their confirmations."""
    with open_archive(home, passphrase_file) as arc:
        records = [r.to_dict() for r in _handover(arc).packages(project)]
    emit(records, as_json, lambda rs: table(
        [[r["package_id"], r["period"], r["built_on"], r["documents"], r["format"],
          f"{r['confirmed_on']} {r['confirmed_by']}" if r["confirmed_on"] else "未确认"] for r in rs],
        ["移交包", "期间", "建包日期", "文件数", "形式", "接收确认"]) if rs else "（还没有移交包）")


@handover_group.command("open")
@click.argument("package", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the unwrapped .zip (default: beside the package).")
@transport_option
@output_options
@command_errors
def open_cmd(package: Path, out_dir: Path | None, transport_passphrase_file: Path | None, as_json: bool) -> None:
    """Unwrap a transport-encrypted package (.zip.dgt) into its .zip."""
    from archive.handover_transport import SUFFIX, open_package

    target = (out_dir or package.parent) / (package.name[: -len(SUFFIX)] if package.name.endswith(SUFFIX)
                                            else package.name + ".zip")
    path = open_package(package, target, read_transport_passphrase(transport_passphrase_file))
    emit({"package": str(package), "zip": str(path)}, as_json, lambda d: f"已解开：{d['zip']}（下一步：docgen handover verify {d['zip']}）")


def register(cli: click.Group) -> None:
    """Attach this module's commands to the main group."""
    cli.add_command(project_group)
    cli.add_command(handover_group)
