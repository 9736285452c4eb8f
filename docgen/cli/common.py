"""What every command shares: ``--json`` output, error translation, progress bars, and the options
and helpers for opening the archive (``archive_options``, ``open_archive``, ``read_secret``)."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from docgen.errors import DocgenError, Problem, errors_of, warnings_of

DEFAULT_HOME = "./docgen-data"


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if is_dataclass(value):
        return asdict(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)


def output_options(func: Callable) -> Callable:
    """Add ``--json``; the command receives ``as_json``."""
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON (see README).")(func)


def emit(data: Any, as_json: bool, human: Callable[[Any], str] | None = None) -> None:
    """Print ``data`` as JSON or through ``human`` (a function returning text)."""
    if as_json or human is None:
        click.echo(to_json(data))
    else:
        text = human(data)
        if text:
            click.echo(text)


def table(rows: list[list[Any]], headers: list[str]) -> str:
    """A plain text table; widths count East-Asian characters as two columns."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (widths[i] - width(c)) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_problems(problems: list[Problem], stream=None) -> None:
    """Errors first, then warnings, one per line."""
    stream = stream or sys.stderr
    for tag, chosen in (("错误", errors_of(problems)), ("警告", warnings_of(problems))):
        for p in chosen:
            click.echo(f"  [{tag}] {p.as_line()}", file=stream)


class CommandFailed(click.ClickException):
    """A domain error turned into a CLI exit with the error's exit code and problem list."""

    def __init__(self, error: DocgenError):
        super().__init__(error.message)
        self.exit_code = error.exit_code
        self.problems = error.problems

    def show(self, file=None) -> None:  # noqa: D102 - click API
        file = file or sys.stderr
        click.echo(f"错误：{self.format_message()}", file=file)
        print_problems(self.problems, file)


@contextlib.contextmanager
def domain_errors() -> Iterator[None]:
    """Turn any ``DocgenError`` raised inside into a clean CLI failure with the right exit code."""
    try:
        yield
    except DocgenError as error:
        raise CommandFailed(error) from None


def command_errors(func: Callable) -> Callable:
    """Decorator form of :func:`domain_errors`."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with domain_errors():
            return func(*args, **kwargs)

    return wrapper


def home_option(func: Callable) -> Callable:
    """``--home`` (or ``DOCGEN_HOME``), the archive's data home."""
    return click.option(
        "--home",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="DOCGEN_HOME",
        default=DEFAULT_HOME,
        show_default=True,
        help="Archive data home (env DOCGEN_HOME).",
    )(func)


def passphrase_option(func: Callable) -> Callable:
    """``--passphrase-file``; otherwise DOCGEN_PASSPHRASE, otherwise a hidden prompt."""
    return click.option(
        "--passphrase-file",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        default=None,
        help="Read the passphrase from this file (else env DOCGEN_PASSPHRASE, else a prompt).",
    )(func)


def actor_option(func: Callable) -> Callable:
    """``--actor`` (or ``DOCGEN_ACTOR``): who is acting, for the audit log (default: the OS user)."""
    return click.option("--actor", envvar="DOCGEN_ACTOR", default=None, help="Who is acting (env DOCGEN_ACTOR).")(func)


def archive_options(func: Callable | None = None, *, actor: bool = False) -> Callable:
    """``--home`` and ``--passphrase-file`` (and ``--actor`` with ``actor=True``): what :func:`open_archive` takes.

    Use as ``@archive_options`` or ``@archive_options(actor=True)``; the command receives
    ``home``, ``passphrase_file`` (and ``actor``).
    """

    def decorate(command: Callable) -> Callable:
        if actor:
            command = actor_option(command)
        return home_option(passphrase_option(command))  # shown in help as --home, --passphrase-file, --actor

    return decorate(func) if func is not None else decorate


def open_archive(home: Path, passphrase_file: Path | None, actor: str | None = None):
    """The archive in ``home``, opened with the passphrase from :func:`read_passphrase` (use ``with``)."""
    from archive import Archive

    return Archive.open(home, read_passphrase(passphrase_file), actor=actor)


def read_secret(path: Path | None, *, env: str, option: str, what: str, prompt: str, confirm: bool = False) -> str:
    """A secret from the file ``path``, else the environment variable ``env``, else a hidden prompt.

    Never from argv, never echoed, never logged; a click usage error when there is none or it is empty.
    """
    if path is not None:
        text = path.read_text(encoding="utf-8").rstrip("\r\n")
    elif os.environ.get(env):
        text = os.environ[env]
    elif sys.stdin.isatty():
        text = click.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    else:
        raise click.UsageError(f"no {what}: set {env}, use {option}, or run in a terminal")
    if not text:
        raise click.UsageError(f"the {what} is empty")
    return text


def read_passphrase(passphrase_file: Path | None, *, confirm: bool = False, prompt: str = "口令") -> str:
    """The archive passphrase: ``--passphrase-file``, DOCGEN_PASSPHRASE or a prompt."""
    return read_secret(passphrase_file, env="DOCGEN_PASSPHRASE", option="--passphrase-file", what="passphrase",
                       prompt=prompt, confirm=confirm)


def progress_bar(total: int, desc: str, unit: str = "件"):
    """A tqdm bar on stderr, silent when stderr is not a terminal (use ``with``)."""
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, desc=desc, file=sys.stderr, disable=None, leave=False)
