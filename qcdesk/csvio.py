"""CSV import and export of heats (with their analysis) and ingots.

A file imports whole or not at all: every row is read and checked first, and
any bad row refuses the file, naming each problem as ``line N, column C``;
only a clean file is written, in one transaction. Files are UTF-8 (with or
without a byte-order mark) or GB18030, detected, or as the caller says.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path

from qcdesk.errors import ImportRefused, InputError, QcError, RowProblem
from qcdesk.i18n import _
from qcdesk.model import (
    DISPOSITION_NAMES,
    ELEMENTS,
    Disposition,
    Heat,
    IngotDefect,
    Location,
    element_sort_key,
)
from qcdesk.numbers import (
    CHEMISTRY_PCT,
    INGOT_WEIGHT_KG,
    TAP_TEMP_C,
    TAP_WEIGHT_T,
    format_number,
    normalise_width,
    parse_in_range,
    parse_optional,
)
from qcdesk.store import NewHeat, NewIngot, Store

HEAT_COLUMNS = ("heat_no", "converter", "tapped_at", "grade", "tap_weight_t", "tap_temp_c", "inspector")
INGOT_COLUMNS = ("heat_no", "ingot_no", "weight_kg", "disposition", "defects", "inspector")
Progress = Callable[[int, int], None]

_TAPPED_AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}")
_WHOLE = re.compile(r"[0-9]{1,4}")
# English code or 中文 name → disposition, so a sheet typed in Chinese imports too.
_DISPOSITIONS = {d.value: d for d in Disposition} | {zh: d for d, (_en, zh) in DISPOSITION_NAMES.items()}


@dataclass(frozen=True)
class Row:
    """One record of a CSV file: its first line number and its cells by column."""

    line: int
    cells: dict[str, str]


class _Problems:
    """Collects every problem of a file, so the user sees them all at once."""

    def __init__(self, header: Sequence[str]) -> None:
        self.columns = {name: i for i, name in enumerate(header, start=1)}
        self.items: list[RowProblem] = []

    def add(self, line: int, column: str | None, problem: str, number: int | None = None) -> None:
        if number is None and column:
            number = self.columns.get(column)
        self.items.append(RowProblem(line, number, column, problem))


def read_text(path: Path, encoding: str | None = None) -> str:
    """The file's text: the given encoding, else UTF-8 (BOM or not), else GB18030."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QcError(_("{path} cannot be read: {error}").format(path=path, error=exc.strerror)) from exc
    if encoding:
        try:
            return raw.decode(encoding).removeprefix("\ufeff")
        except LookupError as exc:
            raise QcError(_("unknown encoding {name!r}").format(name=encoding)) from exc
        except UnicodeDecodeError as exc:
            raise QcError(_("{path} is not valid {name} (byte {pos})").format(
                path=path, name=encoding, pos=exc.start)) from exc
    for candidate in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(candidate).removeprefix("\ufeff")  # GB18030 has a BOM too
        except UnicodeDecodeError:
            continue
    raise QcError(_("{path} is neither UTF-8 nor GB18030; say which with --encoding").format(path=path))


def _read_rows(text: str, required: Sequence[str], problems_for: Callable[[Sequence[str]], _Problems],
               extra_column: Callable[[str], str | None]) -> tuple[list[str], list[Row], _Problems]:
    """Parse the header and the records; header problems are reported on line 1."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems = problems_for([])
        problems.add(1, None, _("the file is empty; the first line must name the columns"))
        return [], [], problems
    except csv.Error as exc:
        problems = problems_for([])
        problems.add(1, None, _("the header cannot be read: {error}").format(error=exc))
        return [], [], problems
    problems = problems_for(header)
    known = {c.lower(): c for c in required}
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
        return columns, [], problems
    rows: list[Row] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(columns):
                problems.add(start, None, _("{found} cells where the header names {expected}").format(
                    found=len(record), expected=len(columns)))
                continue
            rows.append(Row(start, dict(zip(columns, record, strict=True))))
    except csv.Error as exc:
        problems.add(line, None, _("the file cannot be read from here on: {error}").format(error=exc))
    return columns, rows, problems


def _element_column(name: str) -> str | None:
    if name in ELEMENTS:
        return None
    matches = [el for el in ELEMENTS if el.lower() == name.lower()]
    if matches:
        return _("write the element symbol as {symbol!r}").format(symbol=matches[0])
    return _("unknown column: neither a heat field nor a chemical element symbol")


def _no_extra(name: str) -> str | None:
    return _("unknown column; the columns are: {all}").format(all=", ".join(INGOT_COLUMNS))


def _cell(row: Row, column: str, problems: _Problems, parse: Callable[[str], object]) -> object:
    try:
        return parse(row.cells[column])
    except InputError as exc:
        problems.add(row.line, column, exc.problem)
        return None


def _text_cell(row: Row, column: str, problems: _Problems, max_len: int) -> str | None:
    value = normalise_width(row.cells[column]).strip() if column != "inspector" else row.cells[column].strip()
    if not value:
        problems.add(row.line, column, _("must not be empty"))
        return None
    if len(value) > max_len:
        problems.add(row.line, column, _("is longer than {n} characters").format(n=max_len))
        return None
    return value


def parse_tapped_at(text: str) -> datetime:
    """'YYYY-MM-DD HH:MM' (local time) as a datetime; a date that does not exist is refused."""
    cleaned = normalise_width(text).strip()
    if not _TAPPED_AT.fullmatch(cleaned):
        raise InputError("tapped_at", _("{text!r} is not a time written YYYY-MM-DD HH:MM").format(text=text))
    try:
        return datetime.strptime(cleaned, "%Y-%m-%d %H:%M")
    except ValueError as exc:
        raise InputError("tapped_at", _("{text!r} is not a date and time that exists").format(
            text=text)) from exc


def parse_defects(text: str, catalogue: set[str]) -> tuple[IngotDefect, ...]:
    """'TCRK@top; SCAB' → defects; unknown codes, locations or repeats refused."""
    defects: list[IngotDefect] = []
    for item in normalise_width(text).split(";"):
        if not item.strip():
            continue
        code, at, where = (part.strip() for part in item.partition("@"))
        code = code.upper()
        if code not in catalogue:
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


# ------------------------------------------------------------------- heats

def read_heats(store: Store, path: Path, encoding: str | None = None) -> list[NewHeat]:
    """Read and check a heats file against the database; ImportRefused lists every problem."""
    columns, rows, problems = _read_rows(read_text(path, encoding), HEAT_COLUMNS, _Problems, _element_column)
    elements = [c for c in columns if c not in HEAT_COLUMNS and c in ELEMENTS]
    converters = {c.code: c for c in store.converters()}
    grades = set(store.grades())
    seen: dict[str, int] = {}
    heats: list[NewHeat] = []
    existing = store.existing_heat_nos(normalise_width(r.cells.get("heat_no", "")).strip() for r in rows)
    for row in rows:
        heat_no = _text_cell(row, "heat_no", problems, 32)
        if heat_no is not None:
            if heat_no in existing:
                problems.add(row.line, "heat_no", _("heat {heat_no} is already in the database").format(
                    heat_no=heat_no))
            elif heat_no in seen:
                problems.add(row.line, "heat_no", _("heat {heat_no} is also on line {line}").format(
                    heat_no=heat_no, line=seen[heat_no]))
            seen.setdefault(heat_no, row.line)
        converter = _text_cell(row, "converter", problems, 16)
        if converter is not None and converter not in converters:
            problems.add(row.line, "converter", _("there is no converter {code!r}; known: {known}").format(
                code=converter, known=", ".join(converters)))
        elif converter is not None and not converters[converter].active:
            problems.add(row.line, "converter",
                         _("converter {code} is out of service").format(code=converter))
        grade = _text_cell(row, "grade", problems, 32)
        if grade is not None and grade not in grades:
            problems.add(row.line, "grade", _("there is no grade {grade!r}").format(grade=grade))
        tapped_at = _cell(row, "tapped_at", problems, parse_tapped_at)
        weight = _cell(row, "tap_weight_t", problems,
                       lambda t: parse_in_range(t, "tap_weight_t", TAP_WEIGHT_T))
        temp = _cell(row, "tap_temp_c", problems, lambda t: parse_optional(t, "tap_temp_c", TAP_TEMP_C))
        inspector = _text_cell(row, "inspector", problems, 80)
        analysis: dict[str, float] = {}
        for el in elements:
            value = _cell(row, el, problems, partial(_parse_chemistry, element=el))
            if isinstance(value, float):
                analysis[el] = value
        if problems.items:
            continue
        assert isinstance(tapped_at, datetime)
        assert isinstance(weight, float)
        heats.append(NewHeat(heat_no or "", converter or "", tapped_at, grade or "", weight,
                             temp if isinstance(temp, float) else None, inspector or "", "", analysis))
    if problems.items:
        raise ImportRefused(str(path), problems.items)
    return heats


def import_heats(store: Store, path: Path, *, encoding: str | None = None,
                 progress: Progress | None = None) -> int:
    """Import a heats file whole, or nothing; the number of heats imported."""
    path = Path(path)
    with store.transaction():  # read the database's state under the write lock
        heats = read_heats(store, path, encoding)
        return store.import_heats(heats, progress)


def export_heats(store: Store, path: Path, date_from: date | None = None,
                 date_to: date | None = None) -> int:
    """Write heats (with their analysis) in the import format; the number written."""
    heats = _heats_between(store, date_from, date_to)
    elements = sorted({el for h in heats for el in h.analysis}, key=element_sort_key)
    with _open_out(path) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*HEAT_COLUMNS, *elements])
        for h in heats:
            writer.writerow([
                h.heat_no, h.converter, h.tapped_at.strftime("%Y-%m-%d %H:%M"), h.grade,
                format_number(h.tap_weight_t),
                "" if h.tap_temp_c is None else format_number(h.tap_temp_c), h.inspector,
                *("" if el not in h.analysis else format_number(h.analysis[el]) for el in elements)])
    return len(heats)


# ------------------------------------------------------------------ ingots

def read_ingots(store: Store, path: Path, encoding: str | None = None) -> list[tuple[str, NewIngot]]:
    """Read and check an ingots file against the database; ImportRefused lists every problem."""
    _columns, rows, problems = _read_rows(read_text(path, encoding), INGOT_COLUMNS, _Problems, _no_extra)
    catalogue = {d.code for d in store.defects()}
    saved = store.existing_ingot_nos({normalise_width(r.cells.get("heat_no", "")).strip() for r in rows})
    seen: dict[tuple[str, int], int] = {}
    ingots: list[tuple[str, NewIngot]] = []
    for row in rows:
        heat_no = _text_cell(row, "heat_no", problems, 32)
        if heat_no is not None and heat_no not in saved:
            problems.add(row.line, "heat_no", _("there is no heat {heat_no!r}").format(heat_no=heat_no))
        ingot_no = _cell(row, "ingot_no", problems, _parse_ingot_no)
        weight = _cell(row, "weight_kg", problems, lambda t: parse_in_range(t, "weight_kg", INGOT_WEIGHT_KG))
        disposition = _cell(row, "disposition", problems, _parse_disposition)
        defects = _cell(row, "defects", problems, lambda t: parse_defects(t, catalogue))
        inspector = _text_cell(row, "inspector", problems, 80)
        if heat_no is not None and isinstance(ingot_no, int):
            key = (heat_no, ingot_no)
            if heat_no in saved and ingot_no in saved[heat_no]:
                problems.add(row.line, "ingot_no", _("heat {heat_no} already has ingot {n}").format(
                    heat_no=heat_no, n=ingot_no))
            elif key in seen:
                problems.add(row.line, "ingot_no", _(
                    "ingot {n} of heat {heat_no} is also on line {line}").format(
                    n=ingot_no, heat_no=heat_no, line=seen[key]))
            seen.setdefault(key, row.line)
        if problems.items:
            continue
        assert isinstance(ingot_no, int)
        assert isinstance(weight, float)
        assert isinstance(disposition, Disposition)
        assert isinstance(defects, tuple)
        ingots.append((heat_no or "", NewIngot(ingot_no, weight, disposition, inspector or "", defects)))
    if problems.items:
        raise ImportRefused(str(path), problems.items)
    return ingots


def import_ingots(store: Store, path: Path, *, encoding: str | None = None,
                  progress: Progress | None = None) -> int:
    """Import an ingots file whole, or nothing; the number of ingots imported."""
    path = Path(path)
    with store.transaction():
        ingots = read_ingots(store, path, encoding)
        return store.import_ingots(ingots, progress)


def export_ingots(store: Store, path: Path, date_from: date | None = None,
                  date_to: date | None = None) -> int:
    """Write ingots in the import format; the number written."""
    span = _span(store, date_from, date_to)
    count = 0
    with _open_out(path) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(INGOT_COLUMNS)
        for ingot in store.iter_ingots(*span) if span else iter(()):
            writer.writerow([ingot.heat_no, ingot.ingot_no, format_number(ingot.weight_kg),
                             ingot.disposition.value, ";".join(str(d) for d in ingot.defects),
                             ingot.inspector])
            count += 1
    return count


def _parse_chemistry(text: str, element: str) -> float | None:
    return parse_optional(text, element, CHEMISTRY_PCT)


def _parse_ingot_no(text: str) -> int:
    cleaned = normalise_width(text).strip()
    if not _WHOLE.fullmatch(cleaned) or not 1 <= int(cleaned) <= 9999:
        raise InputError("ingot_no", _(
            "{text!r} is not an ingot number (a whole number from 1 to 9999)").format(text=text))
    return int(cleaned)


def _parse_disposition(text: str) -> Disposition:
    key = normalise_width(text).strip().lower()
    if key not in _DISPOSITIONS:
        raise InputError("disposition", _("{text!r} is not a disposition; use one of: {known}").format(
            text=text, known=" ".join(d.value for d in Disposition)))
    return _DISPOSITIONS[key]


def _span(store: Store, date_from: date | None, date_to: date | None) -> tuple[date, date] | None:
    whole = store.date_span()
    if whole is None:
        return None
    return (date_from or whole[0], date_to or whole[1])


def _heats_between(store: Store, date_from: date | None, date_to: date | None) -> list[Heat]:
    span = _span(store, date_from, date_to)
    return store.heats(*span) if span else []


class _open_out:
    """Write a CSV file as UTF-8 with a byte-order mark (so spreadsheets read 中文),
    through a temporary file renamed into place: a failed export leaves no half file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.tmp = self.path.with_name(self.path.name + ".part")

    def __enter__(self) -> io.TextIOWrapper:
        try:
            self.file = self.tmp.open("w", encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise QcError(_("{path} cannot be written: {error}").format(
                path=self.path, error=exc.strerror)) from exc
        return self.file

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.file.close()
        if exc_type is None:
            try:
                self.tmp.replace(self.path)
            except OSError as exc:  # e.g. the path names a folder
                self.tmp.unlink(missing_ok=True)
                raise QcError(_("{path} cannot be written: {error}").format(
                    path=self.path, error=exc.strerror)) from exc
        else:
            self.tmp.unlink(missing_ok=True)


def iter_problems(error: ImportRefused) -> Iterator[str]:
    """Each problem of a refused file as one line of text."""
    return (str(p) for p in error.problems)
