"""The workshop's set-up as CSV files: the defect catalogue and the standards' editions.

Read with the import machinery of `qcdesk.csvio` (the same encodings, limits, cells a
spreadsheet cannot run, and ``line N, column C`` in every message), and saved through the
store's own set-up methods, so the refusals are the Set-up view's. A file imports whole
or not at all: it is read and checked on its own first, then checked against the
database and saved in one write transaction.

Defects (``code, name_en, name_zh, category``): a new code is added; an existing code
whose names or category differ is changed (each field an audited update); a row as the
catalogue already has it changes nothing; a defect the file does not name is left as it
is (retiring one is a decision of its own, in the Set-up view).

Standards (``grade, standard, edition, in_force_from, element, min_pct, max_pct``, one
row per limit): the rows of one grade and date form one edition, and must all name the
same standard and edition. An edition the database holds identically changes nothing;
one that differs from the database's edition of that grade and date is refused
(editions are added, never overwritten); the same standard and edition of a grade at
another date is refused too (one edition, one date). A grade not yet known is created.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import TypeVar

from qcdesk import outputs
from qcdesk.cells import SafeWriter
from qcdesk.csvio import (
    _cell,
    _File,
    _open_out,
    _Problems,
    _read_rows,
    _refuse,
    _Source,
    _text_cell,
)
from qcdesk.errors import Conflict, ImportRefused, InputError, NotFound, RowProblem
from qcdesk.i18n import _
from qcdesk.model import DEFECT_CATEGORIES, ELEMENTS, Defect, Limit, Standard, element_sort_key
from qcdesk.names import LookAlikes, code_problem, skeleton
from qcdesk.numbers import CHEMISTRY_PCT, format_chemistry, format_number, normalise_width, parse_optional
from qcdesk.store import Store

DEFECT_COLUMNS = ("code", "name_en", "name_zh", "category")
STANDARD_COLUMNS = ("grade", "standard", "edition", "in_force_from", "element", "min_pct", "max_pct")
_DEFECT_CODE = re.compile(r"[A-Z0-9_-]{1,16}")  # as the store's add_defect requires
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_L = TypeVar("_L")


@dataclass(frozen=True)
class Imported:
    """What an import of set-up data did: records added, changed, and already as in the file."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    grades_added: tuple[str, ...] = ()


def _only(columns: Sequence[str], name: str) -> str | None:
    return _("unknown column; the columns are: {all}").format(all=", ".join(columns))


def _whole(store: Store, file: _File[_L], check: Callable[[Store, _File[_L]], list[_Change]]) -> Imported:
    """Check the file against the database and apply its changes in one transaction, or refuse
    it whole: a refusal by the store names the line that caused it."""
    if file.problems.items:
        check(store, file)  # refused anyway: the database's problems too, read-only, then raise
    with store.transaction():
        changes = check(store, file)
        for change in changes:
            try:
                change.apply(store)
            except (InputError, Conflict, NotFound) as exc:  # a rule the checks above did not foresee
                raise ImportRefused(str(file.path), [RowProblem(change.line, None, None, str(exc))]) from exc
    return Imported(added=sum(c.kind == "added" for c in changes),
                    changed=sum(c.kind == "changed" for c in changes),
                    unchanged=sum(c.kind == "unchanged" for c in changes),
                    grades_added=tuple(c.key for c in changes if c.kind == "grade"))


@dataclass(frozen=True)
class _Change:
    """One thing an import does: `kind` added, changed, unchanged (nothing to do) or grade."""

    line: int
    kind: str
    key: str
    apply: Callable[[Store], object]


def _nothing(store: Store) -> None:
    return None


# ------------------------------------------------------------------ defects

@dataclass(frozen=True)
class _DefectLine:
    line: int
    code: str | None
    defect: Defect | None  # when every cell of the line was read
    repeat: bool


def _defect_code(text: str) -> str:
    code = unicodedata.normalize("NFKC", text).strip().upper()
    if not _DEFECT_CODE.fullmatch(code):
        raise InputError("code", _("use capital letters, digits, '-' or '_' only"))
    return code


def _category(text: str) -> str:
    value = text.strip().lower()
    if value not in DEFECT_CATEGORIES:
        raise InputError("category", _("{text!r} is not a category; use one of: {known}").format(
            text=text, known=", ".join(DEFECT_CATEGORIES)))
    return value


def _defects_of(source: _Source) -> _File[_DefectLine]:
    _columns, rows, problems = _read_rows(source, DEFECT_COLUMNS, partial(_only, DEFECT_COLUMNS))
    seen: dict[str, int] = {}
    lines: list[_DefectLine] = []
    for row in rows:
        before = len(problems.items)
        code = _text_cell(row, "code", problems, 16, code_problem)
        if code is not None:
            try:
                code = _defect_code(code)
            except InputError as exc:
                problems.add(row.line, "code", exc.problem)
                code = None
        repeat = code is not None and code in seen
        if code is not None and repeat:
            problems.add(row.line, "code", _("defect {code} is also on line {line}").format(
                code=code, line=seen[code]))
        elif code is not None:
            seen[code] = row.line
        name_en = _text_cell(row, "name_en", problems, 80)
        name_zh = _text_cell(row, "name_zh", problems, 80)
        category = _cell(row, "category", problems, _category)
        defect = None
        if len(problems.items) == before and code and name_en and name_zh and category:
            defect = Defect(code, name_en, name_zh, category)
        lines.append(_DefectLine(row.line, code, defect, repeat))
    return _File(source.path, lines, problems)


def _check_defects(store: Store, file: _File[_DefectLine]) -> list[_Change]:
    problems = file.problems.copy()
    catalogue = {d.code: d for d in store.defects()}
    looks = LookAlikes(catalogue)
    new_codes: dict[str, tuple[str, int]] = {}  # skeleton → (a new code of the file, its line)
    changes: list[_Change] = []
    for ln in file.lines:
        if ln.code is None or ln.repeat:
            continue
        saved = catalogue.get(ln.code)
        if saved is None:
            twin = looks.problem(ln.code)
            earlier = new_codes.get(skeleton(ln.code))
            if twin:
                problems.add(ln.line, "code", twin)
            elif earlier is not None:
                problems.add(ln.line, "code", _("{code!r} looks like {other!r} on line {line}: two codes "
                                                "nobody can tell apart").format(
                    code=ln.code, other=earlier[0], line=earlier[1]))
            else:
                new_codes[skeleton(ln.code)] = (ln.code, ln.line)
        new = ln.defect
        if new is None:
            continue
        if saved is None:
            changes.append(_Change(ln.line, "added", new.code, partial(
                Store.add_defect, code=new.code, name_en=new.name_en, name_zh=new.name_zh,
                category=new.category)))
        elif (saved.name_en, saved.name_zh, saved.category) == (new.name_en, new.name_zh, new.category):
            changes.append(_Change(ln.line, "unchanged", new.code, _nothing))
        else:
            changes.append(_Change(ln.line, "changed", new.code, partial(
                Store.update_defect, code=new.code, name_en=new.name_en, name_zh=new.name_zh,
                category=new.category)))
    _refuse(file, problems)
    return changes


def import_defects(store: Store, path: Path, *, encoding: str | None = None) -> Imported:
    """Import a defects file whole, or nothing (ImportRefused names every problem)."""
    with _Source(Path(path), encoding) as source:
        file = _defects_of(source)
    return _whole(store, file, _check_defects)


def export_defects(store: Store, path: Path, *, force: bool = False) -> int:
    """Write the whole catalogue (retired defects too: judged ingots carry their codes) in the
    import format; the number written."""
    target = outputs.check_target(path, store.path, force=force)
    defects = store.defects()
    with _open_out(target) as out:
        writer = SafeWriter(out, lineterminator="\n")
        writer.writerow(DEFECT_COLUMNS)
        writer.writerows([d.code, d.name_en, d.name_zh, d.category] for d in defects)
    return len(defects)


# ---------------------------------------------------------------- standards

@dataclass(frozen=True)
class _LimitLine:
    line: int
    grade: str | None
    standard: str | None
    edition: str | None
    in_force_from: date | None
    limit: Limit | None  # when every cell of the line was read


@dataclass(frozen=True)
class _Edition:
    """The rows of one grade and date in a file: one edition."""

    line: int  # the first of its rows
    grade: str
    standard: str
    edition: str
    in_force_from: date
    limits: list[tuple[int, Limit]]  # with their lines

    @property
    def title(self) -> str:
        return f"{self.standard}-{self.edition}"


def _date(text: str) -> date:
    cleaned = normalise_width(unicodedata.normalize("NFKC", text)).strip()
    try:
        if not _DATE.fullmatch(cleaned):
            raise ValueError(cleaned)
        return date.fromisoformat(cleaned)
    except ValueError:
        raise InputError("in_force_from", _("{text!r} is not a date that exists (write YYYY-MM-DD)").format(
            text=text)) from None


def _element(text: str) -> str:
    symbol = unicodedata.normalize("NFKC", text).strip()
    if symbol in ELEMENTS:
        return symbol
    matches = [el for el in ELEMENTS if el.lower() == symbol.lower()]
    if matches:
        raise InputError("element", _("write the element symbol as {symbol!r}").format(symbol=matches[0]))
    raise InputError("element", _("{symbol!r} is not a chemical element symbol").format(symbol=text))


def _standards_of(source: _Source) -> _File[_LimitLine]:
    _columns, rows, problems = _read_rows(source, STANDARD_COLUMNS, partial(_only, STANDARD_COLUMNS))
    lines: list[_LimitLine] = []
    for row in rows:
        before = len(problems.items)
        grade = _text_cell(row, "grade", problems, 32, code_problem)
        standard = _text_cell(row, "standard", problems, 40)
        edition = _text_cell(row, "edition", problems, 20)
        in_force_from = _cell(row, "in_force_from", problems, _date)
        element = _cell(row, "element", problems, _element)
        low = _cell(row, "min_pct", problems, partial(parse_optional, field="min_pct", valid=CHEMISTRY_PCT))
        high = _cell(row, "max_pct", problems, partial(parse_optional, field="max_pct", valid=CHEMISTRY_PCT))
        limit = None
        if len(problems.items) == before and element is not None:
            if low is None and high is None:
                problems.add(row.line, "min_pct", _("a limit needs a minimum, a maximum or both"))
            elif low is not None and high is not None and low > high:
                problems.add(row.line, "max_pct", _("the minimum is above the maximum"))
            else:
                limit = Limit(element, low, high)
        lines.append(_LimitLine(row.line, grade, standard, edition, in_force_from, limit))
    _editions_of(lines, problems)  # the file's own contradictions
    return _File(source.path, lines, problems)


def _editions_of(lines: Iterable[_LimitLine], problems: _Problems) -> list[_Edition]:
    """The editions the file's rows form, by grade and date; contradictions within the file
    (one date, two editions; one edition, two dates; an element limited twice) go to
    `problems`."""
    editions: dict[tuple[str, date], _Edition] = {}
    dated: dict[tuple[str, str, str], tuple[date, int]] = {}  # (grade, standard, edition) → date, line
    for ln in lines:
        if None in (ln.grade, ln.standard, ln.edition, ln.in_force_from):
            continue
        grade, standard, edition, day = ln.grade or "", ln.standard or "", ln.edition or "", ln.in_force_from
        assert day is not None
        first = dated.setdefault((grade, standard, edition), (day, ln.line))
        if first[0] != day:
            problems.add(ln.line, "in_force_from", _(
                "{grade}'s {title} is in force from {day} on line {line}: an edition has one date").format(
                grade=grade, title=f"{standard}-{edition}", day=first[0], line=first[1]))
            continue
        group = editions.setdefault((grade, day), _Edition(ln.line, grade, standard, edition, day, []))
        if (group.standard, group.edition) != (standard, edition):
            problems.add(ln.line, "edition", _(
                "line {line} gives {grade} from {day} as {title}: one grade has one edition a date").format(
                line=group.line, grade=grade, day=day, title=group.title))
            continue
        if ln.limit is None:
            continue
        twice = next((n for n, lim in group.limits if lim.element == ln.limit.element), None)
        if twice is not None:
            problems.add(ln.line, "element", _("{element} of this edition is also limited on line {line}")
                         .format(element=ln.limit.element, line=twice))
            continue
        group.limits.append((ln.line, ln.limit))
    return [e for _key, e in sorted(editions.items()) if e.limits]


def _bounds(element: str, low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{format_chemistry(element, low)}–{format_chemistry(element, high)}"
    if high is not None:
        return f"≤{format_chemistry(element, high)}"
    return f"≥{format_chemistry(element, low or 0.0)}"


def _differences(saved: Standard, new: _Edition) -> tuple[int, str, list[str]]:
    """Where a file's edition first differs from the saved one of its grade and date (line,
    column) and every difference in words; no words when they are the same."""
    said: list[str] = []
    where: tuple[int, str] | None = None
    if (saved.standard, saved.edition) != (new.standard, new.edition):
        said.append(_("{saved} saved, {here} in the file").format(saved=saved.title, here=new.title))
        where = (new.line, "standard" if saved.standard != new.standard else "edition")
    theirs = {lim.element: lim for lim in saved.limits}
    mine = {lim.element: (line, lim) for line, lim in new.limits}
    for element in sorted(theirs.keys() | mine.keys(), key=element_sort_key):
        old = theirs.get(element)
        line, lim = mine.get(element, (new.line, None))
        if old is not None and lim is not None and (old.min_pct, old.max_pct) == (lim.min_pct, lim.max_pct):
            continue
        if old is None and lim is not None:
            said.append(_("{element}: not limited saved, {here} in the file").format(
                element=element, here=_bounds(element, lim.min_pct, lim.max_pct)))
        elif old is not None and lim is None:
            said.append(_("{element}: {saved} saved, not limited in the file").format(
                element=element, saved=_bounds(element, old.min_pct, old.max_pct)))
        elif old is not None and lim is not None:
            said.append(_("{element}: {saved} saved, {here} in the file").format(
                element=element, saved=_bounds(element, old.min_pct, old.max_pct),
                here=_bounds(element, lim.min_pct, lim.max_pct)))
        column = "element" if lim is None or old is None else (
            "min_pct" if old.min_pct != lim.min_pct else "max_pct")
        where = where or (line, column)
    line, column = where or (new.line, "in_force_from")
    return line, column, said


def _check_standards(store: Store, file: _File[_LimitLine], reason: str | None = None) -> list[_Change]:
    problems = file.problems.copy()
    editions = _editions_of(file.lines, _Problems())  # the file's own problems are listed already
    grades = set(store.grades())
    looks = LookAlikes(grades)
    saved: dict[tuple[str, date], Standard] = {}
    titled: dict[tuple[str, str, str], Standard] = {}
    for s in store.standards():
        saved[(s.grade, s.effective_from)] = s
        titled.setdefault((s.grade, s.standard, s.edition), s)
    changes: list[_Change] = []
    new_grades: dict[str, tuple[str, int]] = {}  # skeleton → (a new grade of the file, its line)
    refused: set[str] = set()  # a grade refused is said once, on its first line
    for ln in file.lines:
        if ln.grade is None or ln.grade in grades or ln.grade in refused:
            continue
        earlier = new_grades.get(skeleton(ln.grade))
        if (twin := looks.problem(ln.grade)) is not None:
            problems.add(ln.line, "grade", twin)
            refused.add(ln.grade)
        elif earlier is not None and earlier[0] != ln.grade:
            refused.add(ln.grade)
            problems.add(ln.line, "grade", _("{code!r} looks like {other!r} on line {line}: two codes "
                                             "nobody can tell apart").format(
                code=ln.grade, other=earlier[0], line=earlier[1]))
        elif earlier is None:
            new_grades[skeleton(ln.grade)] = (ln.grade, ln.line)
            changes.append(_Change(ln.line, "grade", ln.grade, partial(Store.add_grade, code=ln.grade)))
    for ed in editions:
        key = f"{ed.grade}@{ed.in_force_from}"
        same_day = saved.get((ed.grade, ed.in_force_from))
        if same_day is not None:
            line, column, said = _differences(same_day, ed)
            if not said:
                changes.append(_Change(ed.line, "unchanged", key, _nothing))
                continue
            problems.add(line, column, _(
                "{grade} already has an edition in force from {day} ({title}) and this one differs: "
                "{differences}. Editions are added, never overwritten: give a new edition a date of its "
                "own").format(grade=ed.grade, day=ed.in_force_from, title=same_day.title,
                              differences="; ".join(said)))
            continue
        other = titled.get((ed.grade, ed.standard, ed.edition))
        if other is not None:
            problems.add(ed.line, "in_force_from", _(
                "{grade}'s {title} is already in force from {day}: an edition has one date").format(
                grade=ed.grade, title=ed.title, day=other.effective_from))
            continue
        changes.append(_Change(ed.line, "added", key, partial(
            Store.add_edition, grade=ed.grade, standard=ed.standard, edition=ed.edition,
            effective_from=ed.in_force_from, limits=[lim for _line, lim in ed.limits], reason=reason)))
    _refuse(file, problems)
    return changes


def import_standards(store: Store, path: Path, *, encoding: str | None = None,
                     reason: str | None = None) -> Imported:
    """Import a standards file whole, or nothing (ImportRefused names every problem). `reason`:
    why new editions apply to signed heats whose verdict they change (else such an edition is
    refused with ReasonRequired)."""
    with _Source(Path(path), encoding) as source:
        file = _standards_of(source)
    return _whole(store, file, partial(_check_standards, reason=reason))


def export_standards(store: Store, path: Path, *, force: bool = False) -> int:
    """Write every edition in the import format, one row per limit; the number of editions."""
    target = outputs.check_target(path, store.path, force=force)
    editions = store.standards()
    with _open_out(target) as out:
        writer = SafeWriter(out, lineterminator="\n")
        writer.writerow(STANDARD_COLUMNS)
        for s in editions:
            writer.writerows([s.grade, s.standard, s.edition, s.effective_from.isoformat(), lim.element,
                              "" if lim.min_pct is None else format_number(lim.min_pct),
                              "" if lim.max_pct is None else format_number(lim.max_pct)]
                             for lim in s.limits)
    return len(editions)
