"""Helpers shared by the tests of the document kinds: sample data, rendered files, error lines.

    from tests.kind_helpers import docx_text, errors_of, linked_sample, render_sample, run, table_rows
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from click.testing import CliRunner
from docx import Document

from docgen.cli import cli
from docgen.errors import InvalidInput
from docgen.render import check, load_yaml, render


def run(*args: Any, env: dict | None = None):
    """``docgen ARGS…`` in-process; exceptions propagate (a crash is a failure, not an exit code)."""
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


def linked_sample(sample: Path, **changes: Any) -> dict:
    """A follow-up document's sample data with ``contract`` made absolute (a mapping resolves its
    paths against the current folder, not the sample's), then ``changes`` applied."""
    data = copy.deepcopy(load_yaml(sample))
    data["contract"] = str((sample.parent / data["contract"]).resolve())
    data.update(changes)
    return data


def contract_copy(tmp_path: Path, change: Callable[[dict], None], source: Path) -> Path:
    """The contract data file ``source``, changed by ``change(data)``, written to ``tmp_path``."""
    data = copy.deepcopy(load_yaml(source))
    change(data)
    path = tmp_path / "contract.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def errors_of(kind: str, data: Any) -> list[str]:
    """The error lines (``path（标签）：message…``) ``check`` refuses ``data`` with; warnings left out."""
    with pytest.raises(InvalidInput) as raised:
        check(kind, data)
    return [p.as_line() for p in raised.value.problems if p.severity == "error"]


def render_sample(tmp_path_factory: pytest.TempPathFactory, kind: str, sample: Path) -> Path:
    """``sample`` rendered to a fresh folder (for module-scoped fixtures)."""
    out = tmp_path_factory.mktemp(kind) / f"{kind}.docx"
    render(kind, sample, out)
    return out


def docx_text(path: Path) -> str:
    """Every paragraph and table cell of a document, one per line."""
    document = Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def table_rows(path: Path, header_first_cell: str, header_second_cell: str) -> list[list[str]]:
    """The data rows of the first table whose header starts with the two given cells."""
    for table in Document(str(path)).tables:
        cells = [c.text for c in table.rows[0].cells]
        if cells[:2] == [header_first_cell, header_second_cell]:
            return [[c.text for c in row.cells] for row in table.rows[1:]]
    raise AssertionError(f"no table headed {header_first_cell} / {header_second_cell}")
