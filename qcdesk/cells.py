"""CSV cells a spreadsheet cannot run, and read back as they were.

A spreadsheet opening a CSV file runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula (OWASP, "CSV Injection"), and a tab or carriage return at the start can
hide one. A heat number, an inspector's name or a note may start that way, so every
CSV the program writes goes through `safe_cell`: such a cell gets a leading single
quote, which a spreadsheet shows as text. `read_cell`, used by the program's own
import, takes the quote off again, so an export imports back to the very values.

The rule, both ways, is a bijection: a value is quoted when it matches
``'*\\s*[=+-@…]`` (any quotes of its own, blanks, then a trigger), and a cell read is
unquoted once when it matches ``'+\\s*[=+-@…]``. A value of its own starting with
``'=`` is written ``''=`` and read back as ``'=``. The full-width ＝＋－＠ count as
triggers too (some spreadsheets read them as their ASCII twins).

A plain number (-0.5, +3, -1e-05) is not quoted: a spreadsheet reads it as a number
constant, which calls nothing and refers to no cell, and a quote would turn a chart's
data into text that cannot be summed.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

_TRIGGERS = "=+\\-@\t\r\uff1d\uff0b\uff0d\uff20"
_RISKY = re.compile(rf"'*\s*[{_TRIGGERS}]")
_QUOTED = re.compile(rf"'+\s*[{_TRIGGERS}]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def safe_cell(value: object) -> str:
    """`value` as a CSV cell a spreadsheet shows as text and never runs (None: empty)."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    if _RISKY.match(text) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def read_cell(text: str) -> str:
    """A cell as `safe_cell` wrote it, read back as the value it was."""
    return text[1:] if _QUOTED.match(text) else text


class SafeWriter:
    """A `csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
