"""Errors a person can act on, separate from bugs.

Every error raised on purpose by the core is a `QcError`; its text is already
translated and says what is wrong and, where it can, what to do. Anything else
reaching the command line is a bug and is logged, not shown as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from qcdesk.i18n import _


class QcError(Exception):
    """An error meant for the user: the message says what is wrong."""


class InputError(QcError):
    """A value typed or read is refused; `field` names where it was."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(_("{field}: {problem}").format(field=field, problem=problem))


@dataclass(frozen=True)
class RowProblem:
    """One bad cell (or row) of an imported file."""

    line: int
    column: int | None
    column_name: str | None
    problem: str

    def __str__(self) -> str:
        if self.column is None:
            return _("line {line}: {problem}").format(line=self.line, problem=self.problem)
        return _("line {line}, column {column} ({name}): {problem}").format(
            line=self.line, column=self.column, name=self.column_name, problem=self.problem
        )


SHOWN_PROBLEMS = 100  # a refused file's message lists this many problems at most


class ImportRefused(QcError):
    """A file was refused whole; `problems` lists every bad row."""

    def __init__(self, path: str, problems: list[RowProblem]) -> None:
        self.path = path
        self.problems = sorted(problems, key=lambda p: (p.line, p.column or 0))
        head = _("{path}: nothing imported, {n} problem(s) found").format(
            path=path, n=len(problems)
        )
        shown = [str(p) for p in self.problems[:SHOWN_PROBLEMS]]
        if len(self.problems) > SHOWN_PROBLEMS:  # all stay in .problems
            shown.append(_("… and {n} more problems").format(n=len(self.problems) - SHOWN_PROBLEMS))
        super().__init__("\n".join([head, *shown]))


class ReasonRequired(QcError):
    """A correction of judged or analysed data was attempted without a reason."""


class NotFound(QcError):
    """A heat, grade or other record named by the user does not exist."""


class Conflict(QcError):
    """The change would break a rule of the data (a duplicate, a record in use)."""


class DatabaseError(QcError):
    """The database cannot be used: newer than this program, damaged, locked, full."""
