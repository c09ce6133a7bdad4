"""What the printed documents say of the lab's samples, the product analysis and re-graded ingots
(issue 16), as data: rows and sentences, no layout.

Every verdict is the core's (`Store.product_check`, which applies `qcdesk.product`), every count
the store's rate sums; this module only picks, orders and formats them (chemistry as the lab
writes it, "—" where there is nothing) in the language in force. `reports.heat_sheet` and
`reports.daily` lay them out beside the rest of the sheet and the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from qcdesk import i18n as core_i18n
from qcdesk.model import SAMPLE_KIND_NAMES, STATUS_NAMES, ChemStatus, Disposition, Ingot, SampleKind
from qcdesk.numbers import format_chemistry
from qcdesk.product import (
    ProductCheck,
    ProductElement,
    failing_text,
    range_text,
    tolerance_text,
)
from qcdesk.store import Store
from reports.data import DASH, Column, Table, count, kg
from reports.i18n import _

# ------------------------------------------------------------------ formatting


def chemistry(element: str, value: float | None) -> str:
    return DASH if value is None else format_chemistry(element, value)


def verdict_word(e: ProductElement) -> str:
    if e.ok is None:
        return _("not limited") if not e.limited else DASH
    if e.ok:
        return _("ok")
    return _("FAILS (one side only)") if e.one_side else _("FAILS")


def numbers(values: list[int]) -> str:
    """Ingot numbers as a person writes them: 1–4, 7, 9–10."""
    runs: list[list[int]] = []
    for n in sorted(values):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def kind_name(kind: SampleKind) -> str:
    return core_i18n._(SAMPLE_KIND_NAMES[kind][0])


def basis(check: ProductCheck, grade: str) -> str:
    """What the heat's product analyses are judged against, in one sentence."""
    if check.standard is None:
        return _("Grade {grade} has no edition in force on the tap date: the product analyses are not "
                 "checked.").format(grade=grade)
    if check.tolerances is None:
        why = (_("the heat has no heat analysis of record") if not check.heat_analysis
               else _("no tolerance table in force on the tap date"))
        return _("Judged against the limits of {grade}, {standard}, with no tolerance: {why}.").format(
            grade=grade, standard=check.standard.title, why=why)
    return _("Judged against the limits of {grade}, {standard}, widened by the tolerances of {table} "
             "(one side only within a heat).").format(grade=grade, standard=check.standard.title,
                                                      table=check.tolerances.title)


# ------------------------------------------------------------------ the heat sheet


@dataclass(frozen=True)
class HeatLab:
    """The heat sheet's samples and product analyses; `samples` is None when the heat has no sample
    but its heat analysis (the analysis table says it all), `product` None without product samples."""

    samples: Table | None
    product: Table | None
    basis: str
    notes: tuple[str, ...] = ()
    headings: dict[str, str] = field(default_factory=dict)


def _values(values: dict[str, float]) -> str:
    return " · ".join(f"{el} {format_chemistry(el, v)}" for el, v in values.items()) or DASH


def heat_lab(store: Store, heat_no: str) -> HeatLab:
    """The samples of a heat and its product analyses judged, element by element."""
    heat = store.heat(heat_no)
    samples = store.samples(heat.heat_no)
    check = store.product_check(heat.heat_no)
    sample_table = None
    if any(s.kind is not SampleKind.HEAT for s in samples):
        sample_table = Table(
            (Column(_("Kind"), "L", 1.7), Column(_("Sample"), "L", 0.9), Column(_("Ingot"), "R", 0.6),
             Column(_("Taken at"), "L", 1.5), Column(_("Entered by"), "L", 1.0),
             Column(_("Values, %"), "L", 3.3)),
            tuple((kind_name(s.kind), s.sample_no or DASH, DASH if s.ingot_no is None else str(s.ingot_no),
                   s.taken_at.strftime("%Y-%m-%d %H:%M"), s.entered_by, _values(s.values)) for s in samples))
    product_table = None
    notes: list[str] = []
    if check.samples:
        rows: list[tuple[str, ...]] = []
        marked: set[tuple[int, int]] = set()
        for verdict in check.samples:
            sample = verdict.sample
            for e in verdict.elements:
                if e.value is None:
                    continue  # not analysed: nothing to judge, nothing to print
                if e.ok is False:
                    marked.update({(len(rows), 3), (len(rows), 8)})
                ingot = DASH if sample.ingot_no is None else str(sample.ingot_no)
                rows.append((sample.sample_no or DASH, ingot, e.element, chemistry(e.element, e.value),
                             chemistry(e.element, e.min_pct), chemistry(e.element, e.max_pct),
                             tolerance_text(e), range_text(e.element, e.low_pct, e.high_pct),
                             verdict_word(e)))
        product_table = Table(
            (Column(_("Sample"), "L", 0.9), Column(_("Ingot"), "R", 0.6), Column(_("Element"), "L", 0.8),
             Column(_("Value, %"), "R", 1.0), Column(_("Min, %"), "R", 0.9), Column(_("Max, %"), "R", 0.9),
             Column(_("Tolerance"), "R", 1.1), Column(_("Allowed, %"), "R", 1.2),
             Column(_("Verdict"), "C", 1.5)),
            tuple(rows), marked=frozenset(marked))
        failing = sorted(check.failing_ingots)
        if failing:
            notes.append(_("Ingot(s) {numbers} fail their product analysis: not qualified, whatever their "
                           "surface.").format(numbers=", ".join(str(n) for n in failing)))
    return HeatLab(sample_table, product_table, basis(check, heat.grade), tuple(notes),
                   headings={"samples": _("Samples from the lab"), "product": _("Product analysis")})


# ------------------------------------------------------------------ the daily report


@dataclass(frozen=True)
class DailyLab:
    """The daily report's product analyses and re-graded ingots: the line said under the rates (""
    when no ingot of the month to date fails), the ingots failing their product analysis, the
    re-graded ingots with the grade they are released as."""

    failing_line: str
    failing: Table
    regraded: Table
    headings: dict[str, str] = field(default_factory=dict)


def daily_lab(store: Store, day: date) -> DailyLab:
    """The product analyses and re-graded ingots of a production date."""
    day_sums = store.rates(day, day).total.sums
    month_sums = store.rates(day.replace(day=1), day).total.sums
    n, month = day_sums.ingots_failing_product_analysis, month_sums.ingots_failing_product_analysis
    # said as the awaiting chemistry is: where there is something to say
    failing_line = _("{n} ingot(s) fail product analysis this day ({kg} kg), {month} this month to date: "
                     "not qualified, whatever their surface.").format(
        n=count(n), kg=kg(day_sums.weight_failing_product_analysis_kg), month=count(month)) if month else ""
    heats = {h.heat_no: h for h in store.heats(day, day)}
    ingots = list(store.iter_ingots(day, day))
    # one row per heat and grade released as: a heat re-graded whole is one line, not one per ingot
    groups: dict[tuple[str, str | None], list[Ingot]] = {}
    for i in ingots:
        if i.disposition is Disposition.REGRADED:
            groups.setdefault((i.heat_no, i.regrade_to), []).append(i)
    regraded_table = Table(
        (Column(_("Heat"), "L", 1.0), Column(_("Aim grade"), "L", 1.0), Column(_("Ingots"), "L", 1.6),
         Column(_("Released as"), "L", 1.2), Column(_("Count"), "R", 0.7), Column(_("Weight, kg"), "R", 1.0)),
        tuple((heat_no, heats[heat_no].grade if heat_no in heats else DASH,
               numbers([i.ingot_no for i in group]), grade or _("not named"), count(len(group)),
               kg(sum(i.weight_kg for i in group))) for (heat_no, grade), group in groups.items()),
        empty=_("No re-graded ingots."))
    rows: list[tuple[str, ...]] = []
    for heat_no in dict.fromkeys(i.heat_no for i in ingots if i.product_fails and i.disposition.judged):
        heat = heats.get(heat_no)
        failed = [v for v in store.product_check(heat_no).samples if v.status is ChemStatus.FAILS]
        for ingot in (i for i in ingots if i.heat_no == heat_no and i.product_fails and i.disposition.judged):
            mine = [v for v in failed if v.sample.ingot_no == ingot.ingot_no]
            rows.append((heat_no, str(ingot.ingot_no), heat.grade if heat else DASH,
                         ", ".join(v.sample.sample_no or DASH for v in mine) or DASH,
                         "; ".join(failing_text(v) for v in mine) or DASH, kg(ingot.weight_kg),
                         core_i18n._(STATUS_NAMES[heat.chem_status]) if heat else DASH))
    failing_table = Table(
        (Column(_("Heat"), "L", 1.0), Column(_("Ingot"), "R", 0.6), Column(_("Grade"), "L", 0.9),
         Column(_("Sample"), "L", 0.9), Column(_("Failing elements, %"), "L", 2.6),
         Column(_("Weight, kg"), "R", 1.0), Column(_("Heat analysis"), "L", 1.1)),
        tuple(rows), marked=frozenset((r, 4) for r in range(len(rows))),
        empty=_("None: no product analysis fails."))
    return DailyLab(failing_line, failing_table, regraded_table,
                    headings={"failing": _("Ingots failing product analysis"),
                              "regraded": _("Re-graded ingots")})
