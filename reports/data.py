"""What the printed documents say, as data: rows, figures and footnotes, no layout.

Every figure comes from the store (`Store.rates`, `Store.heat_sums`, `Store.check_heat`,
the Pareto, the records); this module only picks, orders and formats them
(rates to one decimal place, "—" where undefined) and writes the labels in the
language in force. `reports.heat_sheet` and `reports.daily` lay the data out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from qcdesk import i18n as core_i18n
from qcdesk.model import DISPOSITION_NAMES, STATUS_NAMES, ChemStatus, Heat, Ingot, IngotDefect
from qcdesk.numbers import format_chemistry, format_fixed, format_number
from qcdesk.people import ROLE_NAMES, Role
from qcdesk.rates import FORMULAS, RateRow, Rates, RateSums, format_rate
from qcdesk.signoff import Signoff, Status
from qcdesk.standards import ElementVerdict, HeatCheck
from qcdesk.store import Plan, Store
from qcdesk.store.queries import RecordBests
from reports.i18n import N_, _, pick

# ------------------------------------------------------------------ the data


@dataclass(frozen=True)
class Column:
    """A table column: its heading, alignment ("L", "R", "C"), relative width, footnote."""

    label: str
    align: str = "L"
    width: float = 1.0
    note: int | None = None


@dataclass(frozen=True)
class Table:
    """Rows of formatted cells under their columns; `marked` cells (row, column) are failing."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None
    marked: frozenset[tuple[int, int]] = frozenset()
    empty: str = ""
    row_notes: tuple[int | None, ...] = ()  # a footnote number on a row's first cell
    strong_total: bool = False  # the total row in bold (the plant's row of its report)


@dataclass(frozen=True)
class Figure:
    """One figure with its full-precision value and how it is printed."""

    key: str
    label: str
    value: float | None
    text: str
    note: int | None = None


@dataclass(frozen=True)
class Footnote:
    number: int | None
    text: str


@dataclass(frozen=True)
class Furniture:
    """What every page carries: header, footer, the DRAFT stamp."""

    workshop: str
    title: str
    subject: str
    printed: str
    page_of: str  # "Page {page} of {pages}"
    draft: bool
    draft_label: str
    font_note: str = ""
    signed: bool = False
    seal: str = ""  # on a signed document: "SIGNED · audit chain head 1a2b…", in the footer


@dataclass(frozen=True)
class ParetoBar:
    code: str
    name: str
    ingots: int
    weight_t: float
    share: float
    cumulative: float


@dataclass(frozen=True)
class SignoffBlock:
    """Where a document stands with its signatures: a row per shift and for the day (who, role,
    when, meaning, or not signed, or superseded with the reason), and on a signed document the
    signature's stored audit chain head and records hash, in full, to check a paper copy by."""

    heading: str
    table: Table
    status: Status           # the day's (daily report) or the heat's shift's (heat sheet)
    chain_head: str = ""     # the live signature's stored chain head (hex); "" unless signed
    records_hash: str = ""
    lines: tuple[str, ...] = ()  # the full hashes as printed, and how to check them


@dataclass(frozen=True)
class HeatSheet:
    furniture: Furniture
    heat_no: str
    fields: tuple[tuple[str, str], ...]
    verdict: str
    analysis: Table
    ingots: Table
    totals: tuple[Figure, ...]
    draft_reasons: tuple[str, ...]
    notes: str
    signatures: tuple[str, ...]
    footnotes: tuple[Footnote, ...]
    headings: dict[str, str] = field(default_factory=dict)
    signoff: SignoffBlock | None = None


@dataclass(frozen=True)
class DailyReport:
    furniture: Furniture
    day: date
    figures: tuple[Figure, ...]
    summary: Table
    by_converter: Table
    by_shift: Table
    by_grade: Table
    pareto: tuple[ParetoBar, ...]
    pareto_table: Table
    nonconforming: Table
    records: tuple[str, ...]
    draft_reasons: tuple[str, ...]
    signatures: tuple[str, ...]
    footnotes: tuple[Footnote, ...]
    headings: dict[str, str] = field(default_factory=dict)
    quarter_plan: str = ""  # the quarter's plan against the quarter to date, where a plan is set
    signoff: SignoffBlock | None = None


# ------------------------------------------------------------- formatting

DASH = "—"


def tonnes(value: float) -> str:
    return format_fixed(value, 1)


def kg(value: float) -> str:
    return f"{value:,.0f}"


def count(value: float) -> str:
    return f"{value:,.0f}"


def percent(value: float | None) -> str:
    """A share to one decimal place, "—" where undefined (the same as every rate)."""
    return format_rate(value)


def points(value: float | None) -> str:
    """A difference of two rates, in percentage points."""
    if value is None:
        return DASH
    shown = f"{abs(value) * 100:.1f}"
    # the sign of what is shown: a shortfall that rounds to nothing is +0.0, never −0.0
    return _("{sign}{value} pt").format(sign="−" if value < 0 and float(shown) else "+", value=shown)


# The rates printed, in order, with their footnote numbers.
RATE_KEYS = ("ingot_qualified_rate", "ingot_qualified_rate_by_count", "surface_qualified_rate",
             "surface_qualified_rate_by_count", "chemistry_conformance_rate",
             "chemistry_conformance_rate_by_weight")
NOTE = {key: i for i, key in enumerate(RATE_KEYS, start=1)}
RATE_LABELS = {
    "ingot_qualified_rate": N_("Ingot qualified rate (weight)"),
    "ingot_qualified_rate_by_count": N_("Ingot qualified rate (count)"),
    "surface_qualified_rate": N_("Surface qualified rate (weight)"),
    "surface_qualified_rate_by_count": N_("Surface qualified rate (count)"),
    "chemistry_conformance_rate": N_("Chemistry conformance (heats)"),
    "chemistry_conformance_rate_by_weight": N_("Chemistry conformance (weight)"),
}


def _rate(rates: Rates, key: str) -> float | None:
    value: float | None = getattr(rates, key)
    return value


def formula_notes(keys: tuple[str, ...] = RATE_KEYS) -> tuple[Footnote, ...]:
    """The formula of each rate printed, as numbered footnotes, and what "—" means."""
    return (*(Footnote(NOTE[k], f"{_(RATE_LABELS[k])} = {core_i18n._(FORMULAS[k])}") for k in keys),
            Footnote(None, _("— : undefined (nothing to divide by); rates to one decimal place, "
                             "computed at full precision.")))


def _furniture(store: Store, title: str, subject: str, printed_at: datetime, *, draft: bool,
               block: SignoffBlock | None = None) -> Furniture:
    """The page furniture; a document not a draft whose signature stands prints "SIGNED" and the
    signature's audit chain head (shortened as `qcdesk verify` shows a head; in full in the block)."""
    signed = not draft and block is not None and bool(block.chain_head)
    seal = ""
    if signed and block is not None:
        seal = "{signed} · {head}".format(signed=_("SIGNED"), head=_("audit chain head {head}").format(
            head=short_hash(block.chain_head)))
    named = store.workshop()
    workshop = pick(named.name_en, named.name_zh) if named else _("Converter workshop")
    return Furniture(
        workshop=_("{workshop} · Quality inspection").format(workshop=workshop), title=title,
        subject=subject,
        printed=_("Printed {when}").format(when=printed_at.strftime("%Y-%m-%d %H:%M")),
        page_of=_("Page {page} of {pages}"), draft=draft, draft_label=_("DRAFT"), signed=signed, seal=seal)


# ------------------------------------------------------------- sign-off


def short_hash(value: str) -> str:
    """A hash as the page footer prints it: its first 16 hex digits (as `qcdesk verify` says a head)."""
    return value[:16]


def _when(stored: str) -> str:
    """A stored signing time, to the minute, in the time of the workstation that signed (as every
    other time the documents print): '2025-03-10 21:00'."""
    try:
        return datetime.fromisoformat(stored).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stored


def _signoff_row(subject: str, standing: Signoff) -> tuple[str, ...]:
    sig = standing.signature
    if sig is None:
        return (subject, _("not signed"), DASH, DASH, DASH)
    if standing.status is Status.SUPERSEDED:
        status = _("superseded {when} — to be signed again: {reason}").format(
            when=_when(sig.superseded_at or ""), reason=sig.superseded_reason or "")
    else:
        status = _("signed")
    try:
        role = core_i18n._(ROLE_NAMES[Role(sig.role)])
    except ValueError:
        role = sig.role
    return (subject, status, _("{name} ({role})").format(name=sig.signer, role=role),
            _when(sig.signed_at), core_i18n._(sig.meaning))


def _signoff_table(rows: list[tuple[str, ...]], marked: set[tuple[int, int]]) -> Table:
    return Table((Column(_("Signature"), "L", 1.1), Column(_("Status"), "L", 1.6),
                  Column(_("Signed by"), "L", 1.6), Column(_("Signed at"), "L", 1.8),
                  Column(_("Meaning"), "L", 2.3)), tuple(rows), marked=frozenset(marked))


def _seal_lines(standing: Signoff, what: str) -> tuple[str, str, tuple[str, ...]]:
    """The chain head, records hash and the lines that print them, of a live signature."""
    sig = standing.signature
    if standing.status is not Status.SIGNED or sig is None:
        return "", "", ()
    return sig.chain_head, sig.records_hash, (
        _("{what}: audit chain head at signing {head}").format(what=what, head=sig.chain_head),
        _("{what}: records hash {hash}").format(what=what, hash=sig.records_hash),
        _("To check this copy later: qcdesk verify must pass, and the document printed again must "
          "show the same chain head and records hash."))


def day_signoff_block(store: Store, day: date, shift_codes: list[str]) -> tuple[SignoffBlock, list[str]]:
    """The daily report's sign-off (each shift with heats or a signature, then the day) and the
    reasons it is a draft on that account."""
    names = _shift_names(store)
    signed_shifts = {s.shift for s in store.signatures(day) if s.shift}
    codes = [s.code for s in store.shifts() if s.code in set(shift_codes) | signed_shifts]
    rows: list[tuple[str, ...]] = []
    marked: set[tuple[int, int]] = set()
    for code in codes:
        standing = store.shift_signoff(day, code)
        if standing.status is not Status.SIGNED:
            marked.add((len(rows), 1))
        rows.append(_signoff_row(_("Shift: {shift}").format(shift=names.get(code, code)), standing))
    day_standing = store.day_signoff(day)
    if day_standing.status is not Status.SIGNED:
        marked.add((len(rows), 1))
    rows.append(_signoff_row(_("The day"), day_standing))
    reasons = []
    if day_standing.status is Status.UNSIGNED and shift_codes:  # a day without heats has nothing to sign
        reasons.append(_("the day is not signed by the workshop head"))
    elif day_standing.status is Status.SUPERSEDED and day_standing.signature is not None:
        reasons.append(_("the day's signature was superseded — to be signed again ({reason})").format(
            reason=day_standing.signature.superseded_reason or ""))
    head, records, lines = _seal_lines(day_standing, _("The day's signature"))
    return SignoffBlock(_("Sign-off"), _signoff_table(rows, marked), day_standing.status, head, records,
                        lines), reasons


def heat_signoff_block(store: Store, heat: Heat) -> tuple[SignoffBlock, list[str]]:
    """The heat sheet's sign-off: its shift's closing signature and its day's; a draft while the
    shift is not closed (or its closing signature was superseded)."""
    names = _shift_names(store)
    shift_name = names.get(heat.shift, heat.shift)
    shift = store.shift_signoff(heat.production_date, heat.shift)
    day = store.day_signoff(heat.production_date)
    marked = {(r, 1) for r, s in enumerate((shift, day)) if s.status is not Status.SIGNED}
    rows = [_signoff_row(_("Shift: {shift}").format(shift=shift_name), shift),
            _signoff_row(_("The day"), day)]
    reasons = []
    if shift.status is Status.UNSIGNED:
        reasons.append(_("shift {shift} not closed yet").format(shift=shift_name))
    elif shift.status is Status.SUPERSEDED and shift.signature is not None:
        reasons.append(_("the closing signature of shift {shift} was superseded — to be signed again "
                         "({reason})").format(shift=shift_name,
                                              reason=shift.signature.superseded_reason or ""))
    # the latest signature that stands over the heat: the day's, else its shift's
    if day.status is Status.SIGNED:
        head, records, lines = _seal_lines(day, _("The day's signature"))
    else:
        head, records, lines = _seal_lines(shift, _("The shift's signature"))
    return SignoffBlock(_("Sign-off"), _signoff_table(rows, marked), shift.status, head, records,
                        lines), reasons


def _shift_names(store: Store) -> dict[str, str]:
    return {s.code: pick(s.name_en, s.name_zh) for s in store.shifts()}


def _limit(verdict: ElementVerdict, bound: float | None) -> str:
    return DASH if bound is None else format_chemistry(verdict.element, bound)


def _verdict_text(v: ElementVerdict) -> str:
    if v.ok is True:
        return _("ok")
    if v.ok is False:
        return _("FAILS")
    if v.limited:
        return _("missing")
    return _("not limited")


def _defects(defects: tuple[IngotDefect, ...], names: dict[str, str]) -> str:
    where = {"top": _("top"), "middle": _("middle"), "bottom": _("bottom")}
    parts = []
    for d in defects:
        name = names.get(d.code, d.code)
        parts.append(f"{d.code} {name}" + (f" ({where[d.location.value]})" if d.location else ""))
    return "; ".join(parts)


def _disposition_text(ingot: Ingot) -> str:
    """An ingot's disposition; a re-graded one with the grade it is released as (issue 16)."""
    words = core_i18n._(DISPOSITION_NAMES[ingot.disposition][0])
    if ingot.regrade_to is None:
        return words
    return _("{disposition} as {grade}").format(disposition=words, grade=ingot.regrade_to)


def _status_text(check: HeatCheck) -> str:
    status = core_i18n._(STATUS_NAMES[check.status])
    if check.standard is None:
        return _("{status}: no standard in force").format(status=status)
    if check.status is ChemStatus.NOT_CHECKED:
        return _("{status} yet (standard {standard})").format(status=status, standard=check.standard.title)
    return _("{status} to {standard}").format(status=status, standard=check.standard.title)


# ---------------------------------------------------------- heat sheet


def heat_sheet(store: Store, heat_no: str, printed_at: datetime | None = None) -> HeatSheet:
    """The inspection sheet of one heat."""
    printed_at = printed_at or datetime.now()
    heat = store.heat(heat_no)
    check = store.check_heat(heat.heat_no)
    ingots = store.ingots(heat.heat_no)
    sums = store.heat_sums(heat.heat_no)
    rates = Rates.of(sums)
    defect_names = {d.code: pick(d.name_en, d.name_zh) for d in store.defects()}

    std = check.standard
    fields = (
        (_("Heat number"), heat.heat_no),
        (_("Converter"), heat.converter),
        (_("Production date"), heat.production_date.isoformat()),
        (_("Shift"), _shift_names(store).get(heat.shift, heat.shift)),
        (_("Tapped at"), heat.tapped_at.strftime("%Y-%m-%d %H:%M")),
        (_("Aim grade"), heat.grade),
        (_("Standard"), DASH if std is None else _("{title} (in force from {date})").format(
            title=std.title, date=std.effective_from.isoformat())),
        (_("Tapped weight"), f"{format_number(heat.tap_weight_t)} t"),
        (_("Tap temperature"), DASH if heat.tap_temp_c is None else f"{format_number(heat.tap_temp_c)} °C"),
        (_("Inspector"), heat.inspector),
    )

    rows, marked = [], set()
    for i, v in enumerate(check.elements):
        rows.append((v.element, DASH if v.value is None else format_chemistry(v.element, v.value),
                     _limit(v, v.min_pct), _limit(v, v.max_pct), _verdict_text(v)))
        if v.ok is False:
            marked.update({(i, 1), (i, 4)})
    analysis = Table(
        (Column(_("Element"), "L", 1.0), Column(_("Value, %"), "R", 1.2), Column(_("Min, %"), "R", 1.2),
         Column(_("Max, %"), "R", 1.2), Column(_("Verdict"), "C", 1.4)),
        tuple(rows), None, frozenset(marked), _("No analysis entered yet."))

    ingot_rows = tuple(
        (str(i.ingot_no), kg(i.weight_kg), _defects(i.defects, defect_names) or DASH,
         _disposition_text(i),
         i.inspector, i.judged_at.strftime("%Y-%m-%d %H:%M") if i.judged_at else DASH)
        for i in ingots)
    ingot_table = Table(
        (Column(_("No."), "R", 0.6), Column(_("Weight, kg"), "R", 1.1),
         Column(_("Defects (location)"), "L", 3.0),
         Column(_("Disposition"), "L", 1.7), Column(_("Inspector"), "L", 1.1),
         Column(_("Judged"), "L", 1.9)),
        ingot_rows, (_("Total"), kg(sum(i.weight_kg for i in ingots)), "", "", "", ""),
        # an ingot whose product analysis fails: its number marked (the lab's part says why)
        marked=frozenset((r, 0) for r, i in enumerate(ingots) if i.product_fails),
        empty=_("No ingots recorded yet."))

    totals = (
        Figure("ingots", _("Ingots"), sums.ingots, count(sums.ingots)),
        Figure("ingots_pending", _("Pending"), sums.ingots_pending, count(sums.ingots_pending)),
        # in kg, as the ingots above are listed and added up (5,250 kg, not 5.2 t)
        Figure("weight_judged_kg", _("Judged weight, kg"), sums.weight_surface_judged_kg,
               kg(sums.weight_surface_judged_kg)),
        Figure("weight_qualified_kg", _("Qualified weight, kg"), sums.weight_qualified_kg,
               kg(sums.weight_qualified_kg)),
        *(Figure(k, _(RATE_LABELS[k]), _rate(rates, k), format_rate(_rate(rates, k)), NOTE[k])
          for k in RATE_KEYS[:4]),
        Figure("ingots_failing_product_analysis", _("Ingots failing product analysis"),
               sums.ingots_failing_product_analysis, count(sums.ingots_failing_product_analysis)),
    )

    reasons = []
    if sums.ingots_pending:
        reasons.append(_("{n} ingot(s) not judged yet").format(n=sums.ingots_pending))
    if not ingots:
        reasons.append(_("no ingots recorded yet"))
    if check.status is ChemStatus.NOT_CHECKED:
        missing = ", ".join(check.missing)
        reasons.append(_("analysis incomplete: {elements}").format(elements=missing) if missing
                       else _("chemistry not checked: no standard in force"))
    block, unsigned = heat_signoff_block(store, heat)
    reasons += unsigned
    draft = bool(reasons)
    notes = list(formula_notes(RATE_KEYS[:4]))
    if sums.ingots_awaiting_chemistry:
        notes.append(Footnote(None, _("{n} ingot(s) awaiting chemistry are left out of the ingot "
                                      "qualified rate.").format(n=sums.ingots_awaiting_chemistry)))
    return HeatSheet(
        furniture=_furniture(store, _("Heat inspection sheet"),
                             _("Heat {heat_no}").format(heat_no=heat.heat_no), printed_at, draft=draft,
                             block=block),
        heat_no=heat.heat_no, fields=fields, verdict=_status_text(check), analysis=analysis,
        ingots=ingot_table, totals=totals, draft_reasons=tuple(reasons), notes=heat.notes,
        signatures=(_("Inspector"), _("Checker")), footnotes=tuple(notes),
        headings={"analysis": _("Heat analysis"), "ingots": _("Ingots"), "totals": _("Totals and rates"),
                  "notes": _("Notes"), "draft": _("Draft: {reasons}"), "signature": _("{role} (signature)"),
                  "date": _("Date"), "chemistry": _("Chemistry: {verdict}")},
        signoff=block,
    )


# ---------------------------------------------------------- daily report


def _rate_columns(first: str, width: float = 1.4) -> tuple[Column, ...]:
    return (Column(first, "L", width), Column(_("Heats"), "R", 0.8), Column(_("Output, t"), "R", 1.0),
            Column(_("Judged, t"), "R", 1.0), Column(_("Qualified, t"), "R", 1.1),
            Column(_("Ingot rate\n(weight)"), "R", 1.2, NOTE["ingot_qualified_rate"]),
            Column(_("Ingot rate\n(count)"), "R", 1.2, NOTE["ingot_qualified_rate_by_count"]),
            Column(_("Surface rate\n(weight)"), "R", 1.2, NOTE["surface_qualified_rate"]),
            Column(_("Chemistry\n(heats)"), "R", 1.2, NOTE["chemistry_conformance_rate"]))


def _rate_cells(label: str, row: RateRow) -> tuple[str, ...]:
    s, r = row.sums, row.rates
    return (label, count(s.heats), tonnes(s.output_t), tonnes(s.weight_judged_kg / 1000),
            tonnes(s.weight_qualified_kg / 1000), format_rate(r.ingot_qualified_rate),
            format_rate(r.ingot_qualified_rate_by_count), format_rate(r.surface_qualified_rate),
            format_rate(r.chemistry_conformance_rate))


def _grouped(store: Store, day: date, key: str, names: dict[str, str] | None = None,
             label: str = "{key}") -> Table:
    report = store.rates(day, day, (key,))
    field_name = {"converter": "converter", "shift": "shift", "grade": "grade"}[key]
    rows = tuple(_rate_cells(label.format(key=(names or {}).get(r.keys[field_name], r.keys[field_name])), r)
                 for r in report.rows)
    first = {"converter": _("Converter"), "shift": _("Shift"), "grade": _("Grade")}[key]
    return Table(_rate_columns(first), rows, _rate_cells(_("Total"), report.total) if rows else None,
                 empty=_("No heats."))


def _summary(day_sums: RateSums, month_sums: RateSums, plan: Plan | None) -> tuple[Table, tuple[Figure, ...]]:
    day_r, month_r = Rates.of(day_sums), Rates.of(month_sums)
    target = plan.ingot_rate if plan else None
    planned_t = plan.output_t if plan else None
    rows: list[tuple[str, ...]] = [
        (_("Heats"), count(day_sums.heats), count(month_sums.heats), "", ""),
        (_("Output, t"), tonnes(day_sums.output_t), tonnes(month_sums.output_t),
         DASH if planned_t is None else tonnes(planned_t),
         DASH if planned_t is None else _("{pct} of plan").format(
             pct=format_rate(month_sums.output_t / planned_t))),
    ]
    figures = [Figure("heats", _("Heats"), day_sums.heats, count(day_sums.heats)),
               Figure("output_t", _("Output, t"), day_sums.output_t, tonnes(day_sums.output_t))]
    for key in RATE_KEYS:
        value = _rate(day_r, key)
        figures.append(Figure(key, _(RATE_LABELS[key]), value, format_rate(value), NOTE[key]))
        plan_cells = ("", "")
        if key == "ingot_qualified_rate":
            plan_cells = (format_rate(target), DASH if target is None or value is None
                          else points(value - target))
        rows.append((_(RATE_LABELS[key]), format_rate(value),
                     format_rate(_rate(month_r, key)), *plan_cells))
    rows.append((_("Ingots awaiting chemistry"), count(day_sums.ingots_awaiting_chemistry),
                 count(month_sums.ingots_awaiting_chemistry), "", ""))
    rows.append((_("Ingots not judged yet"), count(day_sums.ingots_pending),
                 count(month_sums.ingots_pending), "", ""))
    figures.append(Figure("ingots_awaiting_chemistry", _("Ingots awaiting chemistry"),
                          day_sums.ingots_awaiting_chemistry, count(day_sums.ingots_awaiting_chemistry)))
    figures.append(Figure("ingots_pending", _("Ingots not judged yet"), day_sums.ingots_pending,
                          count(day_sums.ingots_pending)))
    table = Table((Column(_("Figure"), "L", 3.2), Column(_("Day"), "R", 1.1),
                   Column(_("Month to date"), "R", 1.3), Column(_("Month's plan"), "R", 1.2),
                   Column(_("Against plan"), "R", 1.2)), tuple(rows),
                  row_notes=(None, None, *(NOTE[k] for k in RATE_KEYS), None, None))
    return table, tuple(figures)


def quarter_of(day: date) -> tuple[str, date]:
    """The quarter of a date as a plan names it ('YYYY-Qn'), and its first day."""
    q = (day.month - 1) // 3 + 1
    return f"{day.year}-Q{q}", date(day.year, 3 * (q - 1) + 1, 1)


def _quarter_plan(store: Store, day: date) -> str:
    """The quarter's plan as set (never pro-rated), against the quarter to date; "" without a plan."""
    period, start = quarter_of(day)
    plan = store.plan_for(period)
    if plan is None:
        return ""
    to_date = store.rates(start, day).total
    output_t, rate = to_date.sums.output_t, to_date.rates.ingot_qualified_rate
    planned, done = [], []
    if plan.output_t is not None:
        planned.append(_("{t} t").format(t=tonnes(plan.output_t)))
        done.append(_("{t} t, {pct}").format(t=tonnes(output_t), pct=_("{pct} of plan").format(
            pct=format_rate(output_t / plan.output_t))))
    else:
        done.append(_("{t} t").format(t=tonnes(output_t)))
    if plan.ingot_rate is not None:
        planned.append(_("target ingot qualified rate {rate}").format(rate=format_rate(plan.ingot_rate)))
        done.append(_("ingot qualified rate {rate} ({diff} against the target)").format(
            rate=format_rate(rate), diff=points(None if rate is None else rate - plan.ingot_rate)))
    else:
        done.append(_("ingot qualified rate {rate}").format(rate=format_rate(rate)))
    return _("Quarter plan {quarter}: {planned}. Quarter to date ({frm} to {to}): {done}.").format(
        quarter=period, planned="; ".join(planned), frm=start.isoformat(), to=day.isoformat(),
        done="; ".join(done))


def _pareto(store: Store, day: date) -> tuple[tuple[ParetoBar, ...], Table]:
    counts = store.defect_pareto(day, day)
    total = sum(d.ingots for d in counts)
    bars, running = [], 0
    for d in counts:
        running += d.ingots
        bars.append(ParetoBar(d.code, pick(d.name_en, d.name_zh), d.ingots, d.weight_kg / 1000,
                              d.ingots / total, running / total))
    rows = tuple((b.code, b.name, count(b.ingots), percent(b.share), percent(b.cumulative),
                  tonnes(b.weight_t)) for b in bars)
    # an ingot with two defects is in two rows: the total counts each ingot once, and says so
    ingots, weight_kg = store.defective_ingots(day, day) if rows else (0, 0.0)
    # the Defect column is wide enough for the total's sentence on one line
    table = Table((Column(_("Code"), "L", 0.9), Column(_("Defect"), "L", 3.4), Column(_("Ingots"), "R", 0.8),
                   Column(_("Share"), "R", 0.8), Column(_("Cumulative"), "R", 1.0),
                   Column(_("Weight, t"), "R", 0.9)), rows,
                  (_("Total"), _("{ingots} ingot(s) with defects; {found} defect(s) found").format(
                      ingots=count(ingots), found=count(total)),
                   count(ingots), "", "", tonnes(weight_kg / 1000))
                  if rows else None,
                  empty=_("No defects found on the day's ingots."))
    return tuple(bars), table


def _failing_text(v: ElementVerdict) -> str:
    value = DASH if v.value is None else format_chemistry(v.element, v.value)
    if v.max_pct is not None and v.value is not None and v.value > v.max_pct:
        return f"{v.element} {value} > {format_chemistry(v.element, v.max_pct)}"
    if v.min_pct is not None and v.value is not None and v.value < v.min_pct:
        return f"{v.element} {value} < {format_chemistry(v.element, v.min_pct)}"
    return f"{v.element} {value}"


def _nonconforming(store: Store, day: date, shifts: dict[str, str]) -> Table:
    rows = tuple(
        (heat.heat_no, heat.converter, shifts.get(heat.shift, heat.shift), heat.grade,
         check.standard.title if check.standard else DASH,
         ", ".join(_failing_text(v) for v in check.failing), count(heat.ingots))
        for heat, check in store.nonconforming_heats(day, day))
    return Table((Column(_("Heat"), "L", 1.0), Column(_("Conv."), "C", 0.6), Column(_("Shift"), "L", 0.9),
                  Column(_("Grade"), "L", 0.9), Column(_("Standard"), "L", 1.6),
                  Column(_("Failing elements, %"), "L", 2.6), Column(_("Ingots"), "R", 0.7)), rows,
                 marked=frozenset((i, 5) for i in range(len(rows))),
                 empty=_("None: every checked heat conforms."))


def bests_before(store: Store, day: date) -> RecordBests:
    """The records of the production dates before a day (by weight): the most heats in one day by
    the whole workshop and by each converter, and the best ingot qualified rate, each with the
    first date it was reached; one pass over every heat made before it."""
    if day == date.min:
        return RecordBests(None, {}, None)
    return store.record_bests(date.min, day - timedelta(days=1))


def bests_ahead(store: Store, day: date) -> Callable[[], RecordBests]:
    """Start reading `bests_before(store, day)` on a connection of its own, on another thread, and
    return what waits for it: the daily report's one pass over ten years of heats is read while the
    process does other work (loads reportlab and the font). A failure is raised by the waiting."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 - only the command line reads ahead

    pool = ThreadPoolExecutor(1, "qcdesk-records")

    def read() -> RecordBests:
        with store.reader() as reader:
            return bests_before(reader, day)

    found = pool.submit(read)
    pool.shutdown(wait=False)  # the thread ends with its one read
    return found.result


def _records(before: RecordBests, heats: list[Heat], day_rate: float | None) -> tuple[str, ...]:
    out = []
    by_converter: dict[str, int] = {}
    for h in heats:
        by_converter[h.converter] = by_converter.get(h.converter, 0) + 1
    best_all, bests = before.heats, before.heats_by_converter
    for conv, n in sorted(by_converter.items(), key=lambda kv: (len(kv[0]), kv[0])):
        best = bests.get(conv)
        if best is None:
            continue
        if n > best[0]:
            out.append(_("{n} heats on converter {conv} — the most in one day so far "
                         "(before: {best} on {date})").format(n=n, conv=conv, best=best[0],
                                                               date=best[1].isoformat()))
        elif n == best[0]:
            out.append(_("{n} heats on converter {conv} — equals the most in one day so far "
                         "(first on {date})").format(n=n, conv=conv, date=best[1].isoformat()))
    if best_all is not None and len(heats) > best_all[0]:
        out.append(_("{n} heats in the workshop — the most in one day so far (before: {best} on "
                     "{date})").format(n=len(heats), best=best_all[0], date=best_all[1].isoformat()))
    best_rate = before.rate
    if best_rate is not None and day_rate is not None and day_rate > best_rate[0]:
        out.append(_("Ingot qualified rate {rate} — the best day so far (before: {best} on {date})").format(
            rate=format_rate(day_rate), best=format_rate(best_rate[0]), date=best_rate[1].isoformat()))
    return tuple(out)


def daily_report(store: Store, day: date, printed_at: datetime | None = None, *,
                 bests: Callable[[], RecordBests] | None = None) -> DailyReport:
    """The daily quality report of a production date; `bests`: what gives the records of the days
    before it (`bests_ahead`), if they are being read already."""
    printed_at = printed_at or datetime.now()
    shifts = _shift_names(store)
    day_total = store.rates(day, day).total
    month_start = day.replace(day=1)
    month_total = store.rates(month_start, day).total
    plan = store.plan_for(day)
    summary, figures = _summary(day_total.sums, month_total.sums, plan)
    heats = store.heats(day, day)
    bars, pareto_table = _pareto(store, day)
    s = day_total.sums
    reasons = []
    if s.ingots_pending:
        reasons.append(_("{n} ingot(s) not judged yet").format(n=s.ingots_pending))
    if s.heats_checked < s.heats:
        reasons.append(_("{n} heat(s) with chemistry not checked yet").format(n=s.heats - s.heats_checked))
    block, unsigned = day_signoff_block(store, day, sorted({h.shift for h in heats}))
    reasons += unsigned
    notes = list(formula_notes())
    notes.append(Footnote(None, _("Month to date: production dates {frm} to {to}. Judged and qualified "
                                  "tonnes: ingots of checked heats.").format(
        frm=month_start.isoformat(), to=day.isoformat())))
    if s.ingots_awaiting_chemistry:
        notes.append(Footnote(None, _("{n} ingot(s) awaiting chemistry are left out of the ingot "
                                      "qualified rate.").format(n=s.ingots_awaiting_chemistry)))
    if plan is None:
        notes.append(Footnote(None, _("No plan is set for {month}.").format(month=day.strftime("%Y-%m"))))
    return DailyReport(
        furniture=_furniture(store, _("Daily quality report"), _("Production date {date}").format(
            date=day.isoformat()), printed_at, draft=bool(reasons), block=block),
        day=day, figures=figures, summary=summary,
        by_converter=_grouped(store, day, "converter", label=_("Converter {key}")),
        by_shift=_grouped(store, day, "shift", shifts),
        by_grade=_grouped(store, day, "grade"),
        pareto=bars, pareto_table=pareto_table,
        nonconforming=_nonconforming(store, day, shifts),
        records=_records(bests() if bests else bests_before(store, day), heats,
                         day_total.rates.ingot_qualified_rate),
        draft_reasons=tuple(reasons),
        signatures=(_("Workshop head"),),
        footnotes=tuple(notes),
        quarter_plan=_quarter_plan(store, day),
        signoff=block,
        headings={"summary": _("The day's figures"), "converter": _("By converter"), "shift": _("By shift"),
                  "grade": _("By grade"), "pareto": _("Defects (Pareto, by ingots)"),
                  "nonconforming": _("Non-conforming heats"), "records": _("Records"),
                  "no_records": _("No record set this day."), "notes": _("Notes"),
                  "draft": _("Draft: {reasons}"), "signature": _("{role} (signature)"), "date": _("Date"),
                  "chart_ingots": _("ingots"), "chart_cumulative": _("cumulative %"),
                  "no_heats": _("No heats on this production date.")},
    )
