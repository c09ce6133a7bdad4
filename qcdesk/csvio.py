"""CSV import and export of heats (with their analysis) and ingots.

A file imports whole or not at all, in two steps. First the file alone is read
and every cell checked (numbers, dates, required cells, lengths, repeats within
the file), without touching the database. Then, inside one write transaction,
only what needs the database is checked (heats already saved, unknown
converters, grades and defect codes, ingots already saved) and the rows are
saved; so another workstation is kept waiting for the insert only, never for
the reading. Any problem refuses the file, naming each as ``line N, column C``;
a file refused for its cells is still checked against the database, read-only,
so that every problem is listed at once. Files are UTF-8 (with or without a
byte-order mark) or GB18030, detected, or as the caller says.

An export is written through a temporary file renamed into place. It refuses
the open database and its journals, folders, devices and pipes, and replaces an
existing file only when told to (``force``).
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import os
import re
import stat
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO, Generic, NamedTuple, TypeVar

from qcdesk import outputs
from qcdesk.cells import read_cell, safe_cell
from qcdesk.errors import ImportRefused, InputError, QcError, RowProblem
from qcdesk.i18n import _
from qcdesk.model import (
    DISPOSITION_NAMES,
    ELEMENTS,
    Disposition,
    IngotDefect,
    Location,
)
from qcdesk.names import LookAlikes, code_problem, name_problem, unseen
from qcdesk.numbers import (
    CHEMISTRY_PCT,
    INGOT_WEIGHT_KG,
    TAP_TEMP_C,
    TAP_WEIGHT_T,
    check_tap_time,
    format_number,
    normalise_code,
    normalise_width,
    parse_in_range,
    parse_optional,
)
from qcdesk.store import ExportIngot, NewHeat, NewIngot, Store
from qcdesk.unjudged import Unjudged, unjudged

HEAT_COLUMNS = ("heat_no", "converter", "tapped_at", "grade", "tap_weight_t", "tap_temp_c", "inspector")
HEAT_OPTIONAL = ("notes",)  # a heats file may leave them out
INGOT_COLUMNS = ("heat_no", "ingot_no", "weight_kg", "disposition", "defects", "inspector")
INGOT_OPTIONAL = ("regrade_to",)  # the grade a re-graded ingot is released as (issue 16)
Progress = Callable[[int, int], None]

_TAPPED_AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}")
_WHOLE = re.compile(r"[0-9]{1,4}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # exactly Unicode's category Cc
# English code or 中文 name → disposition, so a sheet typed in Chinese imports too.
_DISPOSITIONS = {d.value: d for d in Disposition} | {zh: d for d, (_en, zh) in DISPOSITION_NAMES.items()}

# What an imported file may be, at most: memory stays bounded whatever the file.
MAX_LINE_BYTES = 64 * 1024  # a line (a record of a few dozen cells is well under 1 KiB)
MAX_RECORD_BYTES = 64 * 1024  # a record, whose quoted cells may span lines
MAX_COLUMNS = 200  # columns named by the first line (a heats file has 7, a notes and 13 elements more)
MAX_FILE_BYTES = 256 << 20  # a file (500,000 records of a heats file are some 40 MiB)
MAX_RECORDS = 500_000  # records of one file: each is held (about 2 KiB) until the file imports whole
MAX_PROBLEMS = 1_000  # problems listed before the reading stops
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
BYTE_ORDER_MARK = "\ufeff"  # what the exports start with, so a spreadsheet reads them as UTF-8

_T = TypeVar("_T")
_K = TypeVar("_K")
_L = TypeVar("_L")


class Row(NamedTuple):
    """One record of a CSV file: its first line number, its cells by column, and the
    columns whose cell was already refused (a control character). (A named tuple: a file
    makes one per record.)"""

    line: int
    cells: dict[str, str]
    refused: frozenset[str] = frozenset()


class _Problems:
    """Collects every problem of a file, so the user sees them all at once."""

    def __init__(self) -> None:
        self.columns: dict[str, int] = {}  # column name → number, once the header is read
        self.items: list[RowProblem] = []

    def add(self, line: int, column: str | None, problem: str, number: int | None = None) -> None:
        if number is None and column:
            number = self.columns.get(column)
        self.items.append(RowProblem(line, number, column, problem))

    def copy(self) -> _Problems:
        other = _Problems()
        other.columns = self.columns
        other.items = list(self.items)
        return other


@dataclass(frozen=True)
class _File(Generic[_L]):
    """A file read and checked on its own: a line for each record, and the file's problems."""

    path: Path
    lines: list[_L]
    problems: _Problems


class _HeatLine(NamedTuple):
    """A record of a heats file; a cell is None when refused, `heat` when none was."""

    line: int
    heat_no: str | None
    converter: str | None
    grade: str | None
    repeat: bool  # the heat number is on an earlier line too
    heat: NewHeat | None


class _IngotLine(NamedTuple):
    """A record of an ingots file; a cell is None when refused, `ingot` when none was."""

    line: int
    heat_no: str | None
    ingot_no: int | None
    defects: tuple[IngotDefect, ...] | None
    repeat: bool  # the same heat and ingot number are on an earlier line too
    ingot: NewIngot | None


class _Source:
    """A file to import, read one line at a time with bounded memory.

    Only an ordinary file is opened, checked with os.stat first (a folder, a device such
    as /dev/zero, a pipe or a socket is refused at once, and a pipe never opened, so
    nothing blocks), and one of at most MAX_FILE_BYTES; a line longer than MAX_LINE_BYTES,
    a record (a quoted cell spanning lines) longer than MAX_RECORD_BYTES, or a NUL byte in
    the first line stops the reading with QcError.

    Without an encoding given, the file is UTF-8 if all of it is (checked first, in chunks),
    else GB18030 if all of it reads as GB18030 and as Chinese: most of its other characters
    among the 7,445 of GB2312. Latin-1 or cp1250 text also decodes as GB18030, into rare
    characters nobody writes, and is refused.
    """

    def __init__(self, path: Path, encoding: str | None) -> None:
        self.path = path
        self.encoding = encoding
        self.line = 0  # the number of the last line read
        self.record_start = 1  # the line the record being read starts on
        self.record_bytes = 0
        self._file = _open_regular(path)
        self._text: io.TextIOWrapper | None = None  # the file's text, once a way to read it is chosen
        size = os.fstat(self._file.fileno()).st_size
        if size > MAX_FILE_BYTES:
            self._file.close()
            raise QcError(_("{path} holds {size} MiB; a file of heats or ingots holds at most {limit} MiB: "
                            "split it (nothing imported)").format(path=path, size=size >> 20,
                                                                  limit=MAX_FILE_BYTES >> 20))

    def __enter__(self) -> _Source:
        return self

    def __exit__(self, *exc: object) -> None:
        (self._text or self._file).close()

    def _read_as(self, encoding: str) -> io.TextIOWrapper:
        """The file as text in `encoding`, with its line ends as they are (\n, \r\n, \r)."""
        self._text = io.TextIOWrapper(self._file, encoding=encoding, errors="strict", newline="")
        return self._text

    def next_record(self) -> None:
        """Say that a record ended: the next line starts one (for the record's size limit)."""
        self.record_start, self.record_bytes = self.line + 1, 0

    def lines(self) -> Iterator[str]:
        """The file's lines as text, each with its end of line (\n, \r\n or \r)."""
        if self.encoding is None:
            return self._given(self._detected(), ascii_first=True)
        try:
            codec = codecs.lookup(self.encoding)
            sample = '\n\r,"a'
            ascii_lines = sample.encode(codec.name).endswith(sample.encode("ascii"))
        except LookupError as exc:
            raise QcError(_("unknown encoding {name!r}").format(name=self.encoding)) from exc
        return self._given(codec.name) if ascii_lines else self._wide(codec.name)

    def _first(self, line: str) -> str:
        """The first line without its byte-order mark; refused when it holds a NUL byte, as
        binary files do (in a later line, the cell holding it is named)."""
        if "\x00" in line:
            raise QcError(_("{path}: the first line holds a NUL byte: not a CSV text file (nothing "
                            "imported)").format(path=self.path))
        return line.removeprefix("\ufeff")

    def _counted(self, line: str, size: int) -> str:
        self.line += 1
        self.record_bytes += size
        if size > MAX_LINE_BYTES:
            raise QcError(_("{path}: line {line} is longer than {n} KiB: not a CSV file of records "
                            "(nothing imported)").format(path=self.path, line=self.line,
                                                         n=MAX_LINE_BYTES // 1024))
        if self.record_bytes > MAX_RECORD_BYTES:
            raise QcError(_("{path}: the record from line {line} runs over {n} KiB, a quote left open? "
                            "(nothing imported)").format(path=self.path, line=self.record_start,
                                                         n=MAX_RECORD_BYTES // 1024))
        return line

    def _detected(self) -> str:
        """'utf-8' or 'gb18030', the file read through once for it (and rewound); QcError
        naming a line when it is neither, or GB18030 that does not read as Chinese."""
        utf8 = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := self._file.read(1 << 18):  # a quarter MiB: a few decoded ones at most
                utf8.decode(chunk)
            utf8.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        finally:
            self._file.seek(0)
        first = 0  # the first line that is not UTF-8
        whole = True  # every line reads as GB18030
        common = uncommon = 0
        is_common: dict[str, bool] = {}
        text = io.TextIOWrapper(self._file, encoding="latin-1", newline="")
        try:
            number = 0
            while line := text.readline(MAX_LINE_BYTES + 1):
                number += 1
                if len(line) > MAX_LINE_BYTES:  # refused by its number when read
                    break
                if line.isascii():
                    continue
                raw = line.encode("latin-1")
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    first = first or number
                    is_utf8 = False
                else:
                    is_utf8 = True
                try:
                    decoded = raw.decode("gb18030").removeprefix("\ufeff")  # GB18030 has a BOM too
                except UnicodeDecodeError:
                    if not is_utf8:
                        raise QcError(_(
                            "{path}: line {line} is neither UTF-8 nor GB18030; say which with --encoding "
                            "(latin-1, cp1250, …), or save the file as UTF-8").format(
                            path=self.path, line=number)) from None
                    whole = False
                    continue
                for ch in _NON_ASCII.findall(decoded):
                    if ch not in is_common:
                        is_common[ch] = _in_gb2312(ch)
                    if is_common[ch]:
                        common += 1
                    else:
                        uncommon += 1
        finally:
            text.detach()  # the file stays open, for the lines
            self._file.seek(0)
        if not first:  # no line found that is not UTF-8: a line too long to look at is
            return "utf-8"
        if not whole or uncommon > common:
            raise QcError(_(
                "{path}: line {line} is not UTF-8 and the file does not read as Chinese GB18030 "
                "either: save the file as UTF-8, or name its encoding with --encoding latin-1 "
                "(or cp1250, gb18030, …)").format(path=self.path, line=first))
        return "gb18030"

    def _given(self, name: str, *, ascii_first: bool = False) -> Iterator[str]:
        """Lines in an encoding whose line ends and commas are ASCII's, read as bytes (each a
        Latin-1 character: split at \n, \r\n or \r, bounded) and decoded; `ascii_first`: one in
        which a line of ASCII is itself (UTF-8, GB18030), so it needs no decoding."""
        decode = codecs.getincrementaldecoder(name)("strict").decode
        readline, limit = self._read_as("latin-1").readline, MAX_LINE_BYTES + 1
        while line := readline(limit):
            self._counted(line, len(line))
            if not (ascii_first and line.isascii()):
                try:
                    line = decode(line.encode("latin-1"))  # the same line, as text
                except UnicodeDecodeError:
                    raise QcError(_("{path}: line {line} is not valid {name}").format(
                        path=self.path, line=self.line, name=self.encoding or name)) from None
            yield self._first(line) if self.line == 1 else line

    def _wide(self, name: str) -> Iterator[str]:
        """Lines in an encoding named whose line ends are not ASCII's (UTF-16, UTF-32)."""
        text = self._read_as(name)
        while True:
            try:
                line = text.readline(MAX_LINE_BYTES + 1)
            except UnicodeDecodeError:
                raise QcError(_("{path} is not valid {name}").format(
                    path=self.path, name=self.encoding)) from None
            if not line:
                return
            line = self._counted(line, len(line))
            yield self._first(line) if self.line == 1 else line


def _open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading when it is an ordinary file; QcError, before opening, if not."""
    try:
        found = os.stat(path)
    except OSError as exc:
        raise QcError(_("{path} cannot be read: {error}").format(path=path, error=exc.strerror)) from exc
    _refuse_unordinary(path, found.st_mode)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # O_BINARY: Windows, which has no pipes to fear
    flags |= getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: a pipe put there since the check does not hang
    except OSError as exc:
        raise QcError(_("{path} cannot be read: {error}").format(path=path, error=exc.strerror)) from exc
    try:
        _refuse_unordinary(path, os.fstat(fd).st_mode)
    except QcError:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _refuse_unordinary(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise QcError(_("{path} is a folder: name the CSV file to import").format(path=path))
    if not stat.S_ISREG(mode):
        raise QcError(_("{path} is not an ordinary file (a device, a pipe or a socket): only a saved "
                        "CSV file can be imported").format(path=path))


def _in_gb2312(ch: str) -> bool:
    """Whether `ch` is one of GB2312's characters (the common Chinese ones and their symbols)."""
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _read_rows(source: _Source, required: Sequence[str], extra_column: Callable[[str], str | None],
               optional: Sequence[str] = ()) -> tuple[list[str], Iterator[Row], _Problems]:
    """Parse the header, then give the records one at a time (a generator: nothing but the
    header is held); header problems are reported on line 1. A cell as the program's export
    wrote it (a quote before a formula's sign) is read as it was."""
    problems = _Problems()
    reader = csv.reader(source.lines(), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems.add(1, None, _("the file is empty; the first line must name the columns"))
        return [], iter(()), problems
    except csv.Error as exc:
        problems.add(1, None, _("the header cannot be read: {error}").format(error=exc))
        return [], iter(()), problems
    source.next_record()
    if len(header) > MAX_COLUMNS:
        raise QcError(_("{path}: the first line names {n} columns; a file of heats or ingots has at "
                        "most {limit} (nothing imported)").format(path=source.path, n=len(header),
                                                                  limit=MAX_COLUMNS))
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        problems.add(1, None, _("the file seems to separate cells with {separator}; save it with commas")
                     .format(separator="';'" if ";" in header[0] else _("tabs")))
    known = {c.lower(): c for c in (*required, *optional)}
    columns: list[str] = []
    for number, name in enumerate(header, start=1):  # by position: a name may be blank or repeated
        canonical = known.get(name.lower())
        if canonical is None:
            trouble = extra_column(name)
            if trouble:
                problems.add(1, name or "?", trouble, number)
            canonical = name
        if canonical in columns:
            problems.add(1, name, _("this column is named twice"), number)
        columns.append(canonical)
    problems.columns = {name: i for i, name in enumerate(columns, start=1)}
    missing = [name for name in required if name not in columns]
    for name in missing:
        problems.add(1, None, _("the column {name!r} is missing; the first line must name: {all}").format(
            name=name, all=", ".join(required)))
    if missing:  # the rows cannot be read without their columns
        return columns, iter(()), problems
    return columns, _records(source, reader, columns, problems), problems


def _records(source: _Source, reader: Iterator[list[str]], columns: list[str],
             problems: _Problems) -> Iterator[Row]:
    count, width = 0, len(columns)
    try:
        for record in reader:
            start = source.record_start
            source.record_start, source.record_bytes = source.line + 1, 0  # the next record's
            if len(problems.items) >= MAX_PROBLEMS:
                problems.add(start, None, _("more than {n} problems: the rest of the file was not read"
                                            ).format(n=MAX_PROBLEMS))
                return
            joined = "".join(record)
            if not joined.strip():  # blank cells only
                continue
            count += 1
            if count > MAX_RECORDS:
                raise QcError(_("{path}: more than {n} records; split the file (nothing imported)").format(
                    path=source.path, n=f"{MAX_RECORDS:,}"))
            if len(record) != width:
                problems.add(start, None, _("{found} cells where the header names {expected}").format(
                    found=len(record), expected=width))
                continue
            refused: frozenset[str] = frozenset()
            if _CONTROL.search(joined):  # rare: then find the cells
                refused = frozenset(_control_cells(start, columns, record, problems))
            cells = [read_cell(cell) for cell in record] if "'" in joined else record
            yield Row(start, dict(zip(columns, cells, strict=False)), refused)  # as many: checked above
    except csv.Error as exc:
        problems.add(source.record_start, None,
                     _("the file cannot be read from here on: {error}").format(error=exc))


def _control_cells(line: int, columns: Sequence[str], record: Sequence[str],
                   problems: _Problems) -> list[str]:
    """The columns whose cell holds a control character (blanks around a cell are dropped)."""
    found = []
    for number, (column, cell) in enumerate(zip(columns, record, strict=True), start=1):
        match = _CONTROL.search(cell.strip())
        if match:
            problems.add(line, column, _(
                "holds a control character ({code}); a cell must be plain text on one line").format(
                code=f"U+{ord(match.group()):04X}"), number)
            found.append(column)
    return found


def _element_column(name: str) -> str | None:
    if name in ELEMENTS:
        return None
    matches = [el for el in ELEMENTS if el.lower() == name.lower()]
    if matches:
        return _("write the element symbol as {symbol!r}").format(symbol=matches[0])
    return _("unknown column: neither a heat field nor a chemical element symbol")


def _no_extra(name: str) -> str | None:
    return _("unknown column; the columns are: {all}").format(all=", ".join(INGOT_COLUMNS + INGOT_OPTIONAL))


def _cell(row: Row, column: str, problems: _Problems, parse: Callable[[str], _T]) -> _T | None:
    if column in row.refused:
        return None
    try:
        return parse(row.cells[column])
    except InputError as exc:
        problems.add(row.line, column, exc.problem)
        return None


class _Reader(Generic[_T]):
    """A column's reader (`_once`, `_text_once`): called on a row, its cell's value, or None
    with the problem noted; `seen` holds the value of every text read without a problem."""

    __slots__ = ("_read", "seen")

    def __init__(self, read: Callable[[Row, _Problems], _T | None], seen: dict[str, _T]) -> None:
        self._read = read
        self.seen = seen

    def __call__(self, row: Row, problems: _Problems) -> _T | None:
        return self._read(row, problems)


def _once(column: str, parse: Callable[[str], _T]) -> _Reader[_T]:
    """`_cell` of `column` that parses each distinct text once (a file repeats its inspectors,
    dispositions, defects, heat numbers and weights thousands of times); a refused cell is
    read again, and its problem noted, each time."""
    seen: dict[str, _T] = {}

    def read(row: Row, problems: _Problems) -> _T | None:
        text = row.cells[column]
        found = seen.get(text)
        if found is not None and column not in row.refused:
            return found
        value = _cell(row, column, problems, parse)
        if value is not None and column not in row.refused:
            seen[text] = value
        return value
    return _Reader(read, seen)


def _text_once(column: str, max_len: int, kind: Callable[[str], str | None] = unseen) -> _Reader[str]:
    """`_text_cell` of `column`, each distinct text checked once (see `_once`)."""
    seen: dict[str, str] = {}

    def read(row: Row, problems: _Problems) -> str | None:
        text = row.cells[column]
        found = seen.get(text)
        if found is not None and column not in row.refused:
            return found
        value = _text_cell(row, column, problems, max_len, kind)
        if value is not None:
            seen[text] = value
        return value
    return _Reader(read, seen)


def _text_cell(row: Row, column: str, problems: _Problems, max_len: int,
               kind: Callable[[str], str | None] = unseen) -> str | None:
    """A required text cell in NFKC form (as typed with a Chinese input method) and trimmed;
    refused when a character of it cannot be seen, or for `kind`'s reason (a new code's). What
    is checked against the database (a converter, a grade, a person) is checked there."""
    if column in row.refused:
        return None
    typed = row.cells[column]
    value = normalise_code(typed).strip()
    problem = None if typed.isascii() else unseen(typed) or kind(value)  # ASCII: controls only, found
    if problem:
        problems.add(row.line, column, problem)
        return None
    if not value:
        problems.add(row.line, column, _("must not be empty"))
        return None
    if len(value) > max_len:
        problems.add(row.line, column, _("is longer than {n} characters").format(n=max_len))
        return None
    return value


def parse_tapped_at(text: str, now: datetime | None = None) -> datetime:
    """'YYYY-MM-DD HH:MM' (local time) as a datetime; full-width digits and colons are
    read as ASCII; a date that does not exist, before 1900 or more than a day after
    `now` (default: the clock) is refused."""
    cleaned = normalise_width(normalise_code(text)).strip()
    if not _TAPPED_AT.fullmatch(cleaned):
        raise InputError("tapped_at", _("{text!r} is not a time written YYYY-MM-DD HH:MM").format(text=text))
    try:
        moment = datetime.fromisoformat(cleaned)  # as strptime's "%Y-%m-%d %H:%M" reads it, faster
    except ValueError as exc:
        raise InputError("tapped_at", _("{text!r} is not a date and time that exists").format(
            text=text)) from exc
    return check_tap_time(moment, datetime.now() if now is None else now)


def parse_defects(text: str, catalogue: Collection[str] | None = None) -> tuple[IngotDefect, ...]:
    """'TCRK@top; SCAB' → defects; bad locations or repeats refused, and codes not in
    `catalogue` when it is given (an import checks codes against the database later)."""
    problem = unseen(text)
    if problem:
        raise InputError("defects", problem)
    defects: list[IngotDefect] = []
    for item in normalise_code(text).split(";"):
        if not item.strip():
            continue
        code, at, where = (part.strip() for part in item.partition("@"))
        code = code.upper()
        if not code:
            raise InputError("defects", _("{item!r} names no defect code").format(item=item.strip()))
        if catalogue is not None and code not in catalogue:
            raise InputError("defects", _("{code!r} is not in the defect catalogue").format(code=code))
        location = None
        if at:
            try:
                location = Location(where.lower())
            except ValueError as exc:
                raise InputError("defects", _("{where!r} is not a location; use @top, @middle or @bottom"
                                              ).format(where=where)) from exc
        defect = IngotDefect(code, location)
        if defect in defects:
            raise InputError("defects", _("{defect} is listed twice").format(defect=defect))
        defects.append(defect)
    return tuple(defects)


@contextmanager
def _bulk() -> Iterator[None]:
    """Python's cycle collector paused while a file is read and saved: the records it holds
    (some objects per row, none in a cycle) would have it walk them all again and again, a
    sixth of a large import's time. Restarted after, unless it was already paused."""
    was_running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_running:
            gc.enable()


def _import(store: Store, file: _File[_L], check: Callable[[Store, _File[_L]], list[_T]],
            insert: Callable[[list[_T], Progress | None], int], progress: Progress | None) -> int:
    """Save a file already read on its own (no database, no lock): all of it, or nothing."""
    if file.problems.items:
        check(store, file)  # refused anyway: add the database's problems, read-only, and raise
    with store.transaction():  # the database's checks and the insert see one state
        count = insert(check(store, file), progress)
    store.wrote_many(count)
    return count


def _refuse(file: _File[_L], problems: _Problems) -> None:
    if problems.items:
        raise ImportRefused(str(file.path), problems.items)


# ------------------------------------------------------------------- heats

def _parse_heats(path: Path, encoding: str | None) -> _File[_HeatLine]:
    """Read a heats file and check every cell that needs no database."""
    with _Source(path, encoding) as source:
        return _heats_of(source)


def _heats_of(source: _Source) -> _File[_HeatLine]:
    columns, rows, problems = _read_rows(source, HEAT_COLUMNS, _element_column, HEAT_OPTIONAL)
    elements = [c for c in columns if c not in HEAT_COLUMNS and c in ELEMENTS]
    tapped_at_of = partial(parse_tapped_at, now=datetime.now())  # each its own: no repeats to save
    weight_of = _once("tap_weight_t", partial(parse_in_range, field="tap_weight_t", valid=TAP_WEIGHT_T))
    temp_of = _once("tap_temp_c", partial(parse_optional, field="tap_temp_c", valid=TAP_TEMP_C))
    element_of = {el: _once(el, partial(parse_optional, field=el, valid=CHEMISTRY_PCT)) for el in elements}
    converter_of, grade_of = _text_once("converter", 16), _text_once("grade", 32)
    inspector_of = _text_once("inspector", 80)
    seen: dict[str, int] = {}
    lines: list[_HeatLine] = []
    for row in rows:
        before = len(problems.items)
        heat_no = _text_cell(row, "heat_no", problems, 32, code_problem)  # each its own
        repeat = heat_no is not None and heat_no in seen
        if heat_no is not None and repeat:
            problems.add(row.line, "heat_no", _("heat {heat_no} is also on line {line}").format(
                heat_no=heat_no, line=seen[heat_no]))
        elif heat_no is not None:
            seen[heat_no] = row.line
        converter = converter_of(row, problems)
        grade = grade_of(row, problems)
        tapped_at = _cell(row, "tapped_at", problems, tapped_at_of)
        weight = weight_of(row, problems)
        temp = temp_of(row, problems)
        inspector = inspector_of(row, problems)
        notes = "" if "notes" not in row.cells or "notes" in row.refused else row.cells["notes"]
        analysis: dict[str, float] = {}
        for el, read in element_of.items():
            value = read(row, problems)
            if value is not None:
                analysis[el] = value
        heat = None
        if (len(problems.items) == before and heat_no and converter and grade and inspector
                and tapped_at is not None and weight is not None):
            heat = NewHeat(heat_no, converter, tapped_at, grade, weight, temp, inspector, notes, analysis)
        lines.append(_HeatLine(row.line, heat_no, converter, grade, repeat, heat))
    return _File(source.path, lines, problems)


def _check_heats(store: Store, file: _File[_HeatLine]) -> list[NewHeat]:
    """The heats of a parsed file, checked against the database (only read); ImportRefused
    lists every problem, of the file and of the database."""
    problems = file.problems.copy()
    converters = {c.code: c for c in store.converters()}
    grades = set(store.grades())
    inspectors = _Inspectors(store)
    converter_codes, grade_codes = LookAlikes(converters), LookAlikes(grades)
    existing = store.existing_heat_nos({ln.heat_no for ln in file.lines if ln.heat_no is not None})
    for ln in file.lines:
        if ln.heat_no is not None and ln.heat_no in existing and not ln.repeat:
            problems.add(ln.line, "heat_no", _("heat {heat_no} is already in the database").format(
                heat_no=ln.heat_no))
        if ln.converter is not None:
            converter = converters.get(ln.converter)
            if converter is None:
                problems.add(ln.line, "converter", converter_codes.problem(ln.converter) or _(
                    "there is no converter {code!r}; known: {known}").format(
                    code=ln.converter, known=", ".join(converters)))
            elif not converter.active:
                problems.add(ln.line, "converter",
                             _("converter {code} is out of service").format(code=ln.converter))
        if ln.grade is not None and ln.grade not in grades:
            problems.add(ln.line, "grade", grade_codes.problem(ln.grade) or _(
                "there is no grade {grade!r}").format(grade=ln.grade))
        problem = inspectors.refusal(ln.heat.inspector) if ln.heat is not None else None
        if problem:
            problems.add(ln.line, "inspector", problem)
    _refuse(file, problems)
    return [ln.heat for ln in file.lines if ln.heat is not None]


class _Inspectors:
    """Why an inspector's name is refused: it looks like someone else of the database's people,
    or mixes Latin with Cyrillic or Greek letters in one word (the store refuses them too)."""

    def __init__(self, store: Store) -> None:
        self._people = LookAlikes(p.name for p in store.people())
        self._found: dict[str, str | None] = {}  # a file repeats a few names

    def refusal(self, name: str) -> str | None:
        if name not in self._found:
            self._found[name] = self._people.problem(name) or name_problem(name)
        return self._found[name]


def read_heats(store: Store, path: Path, encoding: str | None = None) -> list[NewHeat]:
    """Check a heats file against the database, writing nothing: the heats it would
    import, or ImportRefused listing every problem."""
    return _check_heats(store, _parse_heats(Path(path), encoding))


def import_heats(store: Store, path: Path, *, encoding: str | None = None,
                 progress: Progress | None = None) -> int:
    """Import a heats file whole, or nothing; the number of heats imported."""
    with _bulk():
        return _import(store, _parse_heats(Path(path), encoding), _check_heats, store.import_heats,
                       progress)


@dataclass(frozen=True)
class HeatsImported:
    """What an import of heats did: how many heats it saved, and which of them no standard
    edition judges (their grade has none in force on their tap date)."""

    count: int
    unjudged: list[Unjudged]


def import_heats_summary(store: Store, path: Path, *, encoding: str | None = None,
                         progress: Progress | None = None) -> HeatsImported:
    """Import a heats file whole, or nothing, as `import_heats` does; and say which heats are
    left unjudgeable (looked at after the write, outside its lock)."""
    taps: list[tuple[str, date]] = []

    def insert(heats: list[NewHeat], progress: Progress | None) -> int:
        count = store.import_heats(heats, progress)
        taps.extend((h.grade, h.tapped_at.date()) for h in heats)  # once saved: all of them
        return count

    with _bulk():
        count = _import(store, _parse_heats(Path(path), encoding), _check_heats, insert, progress)
    return HeatsImported(count, unjudged(taps, store.standards()))


def export_heats(store: Store, path: Path, date_from: date | None = None,
                 date_to: date | None = None, *, force: bool = False) -> int:
    """Write heats (with their analysis and, when any has them, notes) in the import format;
    the number written. An existing file is replaced only with `force`. The heats are read
    while the file is written: memory stays bounded however many there are."""
    target = _export_target(store, path, date_from, date_to, force)
    span = _span(store, date_from, date_to)
    elements, with_notes = store.heat_export_columns(*span) if span else ([], False)
    notes = ["notes"] if with_notes else []  # like the elements: when there are any
    # every cell as SafeWriter makes it; the same few converters, grades, people and values
    # over and over: each made once
    cell, number = _Memo(safe_cell), _Memo(_safe_number)
    count = 0
    with _open_out(target) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([safe_cell(c) for c in (*HEAT_COLUMNS, *notes, *elements)])
        for h in store.heat_export_rows(*span) if span else iter(()):
            analysis = h.analysis
            writer.writerow([
                cell[h.heat_no], cell[h.converter], cell[h.tapped_at], cell[h.grade], number[h.tap_weight_t],
                "" if h.tap_temp_c is None else number[h.tap_temp_c], cell[h.inspector],
                *([cell[h.notes]] if notes else []),
                *("" if el not in analysis else number[analysis[el]] for el in elements)])
            count += 1
    return count


def _safe_number(value: float) -> str:
    """A number's cell: as `format_number` writes it, made safe as every cell is."""
    return safe_cell(format_number(value))


# ------------------------------------------------------------------ ingots

def _parse_ingots(path: Path, encoding: str | None) -> _File[_IngotLine]:
    """Read an ingots file and check every cell that needs no database."""
    with _Source(path, encoding) as source:
        return _ingots_of(source)


def _ingots_of(source: _Source) -> _File[_IngotLine]:
    _columns, rows, problems = _read_rows(source, INGOT_COLUMNS, _no_extra, INGOT_OPTIONAL)
    heat_no_of, inspector_of = _text_once("heat_no", 32), _text_once("inspector", 80)
    ingot_no_of, defects_of = _once("ingot_no", _parse_ingot_no), _once("defects", parse_defects)
    weight_of = _once("weight_kg", partial(parse_in_range, field="weight_kg", valid=INGOT_WEIGHT_KG))
    disposition_of = _once("disposition", _parse_disposition)
    seen: dict[tuple[str, int], int] = {}
    lines: list[_IngotLine] = []
    # a cell read before is looked up here, not through its reader (a file repeats them all, and
    # each reader's call is a tenth of the time of a row): a refused cell goes through its reader
    known = (heat_no_of.seen, ingot_no_of.seen, weight_of.seen, disposition_of.seen, defects_of.seen,
             inspector_of.seen)
    heat_nos, ingot_nos, weights, dispositions, defect_lists, inspectors = known
    for row in rows:
        before = len(problems.items)
        cells = row.cells
        if row.refused or "regrade_to" in cells:  # the rare rows: each cell through its reader
            heat_no = heat_no_of(row, problems)
            ingot_no = ingot_no_of(row, problems)
            weight = weight_of(row, problems)
            disposition = disposition_of(row, problems)
            defects = defects_of(row, problems)
            inspector = inspector_of(row, problems)
            regrade_to = _regrade_cell(row, disposition, problems)
        else:
            heat_no = heat_nos.get(cells["heat_no"]) or heat_no_of(row, problems)
            ingot_no = ingot_nos.get(cells["ingot_no"]) or ingot_no_of(row, problems)
            weight = weights.get(cells["weight_kg"]) or weight_of(row, problems)
            disposition = dispositions.get(cells["disposition"]) or disposition_of(row, problems)
            defects = defect_lists.get(cells["defects"])
            if defects is None:
                defects = defects_of(row, problems)
            inspector = inspectors.get(cells["inspector"]) or inspector_of(row, problems)
            regrade_to = None
        repeat = False
        if heat_no is not None and ingot_no is not None:
            key = (heat_no, ingot_no)
            repeat = key in seen
            if repeat:
                problems.add(row.line, "ingot_no", _(
                    "ingot {n} of heat {heat_no} is also on line {line}").format(
                    n=ingot_no, heat_no=heat_no, line=seen[key]))
            else:
                seen[key] = row.line
        ingot = None
        if (len(problems.items) == before and ingot_no is not None and weight is not None
                and disposition is not None and defects is not None and inspector):
            ingot = NewIngot(ingot_no, weight, disposition, inspector, defects, regrade_to=regrade_to)
        lines.append(_IngotLine(row.line, heat_no, ingot_no, defects, repeat, ingot))
    return _File(source.path, lines, problems)


def _check_ingots(store: Store, file: _File[_IngotLine]) -> list[tuple[str, NewIngot]]:
    """The ingots of a parsed file, checked against the database (only read); ImportRefused
    lists every problem, of the file and of the database."""
    problems = file.problems.copy()
    catalogue = {d.code for d in store.defects(active_only=True)}
    inspectors = _Inspectors(store)
    saved = store.existing_ingot_nos({ln.heat_no for ln in file.lines if ln.heat_no is not None})
    grades: dict[str, list[str]] = {}  # the grades each heat's ingots may be re-graded to
    ingots: list[tuple[str, NewIngot]] = []
    for ln in file.lines:
        if ln.heat_no is not None and ln.heat_no not in saved:
            problems.add(ln.line, "heat_no", _("there is no heat {heat_no!r}").format(heat_no=ln.heat_no))
        elif (ln.heat_no is not None and ln.ingot_no is not None and not ln.repeat
              and ln.ingot_no in saved[ln.heat_no]):
            problems.add(ln.line, "ingot_no", _("heat {heat_no} already has ingot {n}").format(
                heat_no=ln.heat_no, n=ln.ingot_no))
        unknown = [d.code for d in ln.defects or () if d.code not in catalogue]
        if unknown:
            problems.add(ln.line, "defects", _("{code!r} is not in the defect catalogue").format(
                code=unknown[0]))
        problem = inspectors.refusal(ln.ingot.inspector) if ln.ingot is not None else None
        if problem:
            problems.add(ln.line, "inspector", problem)
        if ln.ingot is not None and ln.ingot.regrade_to and ln.heat_no in saved:
            if ln.heat_no not in grades:
                grades[ln.heat_no] = store.regrade_grades(ln.heat_no)
            if ln.ingot.regrade_to not in grades[ln.heat_no]:
                problems.add(ln.line, "regrade_to", _(
                    "heat {heat_no} does not satisfy {grade}; the grades it satisfies: {grades}").format(
                    heat_no=ln.heat_no, grade=ln.ingot.regrade_to,
                    grades=", ".join(grades[ln.heat_no]) or _("none")))
        if ln.heat_no is not None and ln.ingot is not None:
            ingots.append((ln.heat_no, ln.ingot))
    _refuse(file, problems)
    return ingots


def read_ingots(store: Store, path: Path, encoding: str | None = None) -> list[tuple[str, NewIngot]]:
    """Check an ingots file against the database, writing nothing: the (heat number,
    ingot) pairs it would import, or ImportRefused listing every problem."""
    return _check_ingots(store, _parse_ingots(Path(path), encoding))


def import_ingots(store: Store, path: Path, *, encoding: str | None = None,
                  progress: Progress | None = None) -> int:
    """Import an ingots file whole, or nothing; the number of ingots imported."""
    with _bulk():
        return _import(store, _parse_ingots(Path(path), encoding), _check_ingots, store.import_ingots,
                       progress)


def export_ingots(store: Store, path: Path, date_from: date | None = None,
                  date_to: date | None = None, *, force: bool = False) -> int:
    """Write ingots in the import format; the number written. An existing file is replaced
    only with `force`. The ingots are read while the file is written (ten years of them in
    bounded memory), each cell made safe as `SafeWriter` makes it."""
    target = _export_target(store, path, date_from, date_to, force)
    span = _span(store, date_from, date_to)
    # the same few inspectors, defect lists and weights over and over: each made once
    cell, number = _Memo(safe_cell), _Memo(_safe_number)
    count = 0
    regraded = span is not None and store.any_regrade_to(*span)  # a column when any ingot names one

    def line(ingot: ExportIngot) -> tuple[str | int, ...]:  # the ingot number: digits
        nonlocal count
        count += 1
        heat_no, ingot_no, weight_kg, disposition, defects, inspector, regrade_to = ingot
        return (cell[heat_no], ingot_no, number[weight_kg], cell[disposition], cell[defects], cell[inspector],
                *((cell[regrade_to],) if regraded else ()))

    with _open_out(target) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([safe_cell(c) for c in INGOT_COLUMNS + (INGOT_OPTIONAL if regraded else ())])
        writer.writerows(map(line, store.ingot_export_rows(*span) if span else ()))
    return count


def _regrade_cell(row: Row, disposition: Disposition | None, problems: _Problems) -> str | None:
    """The optional regrade_to cell: a grade, only for a re-graded ingot (whether the heat
    satisfies it is checked against the database)."""
    if "regrade_to" not in row.cells or "regrade_to" in row.refused:
        return None
    typed = row.cells["regrade_to"]
    grade = normalise_code(typed).strip()
    if not grade:
        return None
    problem = unseen(typed) or (_("is longer than {n} characters").format(n=32) if len(grade) > 32 else None)
    if problem is None and disposition is not None and disposition is not Disposition.REGRADED:
        problem = _("only a re-graded ingot is released as another grade")
    if problem:
        problems.add(row.line, "regrade_to", problem)
        return None
    return grade


class _Memo(dict[_K, str]):
    """A function's results by argument, made on first use; forgotten wholesale past a size, so
    memory stays bounded whatever is read."""

    SIZE = 50_000

    def __init__(self, function: Callable[[_K], str]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, key: _K) -> str:
        if len(self) >= self.SIZE:
            self.clear()
        value = self[key] = self.function(key)
        return value


def _parse_ingot_no(text: str) -> int:
    cleaned = normalise_width(text).strip()
    if not _WHOLE.fullmatch(cleaned) or not 1 <= int(cleaned) <= 9999:
        raise InputError("ingot_no", _(
            "{text!r} is not an ingot number (a whole number from 1 to 9999)").format(text=text))
    return int(cleaned)


def _parse_disposition(text: str) -> Disposition:
    key = normalise_code(text).strip().lower()
    if key not in _DISPOSITIONS:
        raise InputError("disposition", _("{text!r} is not a disposition; use one of: {known}").format(
            text=text, known=" ".join(d.value for d in Disposition)))
    return _DISPOSITIONS[key]


# ------------------------------------------------------------------ export

def _span(store: Store, date_from: date | None, date_to: date | None) -> tuple[date, date] | None:
    whole = store.date_span()
    if whole is None:
        return None
    return (date_from or whole[0], date_to or whole[1])


def _export_target(store: Store, path: Path, date_from: date | None, date_to: date | None,
                   force: bool) -> Path:
    """The file an export may write (symbolic links followed), or QcError before anything
    is written: dates the wrong way round, or a path `qcdesk.outputs` refuses (the database
    and the files kept for it, a folder, a device or a pipe, or an existing file without
    `force`)."""
    if date_from is not None and date_to is not None and date_to < date_from:
        raise QcError(_("the end date {end} is before the start date {start}").format(
            end=date_to, start=date_from))
    return outputs.check_target(path, store.path, force=force)


class _open_out:
    """Write a CSV file as UTF-8 with a byte-order mark (so spreadsheets read 中文),
    through a temporary file renamed into place: a failed export leaves no half file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.tmp = self.path.with_name(self.path.name + ".part")

    def __enter__(self) -> io.TextIOWrapper:
        try:
            self.tmp.unlink(missing_ok=True)  # left by a crash; "x" below follows no link
            self.file = self.tmp.open("x", encoding="utf-8", newline="")
        except OSError as exc:
            raise QcError(_("{path} cannot be written: {error}").format(
                path=self.path, error=exc.strerror)) from exc
        # the mark by hand, then plain UTF-8: the same bytes as "utf-8-sig" writes, without its
        # encoder's Python call on every line
        self.file.write(BYTE_ORDER_MARK)
        return self.file

    def __exit__(self, exc_type: object, exc: BaseException | None, *rest: object) -> None:
        try:
            self.file.close()  # flushes: may find the disk full
            if exc is None:
                self.tmp.replace(self.path)
        except OSError as error:  # e.g. the disk full, or a folder made there meanwhile
            exc = exc or error
        if exc is not None:
            self.tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise QcError(_("{path} cannot be written: {error}").format(
                path=self.path, error=exc.strerror or exc)) from exc
