"""CLI command: ``docgen demo`` — runs the tour (``docgen.demo.run_demo``) and prints each step."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

import click

from .common import command_errors, emit, output_options


@click.command("demo")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-data"),
              show_default=True, help="Folder for the demo (removed and recreated only if it holds a previous demo).")
@output_options
@click.pass_context
@command_errors
def demo_cmd(ctx: click.Context, directory: Path, as_json: bool) -> None:
    """The end-to-end tour: archive, render, check, search, package, verify (what `make demo` runs)."""
    from docgen.demo import run_demo

    counter = iter(range(1, 100))

    def show(step) -> None:
        if not as_json:
            mark = "—" if step.skipped else ("✓" if step.ok else "✗")
            click.echo(f"{next(counter):>2}. {mark} {step.title}\n      {step.result}")

    result = run_demo(directory, on_step=show)
    emit(result.to_dict(), as_json, _closing)
    if not result.ok:
        ctx.exit(1)


def _closing(data: dict) -> str:
    from docgen.demo import MONTH, PROJECT

    secret = (f"--passphrase-file {data['passphrase_file']}" if data["passphrase_file"]
              else "（口令取自 DOCGEN_PASSPHRASE）")
    docgen = _program()
    return (f"\n演示完成{'' if data['ok'] else '（有步骤未通过）'}。接着看看：\n"
            f"  {docgen} archive list -p {PROJECT} --home {data['home']} {secret}\n"
            f"  {docgen} handover check -p {PROJECT} --month {MONTH} --home {data['home']} {secret}\n"
            f"  {docgen} handover verify {data['package']}")


def _program() -> str:
    """How to call this docgen again: bare ``docgen`` when PATH finds this one, else its path.

    ``make demo`` runs ``.venv/bin/docgen`` with the venv not activated, so a bare ``docgen``
    in the hints would not be found (or would be another install).
    """
    running = Path(sys.argv[0])
    on_path = shutil.which("docgen")
    if running.name != "docgen" or (on_path and Path(on_path).resolve() == running.resolve()):
        return "docgen"  # found on PATH, or run as python -m docgen
    return shlex.quote(os.path.relpath(running))


def register(cli: click.Group) -> None:
    """Attach this module's commands to the main group."""
    cli.add_command(demo_cmd)
