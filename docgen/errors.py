"""The root of every error docgen reports to a user, and the structured problem list.

Each package has one base error (``docgen.errors.DocgenError`` here, ``archive.errors.ArchiveError``,
``index.errors.SearchError``) with small named subclasses. ``exit_code`` tells the CLI how to exit:
1 when an operation found problems, 2 for bad input or usage.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Iterable


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where, what it is called in Chinese, what is wrong, what was found."""

    path: str
    label: str
    message: str
    value: str | None = None
    severity: str = "error"  # "error" blocks the operation, "warning" is shown and does not

    def as_line(self) -> str:
        where = f"{self.path}（{self.label}）" if self.label else self.path
        found = f"；现值：{self.value}" if self.value is not None else ""
        return f"{where}：{self.message}{found}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def under(self, prefix: str, sep: str = ".") -> "Problem":
        """The same problem, its path placed under ``prefix`` (``contract.money.total``)."""
        return replace(self, path=f"{prefix}{sep}{self.path}")

    def to_dict(self) -> dict:
        return asdict(self)


def errors_of(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that block the operation."""
    return [p for p in problems if p.is_error]


def warnings_of(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that are shown and do not block."""
    return [p for p in problems if not p.is_error]


class HasProblems:
    """For results with a ``problems`` list: its ``errors`` and ``warnings``."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return errors_of(self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return warnings_of(self.problems)


class DocgenError(Exception):
    """Base of every error docgen raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | tuple[Problem, ...] = ()):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


class InvalidInput(DocgenError):
    """Input data failed validation; ``problems`` lists every problem found."""

    exit_code = 2


class UsageError(DocgenError):
    """A command was asked for something that cannot be done as asked."""

    exit_code = 2


class MissingTool(DocgenError):
    """An external program (e.g. LibreOffice) needed for this operation is not installed."""

    exit_code = 2
