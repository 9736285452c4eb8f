"""CLI commands that make documents: render, check, batch, schema, templates list|lint.

Each command parses its arguments, makes one library call (``docgen.render``, ``docgen.lint``,
``docgen.kinds``) and formats the result as a table or as ``--json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from docgen.cli.common import command_errors, emit, output_options, print_problems, progress_bar, table, to_json
from docgen.errors import InvalidInput, Problem, errors_of, warnings_of


def _problem_dicts(problems: list[Problem]) -> list[dict]:
    return [p.to_dict() for p in problems]


@click.command("render")
@click.argument("kind")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output .docx (default: DATA with .docx).")
@click.option("--pdf", is_flag=True, help="Also write a PDF beside it (LibreOffice).")
@output_options
@command_errors
def render_command(kind: str, data: Path, out: Path | None, pdf: bool, as_json: bool) -> None:
    """Render one document of KIND from DATA.yaml; nothing is written if the data has errors."""
    from docgen.render import render

    result = render(kind, data, out, pdf=pdf)
    if not as_json:
        print_problems(result.warnings)
    emit({"outputs": result.out_paths, "warnings": _problem_dicts(result.warnings)}, as_json,
         lambda r: "\n".join(f"已生成：{path}" for path in r["outputs"]))


@click.command("check")
@click.argument("kind")
@click.argument("data", type=click.Path(path_type=Path))
@output_options
@command_errors
def check_command(kind: str, data: Path, as_json: bool) -> None:
    """Validate DATA.yaml and derive its values; list every error and warning (exit 2 on errors)."""
    from docgen.render import check

    try:
        result = check(kind, data)
    except InvalidInput as error:
        if not as_json:
            raise
        errors, warnings = errors_of(error.problems), warnings_of(error.problems)
        click.echo(to_json({"ok": False, "message": error.message, "errors": _problem_dicts(errors),
                            "warnings": _problem_dicts(warnings)}))
        sys.exit(error.exit_code)
    payload = {"ok": True, "errors": [], "warnings": _problem_dicts(result.warnings), "derived": result.derived}
    if as_json:
        click.echo(to_json(payload))
        return
    print_problems(result.warnings)
    click.echo(f"检查通过：{data}（{len(result.warnings)} 条警告）")


@click.command("batch")
@click.argument("kind")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder.")
@click.option("--pdf", is_flag=True, help="Also write PDFs (LibreOffice).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Processes (default: CPU count).")
@output_options
@command_errors
def batch_command(kind: str, source: Path, out_dir: Path, pdf: bool, workers: int | None, as_json: bool) -> None:
    """Render many documents: every DATA file of a folder, or (nda-personal) one per resident engineer."""
    from docgen.render import batch

    bar: list = []  # made on the first report, when the number of documents is known

    def progress(item, done: int, total: int) -> None:
        if not bar:
            bar.append(progress_bar(total, "生成", unit="份"))
        bar[0].update(1)

    try:
        result = batch(kind, source, out_dir, pdf=pdf, workers=workers, progress=progress)
    finally:
        if bar:
            bar[0].close()
    warnings = [w.under(item.name, ": ") for item in result.items for w in item.warnings]
    if not as_json:
        print_problems(warnings)
    emit({"count": len(result.items), "outputs": result.out_paths, "warnings": _problem_dicts(warnings)}, as_json,
         lambda r: f"已生成 {r['count']} 份文书，共 {len(r['outputs'])} 个文件，在 {out_dir}")


@click.command("schema")
@click.argument("kind")
@click.option("--example", is_flag=True, help="Print the sample data file instead of the JSON schema.")
@command_errors
def schema_command(kind: str, example: bool) -> None:
    """Print KIND's data format as JSON schema, or (--example) its sample YAML."""
    from docgen.kinds.base import get_kind

    the_kind = get_kind(kind)
    if example:
        click.echo(the_kind.sample_path.read_text(encoding="utf-8"), nl=False)
        return
    click.echo(json.dumps(the_kind.model.model_json_schema(), ensure_ascii=False, indent=2))


@click.group("templates")
def templates_group() -> None:
    """List or lint the shipped Word templates."""


@templates_group.command("list")
@output_options
@command_errors
def templates_list(as_json: bool) -> None:
    """Every kind, its layouts, template files and sample data."""
    from docgen.kinds.base import all_kinds

    rows = [
        {"kind": kind.name, "label": kind.label, "layout": layout.name, "layout_label": layout.label,
         "template": str(kind.template_path(layout)), "samples": [str(p) for p in kind.sample_paths()]}
        for kind in all_kinds() for layout in kind.layouts
    ]
    emit(rows, as_json, lambda data: table(
        [[r["kind"], r["label"], r["layout"], Path(r["template"]).name, ", ".join(Path(s).name for s in r["samples"])]
         for r in data],
        ["类型", "名称", "版式", "模板", "样例数据"]))


@templates_group.command("lint")
@click.argument("kind", required=False)
@output_options
@command_errors
def templates_lint(kind: str | None, as_json: bool) -> None:
    """Check templates: declared variables, no split tags, clause order, sandbox (exit 1 on problems)."""
    from docgen.lint import lint

    report = lint([kind] if kind else None)
    count = sum(len(problems) for problems in report.values())
    if as_json:
        click.echo(to_json({"ok": count == 0, "kinds": {k: _problem_dicts(v) for k, v in report.items()}}))
    else:
        for name, problems in report.items():
            if name != "*":
                click.echo(f"{name}：{'通过' if not problems else f'{len(problems)} 个问题'}")
            for problem in problems:
                click.echo(f"  {problem.as_line()}")
    if count:
        sys.exit(1)  # problems found (exit 1), not bad input


def register(cli: click.Group) -> None:
    """Attach this module's commands to the main group."""
    for command in (render_command, check_command, batch_command, schema_command, templates_group):
        cli.add_command(command)
