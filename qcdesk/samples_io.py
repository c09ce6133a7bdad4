"""CSV import and export of the lab's samples (`qcdesk import|export analyses`) and of the
product-analysis tolerance editions (`qcdesk tolerances import|export`).

They read and write files exactly as `qcdesk.csvio` does for heats and ingots (the same
encodings, limits, line-and-column messages, all or nothing, exports through a temporary
file): first the file alone, every cell checked; then, in one write transaction, what
needs the database, and the save.

An analyses file: ``heat_no, sample, kind, ingot_no, taken_at``, then one column per element
symbol. ``sample`` is the lab's number, unique within a heat (a heat sample typed in without
one is written with none); ``kind`` is ``preliminary``, ``heat`` or ``product`` (or 炉前分析,
熔炼分析, 成品分析); ``ingot_no`` is a product sample's ingot, empty for the others;
``taken_at`` is ``YYYY-MM-DD HH:MM``, not before the tap (a preliminary sample, taken during
the blow, up to 2 hours before it). A heat sample for a heat whose analysis holds other values
replaces it only with a reason.

A tolerances file, one row per class: ``standard, edition, in_force_from, element,
up_to_pct, below_pct, above_pct`` (an empty ``up_to_pct``: no upper end; an empty
deviation: none on that side). The rows of one standard, edition and date form one edition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path

from qcdesk.cells import SafeWriter
from qcdesk.csvio import (
    Progress,
    _cell,
    _export_target,
    _File,
    _import,
    _open_out,
    _parse_ingot_no,
    _Problems,
    _read_rows,
    _refuse,
    _Source,
    _span,
    _text_cell,
    parse_tapped_at,
)
from qcdesk.errors import ImportRefused, InputError
from qcdesk.i18n import _
from qcdesk.model import (
    ELEMENTS,
    SAMPLE_KIND_NAMES,
    SampleKind,
    ToleranceClass,
    ToleranceEdition,
    element_sort_key,
)
from qcdesk.names import unseen
from qcdesk.numbers import CHEMISTRY_PCT, format_number, normalise_code, normalise_width, parse_optional
from qcdesk.store import PRELIMINARY_BEFORE_TAP, NewSample, Store

ANALYSIS_COLUMNS = ("heat_no", "sample", "kind", "ingot_no", "taken_at")
TOLERANCE_COLUMNS = ("standard", "edition", "in_force_from", "element", "up_to_pct", "below_pct",
                     "above_pct")
# English code or 中文 name → kind, so a lab's sheet in Chinese imports too.
_KINDS = {k.value: k for k in SampleKind} | {zh: k for k, (_en, zh) in SAMPLE_KIND_NAMES.items()}


@dataclass(frozen=True)
class _SampleLine:
    """A record of an analyses file; a cell is None when refused, `sample` when none was."""

    line: int
    heat_no: str | None
    repeat: bool  # the same heat and sample number (or a second heat sample) on an earlier line
    sample: NewSample | None


# ------------------------------------------------------------------ analyses

def _element_or_field(name: str) -> str | None:
    if name in ELEMENTS:
        return None
    matches = [el for el in ELEMENTS if el.lower() == name.lower()]
    if matches:
        return _("write the element symbol as {symbol!r}").format(symbol=matches[0])
    return _("unknown column: neither a sample field nor a chemical element symbol")


def _parse_kind(text: str) -> SampleKind:
    key = normalise_code(text).strip().lower()
    if key not in _KINDS:
        raise InputError("kind", _("{kind!r} is not a kind of sample; use one of: {known}").format(
            kind=text, known=" ".join(k.value for k in SampleKind)))
    return _KINDS[key]


def _parse_sample_no(text: str) -> str | None:
    problem = unseen(text)
    if problem:
        raise InputError("sample", problem)
    value = normalise_code(text).strip()
    if len(value) > 32:
        raise InputError("sample", _("is longer than {n} characters").format(n=32))
    return value or None


def _optional_ingot(text: str) -> int | None:
    return _parse_ingot_no(text) if normalise_width(text).strip() else None


def _parse_samples(path: Path, encoding: str | None) -> _File[_SampleLine]:
    """Read an analyses file and check every cell that needs no database."""
    with _Source(path, encoding) as source:
        columns, rows, problems = _read_rows(source, ANALYSIS_COLUMNS, _element_or_field)
        elements = [c for c in columns if c not in ANALYSIS_COLUMNS and c in ELEMENTS]
        taken_of = partial(parse_tapped_at, now=datetime.now())
        value_of = {el: partial(parse_optional, field=el, valid=CHEMISTRY_PCT) for el in elements}
        seen: dict[tuple[str, str], int] = {}
        heat_samples: dict[str, int] = {}
        lines: list[_SampleLine] = []
        for row in rows:
            before = len(problems.items)
            heat_no = _text_cell(row, "heat_no", problems, 32)
            number = _cell(row, "sample", problems, _parse_sample_no)
            kind = _cell(row, "kind", problems, _parse_kind)
            ingot_no = _cell(row, "ingot_no", problems, _optional_ingot)
            taken_at = _cell(row, "taken_at", problems, taken_of)
            values = {}
            for el, parse in value_of.items():
                value = _cell(row, el, problems, parse)
                if value is not None:
                    values[el] = value
            if kind is SampleKind.PRODUCT and ingot_no is None and "ingot_no" not in row.refused \
                    and len(problems.items) == before:
                problems.add(row.line, "ingot_no", _("a product sample names the ingot it was drilled from"))
            if kind is not None and kind is not SampleKind.PRODUCT and ingot_no is not None:
                problems.add(row.line, "ingot_no", _("only a product sample names an ingot"))
            if kind is not None and kind is not SampleKind.HEAT and number is None \
                    and "sample" not in row.refused and len(problems.items) == before:
                problems.add(row.line, "sample", _("a {kind} needs the lab's sample number").format(
                    kind=_(SAMPLE_KIND_NAMES[kind][0])))
            if not values and len(problems.items) == before:
                problems.add(row.line, None, _("a sample needs the value of at least one element"))
            repeat = False
            if heat_no is not None and number is not None:
                repeat = (heat_no, number) in seen
                if repeat:
                    problems.add(row.line, "sample", _(
                        "sample {sample} of heat {heat_no} is also on line {line}").format(
                        sample=number, heat_no=heat_no, line=seen[(heat_no, number)]))
                else:
                    seen[(heat_no, number)] = row.line
            if heat_no is not None and kind is SampleKind.HEAT:
                if heat_no in heat_samples:
                    repeat = True
                    problems.add(row.line, "kind", _("heat {heat_no} has another heat sample on line {line}: "
                                                     "a heat has one heat analysis").format(
                        heat_no=heat_no, line=heat_samples[heat_no]))
                else:
                    heat_samples[heat_no] = row.line
            sample = None
            if len(problems.items) == before and heat_no and kind is not None and taken_at is not None:
                sample = NewSample(heat_no, kind, values, number, ingot_no, taken_at)
            lines.append(_SampleLine(row.line, heat_no, repeat, sample))
    return _File(Path(path), lines, problems)


def _check_samples(store: Store, file: _File[_SampleLine], reason: str | None) -> list[NewSample]:
    """The samples of a parsed file, checked against the database (only read); ImportRefused
    lists every problem, of the file and of the database."""
    problems = file.problems.copy()
    targets = store.sample_targets({ln.heat_no for ln in file.lines if ln.heat_no is not None})
    for ln in file.lines:
        target = targets.get(ln.heat_no) if ln.heat_no is not None else None
        if ln.heat_no is not None and target is None:
            problems.add(ln.line, "heat_no", _("there is no heat {heat_no!r}").format(heat_no=ln.heat_no))
            continue
        if target is None or ln.sample is None:
            continue
        new = ln.sample
        if target.signed and not reason:
            problems.add(ln.line, "heat_no", _(
                "heat {heat_no} is in a signed shift or day ({day}): a workshop head adds its samples "
                "with --reason").format(heat_no=target.heat_no, day=target.signed))
        if new.kind is SampleKind.PRODUCT and new.ingot_no not in target.ingots:
            problems.add(ln.line, "ingot_no", _("heat {heat_no} has no ingot {n}").format(
                heat_no=target.heat_no, n=new.ingot_no))
        assert new.taken_at is not None
        if new.kind is SampleKind.PRELIMINARY and new.taken_at < target.tapped_at - PRELIMINARY_BEFORE_TAP:
            problems.add(ln.line, "taken_at", _(
                "{taken} is more than {hours} hours before the tap ({tapped}): a preliminary sample is "
                "taken during the blow").format(taken=_moment(new.taken_at), tapped=_moment(target.tapped_at),
                                                 hours=int(PRELIMINARY_BEFORE_TAP.total_seconds() // 3600)))
        elif new.kind is not SampleKind.PRELIMINARY and new.taken_at < target.tapped_at:
            problems.add(ln.line, "taken_at", _("{taken} is before the tap ({tapped})").format(
                taken=_moment(new.taken_at), tapped=_moment(target.tapped_at)))
        own = new.kind is SampleKind.HEAT and _own_heat_sample(store, target.heat_no, new.sample_no)
        if new.sample_no is not None and not ln.repeat and new.sample_no in target.sample_nos and not own:
            problems.add(ln.line, "sample", _("heat {heat_no} already has sample {sample}").format(
                heat_no=target.heat_no, sample=new.sample_no))
        if new.kind is SampleKind.HEAT and target.analysis and target.analysis != dict(new.values) \
                and not reason:
            problems.add(ln.line, "kind", _(
                "heat {heat_no} already has a heat analysis: give --reason to replace it").format(
                heat_no=target.heat_no))
    _refuse(file, problems)
    return [ln.sample for ln in file.lines if ln.sample is not None]


def _own_heat_sample(store: Store, heat_no: str, number: str | None) -> bool:
    """Whether `number` is the heat sample's own (a replacement may keep it)."""
    return any(s.kind is SampleKind.HEAT and s.sample_no == number for s in store.samples(heat_no))


def _moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def read_analyses(store: Store, path: Path, encoding: str | None = None,
                  reason: str | None = None) -> list[NewSample]:
    """Check an analyses file against the database, writing nothing: the samples it would
    import, or ImportRefused listing every problem."""
    return _check_samples(store, _parse_samples(Path(path), encoding), reason)


def import_analyses(store: Store, path: Path, *, encoding: str | None = None, reason: str | None = None,
                    progress: Progress | None = None) -> int:
    """Import an analyses file whole, or nothing; the number of samples imported. `reason`: heat
    samples replace heat analyses already there (a correction), and samples of signed shifts
    are taken (by a role that may correct them)."""
    return _import(store, _parse_samples(Path(path), encoding),
                   lambda s, f: _check_samples(s, f, reason),
                   lambda samples, shown: store.import_samples(samples, reason=reason, progress=shown),
                   progress)


def export_analyses(store: Store, path: Path, date_from: date | None = None,
                    date_to: date | None = None, *, force: bool = False) -> int:
    """Write the samples of the heats of production dates from..to in the import format; the
    number written. An existing file is replaced only with `force`."""
    target = _export_target(store, path, date_from, date_to, force)
    span = _span(store, date_from, date_to)
    samples = list(store.samples_between(*span)) if span else []
    elements = sorted({el for s in samples for el in s.values}, key=element_sort_key)
    with _open_out(target) as out:
        writer = SafeWriter(out, lineterminator="\n")
        writer.writerow([*ANALYSIS_COLUMNS, *elements])
        for s in samples:
            writer.writerow([s.heat_no, s.sample_no or "", s.kind.value,
                             "" if s.ingot_no is None else s.ingot_no, _moment(s.taken_at),
                             *("" if el not in s.values else format_number(s.values[el]) for el in elements)])
    return len(samples)


# ---------------------------------------------------------------- tolerances

@dataclass(frozen=True)
class _EditionRows:
    """The rows of one edition in a tolerances file."""

    line: int  # its first line
    standard: str
    edition: str
    in_force_from: date
    classes: list[ToleranceClass]


def _parse_day(text: str) -> date:
    cleaned = normalise_width(text).strip()
    try:
        if len(cleaned) != 10:
            raise ValueError(cleaned)
        return date.fromisoformat(cleaned)
    except ValueError:
        raise InputError("in_force_from", _("{text!r} is not a date that exists (write YYYY-MM-DD)").format(
            text=text)) from None


def _parse_element(text: str) -> str:
    symbol = normalise_code(text).strip()
    if symbol not in ELEMENTS:
        raise InputError("element", _("{symbol!r} is not a chemical element symbol").format(symbol=text))
    return symbol


def _no_other_column(name: str) -> str | None:
    return _("unknown column; the columns are: {all}").format(all=", ".join(TOLERANCE_COLUMNS))


def _parse_tolerances(path: Path, encoding: str | None) -> tuple[list[_EditionRows], _Problems]:
    with _Source(path, encoding) as source:
        _columns, rows, problems = _read_rows(source, TOLERANCE_COLUMNS, _no_other_column)
        pct = partial(parse_optional, valid=CHEMISTRY_PCT)
        editions: dict[tuple[str, str, date], _EditionRows] = {}
        for row in rows:
            before = len(problems.items)
            standard = _text_cell(row, "standard", problems, 40)
            edition = _text_cell(row, "edition", problems, 20)
            day = _cell(row, "in_force_from", problems, _parse_day)
            element = _cell(row, "element", problems, _parse_element)
            up_to = _cell(row, "up_to_pct", problems, partial(pct, field="up_to_pct"))
            below = _cell(row, "below_pct", problems, partial(pct, field="below_pct"))
            above = _cell(row, "above_pct", problems, partial(pct, field="above_pct"))
            if below is None and above is None and len(problems.items) == before:
                problems.add(row.line, "above_pct", _("a class needs a deviation below, above or both"))
            if len(problems.items) != before or not (standard and edition and day and element):
                continue
            key = (standard, edition, day)
            if key not in editions:
                editions[key] = _EditionRows(row.line, standard, edition, day, [])
            editions[key].classes.append(ToleranceClass(element, up_to, below, above))
    return list(editions.values()), problems


def import_tolerances(store: Store, path: Path, *, encoding: str | None = None,
                      reason: str | None = None) -> tuple[int, int]:
    """Add the editions of a tolerances file, all or none: (editions added, editions already
    there the very same). An edition that differs from one in force from the same date is
    refused: editions are added, never overwritten."""
    path = Path(path)
    editions, problems = _parse_tolerances(path, encoding)
    existing = {e.in_force_from: e for e in store.tolerance_editions()}
    for ed in editions:
        there = existing.get(ed.in_force_from)
        if there is not None and not _same(there, ed):
            problems.add(ed.line, "in_force_from", _(
                "{title} is in force from {day}; an edition is added, never overwritten: give another "
                "date").format(title=there.title, day=ed.in_force_from))
    if len({ed.in_force_from for ed in editions}) != len(editions):
        problems.add(editions[-1].line, "in_force_from", _("two editions of the file come into force on "
                                                           "the same date"))
    _refuse(_File(path, [], problems), problems)
    added = 0
    try:
        with store.transaction():
            for ed in editions:
                _edition, new = store.add_tolerance_edition(ed.standard, ed.edition, ed.in_force_from,
                                                            ed.classes, reason=reason)
                added += new
    except InputError as exc:  # an edition's classes that do not fit together: named by its first line
        failing = next((ed for ed in editions if ed.classes and exc.field in
                        {c.element for c in ed.classes}), editions[0] if editions else None)
        problems.add(failing.line if failing else 1, None, str(exc))
        raise ImportRefused(str(path), problems.items) from exc
    return added, len(editions) - added


def _same(there: ToleranceEdition, ed: _EditionRows) -> bool:
    def key(classes: list[ToleranceClass] | tuple[ToleranceClass, ...]) -> list[tuple[object, ...]]:
        return sorted(((c.element, c.up_to_pct is None, c.up_to_pct or 0.0, c.below_pct, c.above_pct)
                       for c in classes), key=repr)
    return ((there.standard, there.edition) == (ed.standard, ed.edition)
            and key(there.classes) == key(ed.classes))


def export_tolerances(store: Store, path: Path, *, force: bool = False) -> int:
    """Write every tolerance edition in the import format; the number of editions written."""
    target = _export_target(store, path, None, None, force)
    editions = store.tolerance_editions()
    with _open_out(target) as out:
        writer = SafeWriter(out, lineterminator="\n")
        writer.writerow(TOLERANCE_COLUMNS)
        for ed in editions:
            for c in ed.classes:
                writer.writerow([ed.standard, ed.edition, ed.in_force_from.isoformat(), c.element,
                                 *("" if v is None else format_number(v)
                                   for v in (c.up_to_pct, c.below_pct, c.above_pct))])
    return len(editions)
