"""CLI commands: ``docgen search`` and ``docgen index rebuild`` (parse, one library call, format)."""

from __future__ import annotations

from datetime import date

import click

from .common import archive_options, command_errors, emit, open_archive, output_options


def register(cli: click.Group) -> None:
    """Attach this module's commands to the main group."""
    cli.add_command(search_command)
    cli.add_command(index_group)


@click.command("search")
@click.argument("query", required=False, default="")
@click.option("--category", help="门类代码或名称，如 07 或 故障总结报告。")
@click.option("--project", help="项目代码。")
@click.option("--year", help="年度，如 2022。")
@click.option("--from", "date_from", help="文件日期不早于（YYYY-MM-DD）。")
@click.option("--to", "date_to", help="文件日期不晚于（YYYY-MM-DD）。")
@click.option("--sensitivity", help="敏感级别：最小敏感性 / 比较敏感 / 非常敏感。")
@click.option("--retention", help="保管期限：Y / D30 / D10。")
@click.option("--limit", default="10", show_default=True, help="每页条数（1–200）。")
@click.option("--offset", default="0", show_default=True, help="跳过前 N 条。")
@click.option("--page", default=None, help="页码（从 1 起，与 --limit 合用；优先于 --offset）。")
@archive_options
@output_options
@command_errors
def search_command(query, home, passphrase_file, as_json, **options):
    """Full-text search: 保密协议 源代码 (AND), A OR B, A NOT B or -B, "phrases", (grouping).

    Chinese terms match as exact substrings (安全事件 finds 信息安全事件); codes and numbers
    match whole. Results show 档号, title, date, category, score and a highlighted snippet.
    """
    from index.service import search, validate_request

    # Values reach the validator as typed, so every problem is listed at once, in Chinese.
    values = {k: v for k, v in options.items() if v is not None}
    values["query"] = query
    request = validate_request(values)
    with open_archive(home, passphrase_file) as archive:
        results = search(archive, request)
    emit(results.to_dict(), as_json, lambda _: _human(results))


def _human(results) -> str:
    lines = []
    if results.total == 0:
        lines.append(f"没有找到匹配“{results.query}”的文件。")
    else:
        last = results.offset + len(results.results)
        lines.append(f"共 {results.total} 条结果，显示第 {results.offset + 1}–{last} 条：")
    for number, r in enumerate(results.results, results.offset + 1):
        lines.append("")
        lines.append(click.style(f"{number:>3}. {r.ref}  {r.title or '（无题名）'}", bold=True))
        lines.append(f"     {_day(r.date)}  {r.category} {r.category_name}  得分 {r.score:.2f}")
        lines.append(f"     {_highlighted(r.snippet, r.highlights)}")
    for warning in results.warnings:
        lines.append(click.style(f"警告：{warning}", fg="yellow"))
    return "\n".join(lines)


def _highlighted(text: str, spans) -> str:
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], click.style(f"【{text[start:end]}】", fg="red", bold=True)]
        last = end
    out.append(text[last:])
    return "".join(out)


def _day(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


@click.group("index")
def index_group() -> None:
    """The full-text index (always rebuildable from the archive)."""


@index_group.command("rebuild")
@archive_options
@output_options
@command_errors
def rebuild_command(home, passphrase_file, as_json):
    """Rebuild the encrypted search index from every current document of the archive."""
    from tqdm import tqdm

    from index.service import rebuild

    with open_archive(home, passphrase_file) as archive:
        with tqdm(desc="重建索引", unit="份", disable=None, leave=False) as bar:
            count = rebuild(archive, lambda n: bar.update(1))
    emit({"documents": count}, as_json, lambda data: f"索引已重建：{data['documents']} 份文件。")
