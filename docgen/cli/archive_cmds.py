"""CLI commands: ``docgen archive …`` — parse, make one library call, format (table or ``--json``).

Everything here is presentation; the work is in ``archive`` (``Archive`` and its services).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from docgen.errors import UsageError

from .common import (
    actor_option,
    archive_options,
    command_errors,
    emit,
    open_archive,
    output_options,
    progress_bar,
    read_passphrase,
    read_secret,
    table,
)

DEFAULT_FONDS = "0001"


def _read_new_passphrase(path: Path | None) -> str:
    """The new passphrase for key add/change: a file, ``DOCGEN_NEW_PASSPHRASE``, or a prompt (twice)."""
    return read_secret(path, env="DOCGEN_NEW_PASSPHRASE", option="--new-passphrase-file", what="new passphrase",
                       prompt="新口令", confirm=True)


# ─────────────────────────── init ───────────────────────────


@click.command("init")
@archive_options
@click.option("--fonds", default=DEFAULT_FONDS, show_default=True, help="全宗号 (fonds code) used in every 档号.")
@click.option(
    "--kdf",
    type=click.Choice(["interactive", "test"]),
    default="interactive",
    show_default=True,
    help="Passphrase KDF cost stored in the key slot; 'test' is weak and only for test suites.",
)
@actor_option
@output_options
@command_errors
def init_cmd(home: Path, passphrase_file: Path | None, fonds: str, kdf: str, actor: str | None, as_json: bool) -> None:
    """Create a new encrypted archive in the data home."""
    from archive import Archive

    passphrase = read_passphrase(passphrase_file, confirm=True)
    with Archive.init(home, passphrase, fonds=fonds, kdf=kdf, actor=actor) as arc:
        data = {"home": str(home), "fonds": arc.fonds, "archive_id": arc.archive_id, "slot": arc.key_slots()[0].id, "kdf": kdf}
    emit(data, as_json, lambda d: f"已创建档案库 {d['home']}（全宗号 {d['fonds']}，密钥槽 {d['slot']}）")


# ─────────────────────────── add ───────────────────────────


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    """Files as given, folders expanded recursively (hidden files skipped), in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            files.append(path)
    return files


_META_OPTIONS = (
    ("category", "category"), ("doc_type", "doc_type"), ("project", "project"), ("date", "date"),
    ("received", "received"), ("period", "period"), ("doc_no", "doc_no"), ("responsible", "responsible"),
    ("notes", "notes"), ("sensitivity", "sensitivity"), ("retention", "retention"), ("pages", "pages"),
)  # fmt: skip


@click.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--category", "-c", required=True, help="Filing-scheme category code (e.g. 07) or name.")
@click.option("--doc-type", "-t", help="Document type within the category (周报, 月报, 监理通知单 …).")
@click.option("--project", "-p", help="Project code (letters, digits, . _ -).")
@click.option("--date", "date", help="文件日期 YYYY-MM-DD (default: today).")
@click.option("--received", help="收文/提交日期 YYYY-MM-DD (default: today).")
@click.option("--period", help="Reporting period: YYYY-MM, YYYY-Www, YYYYQn, YYYY-Hn or YYYY.")
@click.option("--title", help="题名 (one file only; default: the file name).")
@click.option("--doc-no", help="文号.")
@click.option("--responsible", help="责任者.")
@click.option("--notes", help="备注.")
@click.option("--party", "parties", multiple=True, help="A party or person named in the document (repeatable).")
@click.option("--pages", type=int, help="页数, if known.")
@click.option("--sensitivity", help="最小敏感性 / 比较敏感 / 非常敏感 (default: from the scheme).")
@click.option("--retention", help="Y / D30 / D10 (default: from the scheme).")
@click.option("--supersedes", help="档号 of the document this file is a new version of (one file only).")
@archive_options(actor=True)
@output_options
@command_errors
def add_cmd(files: tuple[Path, ...], title: str | None, parties: tuple[str, ...], supersedes: str | None,
            home: Path, passphrase_file: Path | None, actor: str | None, as_json: bool, **options: Any) -> None:  # fmt: skip
    """Archive files (folders are added recursively); prints each 档号."""
    from archive import AddItem

    paths = _expand(files)
    if not paths:
        raise UsageError("没有可归档的文件")
    if len(paths) > 1 and (title or supersedes):
        raise UsageError("--title 和 --supersedes 只能用于单个文件")
    meta = {key: options[name] for name, key in _META_OPTIONS if options.get(name) is not None}
    if title:
        meta["title"] = title
    if parties:
        meta["parties"] = list(parties)
    with open_archive(home, passphrase_file, actor) as arc:
        if len(paths) == 1 and not any(f.is_dir() for f in files):
            results = [arc.add(paths[0], meta, supersedes=supersedes)]
        else:
            with progress_bar(len(paths), "归档") as bar:
                items = [AddItem(p, meta, supersedes=supersedes) for p in paths]  # supersedes: one file only
                results = arc.add_many(items, progress=lambda n, r: bar.update(1))
    data = {
        "results": [r.to_dict() for r in results],
        "added": sum(1 for r in results if not r.duplicate),
        "duplicates": sum(1 for r in results if r.duplicate),
    }
    emit(data, as_json, _added_text)


def _added_text(data: dict) -> str:
    lines = []
    for r in data["results"]:
        mark = "重复 " if r["duplicate"] else ""
        version = f"（第 {r['version']} 版）" if r["version"] > 1 and not r["duplicate"] else ""
        lines.append(f"{mark}{r['ref']}{version}  {r['filename']}")
        for warning in r["warnings"]:
            click.echo(f"  [警告] {r['filename']}：{warning}", err=True)
    if len(data["results"]) > 1:
        lines.append(f"已归档 {data['added']} 件，重复 {data['duplicates']} 件")
    return "\n".join(lines)


# ─────────────────────────── list / show / get / log ───────────────────────────


@click.command("list")
@click.option("--category", "-c", help="Category code or name.")
@click.option("--doc-type", "-t")
@click.option("--project", "-p")
@click.option("--year", type=int)
@click.option("--period")
@click.option("--from", "date_from", help="文件日期 from (YYYY-MM-DD).")
@click.option("--to", "date_to", help="文件日期 to (YYYY-MM-DD).")
@click.option("--received-from")
@click.option("--received-to")
@click.option("--sensitivity")
@click.option("--retention")
@click.option("--status", type=click.Choice(["current", "superseded", "destroyed", "all"]), default="current", show_default=True)
@click.option("--on-hold", is_flag=True, default=None, help="Only documents under a legal hold.")
@click.option("--limit", type=int)
@click.option("--offset", type=int, default=0)
@archive_options
@output_options
@command_errors
def list_cmd(home: Path, passphrase_file: Path | None, as_json: bool, **filters: Any) -> None:
    """List archived documents (current versions unless --status says otherwise)."""
    query = {k: v for k, v in filters.items() if v is not None}
    with open_archive(home, passphrase_file) as arc:
        entries = [e.to_dict() for e in arc.list(query)]
    emit(entries, as_json, _entries_table)


def _entries_table(entries: list[dict]) -> str:
    if not entries:
        return "（没有文件）"
    rows = [
        [e["ref"], e["version"], e["doc_type"] or e["category_name"], e["date"], e["title"] or "（已销毁）",
         e["sensitivity"], "冻结" if e["on_hold"] else ""]
        for e in entries
    ]  # fmt: skip
    return table(rows, ["档号", "版本", "类型", "文件日期", "题名", "敏感性", ""]) + f"\n共 {len(entries)} 件"


@click.command("show")
@click.argument("ref")
@archive_options
@output_options
@command_errors
def show_cmd(ref: str, home: Path, passphrase_file: Path | None, as_json: bool) -> None:
    """Show a document's catalog entry and its versions (REF, REF@N or a doc id)."""
    with open_archive(home, passphrase_file) as arc:
        entry = arc.entry(ref)
        data = {**entry.to_dict(), "versions": [v.to_dict() for v in arc.versions(ref)]}
    emit(data, as_json, _show_text)


_SHOW_FIELDS = (
    ("ref", "档号"), ("version", "版本"), ("status", "状态"), ("title", "题名"), ("category_name", "类别"),
    ("doc_type", "文件类型"), ("project", "项目"), ("period", "报告期"), ("date", "文件日期"),
    ("received", "收文日期"), ("doc_no", "文号"), ("responsible", "责任者"), ("retention", "保管期限"),
    ("sensitivity", "敏感性"), ("pages", "页数"), ("size", "大小（字节）"), ("filename", "文件名"),
    ("parties", "相关方"), ("notes", "备注"), ("on_hold", "冻结"), ("added_at", "归档时间"),
    ("destroyed_at", "销毁时间"), ("doc_id", "文件编号"),
)  # fmt: skip


def _show_text(data: dict) -> str:
    lines = []
    for key, label in _SHOW_FIELDS:
        value = data.get(key)
        if value in (None, "", [], False):
            continue
        lines.append(f"{label}：{'、'.join(value) if isinstance(value, list) else value}")
    if len(data["versions"]) > 1:
        lines.append("版本：")
        lines.extend(f"  第 {v['version']} 版  {v['status']}  {v['date']}  {v['title'] or ''}" for v in data["versions"])
    return "\n".join(lines)


@click.command("get")
@click.argument("ref")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Where to write (default: the original file name).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@archive_options(actor=True)
@output_options
@command_errors
def get_cmd(ref: str, output: Path | None, force: bool, home: Path, passphrase_file: Path | None,
            actor: str | None, as_json: bool) -> None:  # fmt: skip
    """Write a decrypted copy of a document to a file (audited as an export)."""
    with open_archive(home, passphrase_file, actor) as arc:
        entry = arc.entry(ref)
        dest = output or Path(Path(entry.filename or entry.doc_id).name)
        if dest.is_dir():
            dest = dest / Path(entry.filename or entry.doc_id).name
        if dest.exists() and not force:
            raise UsageError(f"{dest} 已存在；用 --force 覆盖")
        arc.export(entry.doc_id, dest)
    emit({"ref": entry.ref, "version": entry.version, "path": str(dest)}, as_json, lambda d: f"已导出 {d['ref']} → {d['path']}")


@click.command("log")
@click.option("--ref", help="Only entries of this 档号.")
@click.option("--action", help="Only this action (add, read, export, destroy, key, handover …).")
@click.option("--since", help="From this UTC time or date (ISO).")
@click.option("--limit", type=int, help="The newest N entries.")
@archive_options
@output_options
@command_errors
def log_cmd(ref: str | None, action: str | None, since: str | None, limit: int | None, home: Path,
            passphrase_file: Path | None, as_json: bool) -> None:  # fmt: skip
    """Show the audit log (who did what, when)."""
    with open_archive(home, passphrase_file) as arc:
        entries = [e.__dict__ for e in arc.log(ref=ref, action=action, since=since, limit=limit)]
    emit(entries, as_json, _log_table)


def _log_table(entries: list[dict]) -> str:
    rows = [[e["seq"], e["at"][:19].replace("T", " "), e["actor"], e["action"], e["ref"] or ""] for e in entries]
    return table(rows, ["序号", "时间（UTC）", "操作人", "操作", "档号"]) if rows else "（没有记录）"


# ─────────────────────────── verify ───────────────────────────


@click.command("verify")
@click.option("--full", is_flag=True, help="Also open every document in its format (usability).")
@click.option("--repair", is_flag=True, help="First remove what interrupted runs left (orphan blobs, temp files).")
@archive_options(actor=True)
@output_options
@click.pass_context
@command_errors
def verify_cmd(ctx: click.Context, full: bool, repair: bool, home: Path, passphrase_file: Path | None,
               actor: str | None, as_json: bool) -> None:  # fmt: skip
    """四性检测: authenticity, integrity, usability (--full), security. Exit 1 on any error."""
    with open_archive(home, passphrase_file, actor) as arc:
        repaired = arc.recover().to_dict() if repair else None
        bars: dict[str, Any] = {}

        def progress(phase: str, done: int, total: int) -> None:
            bar = bars.get(phase) or bars.setdefault(phase, progress_bar(total, phase))
            bar.update(1)

        report = arc.verify(full=full, progress=progress)
        for bar in bars.values():
            bar.close()
    data = {**report.to_dict(), "repaired": repaired}
    emit(data, as_json, _verify_text)
    if not report.ok:
        ctx.exit(1)


def _verify_text(data: dict) -> str:
    lines = []
    if data["repaired"]:
        r = data["repaired"]
        lines.append(f"修复：删除孤立存储文件 {r['orphan_blobs']} 个、临时文件 {r['stale_temp_files']} 个，补建索引 {r['indexed']} 个")
    for phase in data["phases"]:
        if phase["skipped"]:
            lines.append(f"{phase['label']}（{phase['name']}）：未检查（加 --full）")
            continue
        state = "通过" if phase["ok"] else "未通过"
        lines.append(f"{phase['label']}（{phase['name']}）：检查 {phase['checked']} 项，{state}")
        for p in phase["problems"]:
            tag = "错误" if p["severity"] == "error" else "警告"
            where = f"{p['ref']}：" if p["ref"] else ""
            lines.append(f"  [{tag}] {where}{p['message']}")
            lines.append(f"         建议：{p['hint']}")
    head = data["audit_head"]
    lines.append(f"审计链头：第 {head['seq']} 条 {head['mac'][:16]}…（可另行记录，用于发现日志被截断）")
    if data["ok"]:
        lines.append(f"未发现错误（{data['documents']} 件，警告 {data['warnings']} 条）")
    else:
        lines.append(f"发现 {data['errors']} 个错误、{data['warnings']} 条警告")
    return "\n".join(lines)


# ─────────────────────────── disposition ───────────────────────────


@click.command("due")
@click.option("--on", "on", help="The day to judge by (YYYY-MM-DD, default today).")
@archive_options
@output_options
@command_errors
def due_cmd(on: str | None, home: Path, passphrase_file: Path | None, as_json: bool) -> None:
    """List documents whose 保管期限 has run out (D10/D30 counted from the end of their year)."""
    from datetime import date

    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise UsageError(f"--on 应为日期 YYYY-MM-DD：{on}") from None
    with open_archive(home, passphrase_file) as arc:
        entries = [e.to_dict() for e in arc.due(day)]
    emit(entries, as_json, _entries_table)


@click.command("destroy")
@click.argument("refs", nargs=-1, required=True)
@click.option("--reason", required=True, help="Why (recorded in the 销毁记录 and the audit log).")
@click.option("--by", help="Who carries it out (default: the actor).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@archive_options(actor=True)
@output_options
@command_errors
def destroy_cmd(refs: tuple[str, ...], reason: str, by: str | None, yes: bool, home: Path,
                passphrase_file: Path | None, actor: str | None, as_json: bool) -> None:  # fmt: skip
    """Destroy documents (all versions): delete their keys and blobs, write a 销毁记录."""
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("销毁不可恢复：请加 --yes 确认")
        click.confirm(f"销毁 {len(refs)} 件（所有版本），不可恢复。继续？", abort=True)
    with open_archive(home, passphrase_file, actor) as arc:
        result = arc.destroy(list(refs), reason, by=by)
    emit(result.to_dict(), as_json, _destroyed_text)


def _destroyed_text(data: dict) -> str:
    lines = [f"已销毁 {ref}" for ref in data["destroyed"]]
    lines.append(f"销毁记录已归档：{data['record_ref']}")
    lines.extend(f"  [警告] {w}" for w in data["warnings"])
    return "\n".join(lines)


@click.command("hold")
@click.argument("ref")
@click.option("--reason", required=True, help="Why (stored encrypted).")
@archive_options(actor=True)
@output_options
@command_errors
def hold_cmd(ref: str, reason: str, home: Path, passphrase_file: Path | None, actor: str | None, as_json: bool) -> None:
    """Put a legal hold on a document: it cannot be destroyed until released."""
    with open_archive(home, passphrase_file, actor) as arc:
        arc.hold(ref, reason)
        entry = arc.entry(ref)
    emit({"ref": entry.ref, "on_hold": True}, as_json, lambda d: f"已冻结 {d['ref']}")


@click.command("release")
@click.argument("ref")
@archive_options(actor=True)
@output_options
@command_errors
def release_cmd(ref: str, home: Path, passphrase_file: Path | None, actor: str | None, as_json: bool) -> None:
    """Lift a legal hold."""
    with open_archive(home, passphrase_file, actor) as arc:
        arc.release(ref)
        entry = arc.entry(ref)
    emit({"ref": entry.ref, "on_hold": False}, as_json, lambda d: f"已解除冻结 {d['ref']}")


# ─────────────────────────── keys ───────────────────────────


@click.group("key")
def key_group() -> None:
    """Manage the passphrases (key slots) that open the archive."""


@key_group.command("list")
@archive_options
@output_options
@command_errors
def key_list_cmd(home: Path, passphrase_file: Path | None, as_json: bool) -> None:
    """List key slots (the one your passphrase opened is marked *)."""
    with open_archive(home, passphrase_file) as arc:
        slots = [s.__dict__ for s in arc.key_slots()]
    emit(slots, as_json, lambda rows: table([["*" if s["in_use"] else "", s["id"], s["created"], s["profile"]] for s in rows], ["", "密钥槽", "创建时间", "派生参数"]))


_new_passphrase_option = click.option(
    "--new-passphrase-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Read the new passphrase from this file (else env DOCGEN_NEW_PASSPHRASE, else a prompt).",
)  # fmt: skip
_kdf_option = click.option("--kdf", type=click.Choice(["interactive", "test"]), default=None,
                           help="KDF cost for the new slot (default: interactive / the replaced slot's).")  # fmt: skip


@key_group.command("add")
@_new_passphrase_option
@_kdf_option
@archive_options(actor=True)
@output_options
@command_errors
def key_add_cmd(new_passphrase_file: Path | None, kdf: str | None, home: Path, passphrase_file: Path | None,
                actor: str | None, as_json: bool) -> None:  # fmt: skip
    """Add another passphrase (a new key slot)."""
    with open_archive(home, passphrase_file, actor) as arc:
        slot = arc.add_key(_read_new_passphrase(new_passphrase_file), kdf=kdf or "interactive")
    emit({"slot": slot}, as_json, lambda d: f"已添加密钥槽 {d['slot']}")


@key_group.command("remove")
@click.argument("slot")
@archive_options(actor=True)
@output_options
@command_errors
def key_remove_cmd(slot: str, home: Path, passphrase_file: Path | None, actor: str | None, as_json: bool) -> None:
    """Remove a key slot (never the last one)."""
    with open_archive(home, passphrase_file, actor) as arc:
        arc.remove_key(slot)
    emit({"removed": slot}, as_json, lambda d: f"已删除密钥槽 {d['removed']}")


@key_group.command("change")
@_new_passphrase_option
@_kdf_option
@archive_options(actor=True)
@output_options
@command_errors
def key_change_cmd(new_passphrase_file: Path | None, kdf: str | None, home: Path, passphrase_file: Path | None,
                   actor: str | None, as_json: bool) -> None:  # fmt: skip
    """Replace the passphrase you opened with by a new one."""
    with open_archive(home, passphrase_file, actor) as arc:
        slot = arc.change_key(_read_new_passphrase(new_passphrase_file), kdf=kdf)
    emit({"slot": slot}, as_json, lambda d: f"口令已更换（新密钥槽 {d['slot']}）")


# ─────────────────────────── group ───────────────────────────


@click.group("archive")
def archive_group() -> None:
    """Encrypted archive: add, list, read, verify (四性检测), dispose of documents, manage keys."""


for _command in (init_cmd, add_cmd, list_cmd, show_cmd, get_cmd, log_cmd, verify_cmd, due_cmd, destroy_cmd,
                 hold_cmd, release_cmd, key_group):  # fmt: skip
    archive_group.add_command(_command)


def register(cli: click.Group) -> None:
    """Attach this module's commands to the main group."""
    cli.add_command(archive_group)
